"""Joining PDFs: ``print.pdf`` (every letter, each from an odd page) and long outputs in parts.

Envelopes and labels for hundreds of addressees are laid out in parts, in parallel,
and joined here; the envelopes' addresses are drawn over the one envelope that holds
what every envelope shows (the sender), laid out once.

Letters made from shared pages hold the same fonts and the same later pages, so a
plain concatenation of 700 letters repeats them 700 times (tens of megabytes, and
seconds of copying). Objects are copied here by content instead: an object whose
bytes were copied before is referenced again, so each font and each shared page's
content is stored once.

Most letters are one master with page 1 drawn on (``workers.run_stamp``): the build
says which master, and the join copies the master's pages once; each such letter's
page that draws exactly what the master's page does is a new page dictionary
pointing at that copy, and only the pages drawn on are read and copied.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from campaign.errors import CampaignError, Problem, ProblemsFoundLate
from campaign.files.atomic import write_staged
from campaign.model.records import Enclosure
from campaign.paths import MAX_BINARY, NotAFile, opened, read_bytes, where_opened

# Keys that point back up the page tree or into a document structure we do not copy.
_SKIP = {"/Parent", "/StructParents", "/P"}
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


class _Cycle(Exception):
    """An object refers back to itself; such a page is copied the plain way."""


def _reason(exc: Exception) -> str:
    """qpdf's message, without the name it gives a stream it read (the message names the file)."""
    return re.sub(r"^stream <[^>]*>: ", "", str(exc))


@contextmanager
def _opened_pdf(path: Path | str, checked: bool = False) -> Iterator[Any]:
    """The PDF at ``path``, opened as a regular file only (``paths.opened``).

    A part is a file of the build's or an enclosure, each looked at before: one
    swapped for a named pipe in between would make qpdf's own open wait for ever, and
    a link to a device read without end. Here either is :class:`~campaign.paths.NotAFile`,
    said at its path. ``checked``: ``path`` is where a check found the file, every link
    followed; a folder on the way turned into a link since (to a file of the user's
    outside the letter) is refused, not joined into what is mailed.
    """
    import pikepdf

    with ExitStack() as stack:
        try:
            handle, _size = stack.enter_context(opened(path, MAX_BINARY))
            if checked and (real := where_opened(handle.fileno(), path)) != Path(path):
                raise CampaignError(
                    f"{path}: it now leads to {real}, not where it was checked; nothing "
                    "was written\n  hint: build again once nothing changes the letter's files"
                )
            # Mapped, as qpdf maps a file it opens by name: read through Python's stream
            # methods, print.pdf's join took 1.6 times the CPU.
            pdf = stack.enter_context(pikepdf.open(handle, access_mode=pikepdf.AccessMode.mmap))
        except NotAFile:
            raise
        except (OSError, pikepdf.PdfError) as exc:
            why = _reason(exc) if isinstance(exc, pikepdf.PdfError) else exc.strerror or exc
            raise CampaignError(f"{path}: cannot read it to join it ({why})") from exc
        yield pdf


_PRINTS = ("fingerprints",)  # in a file's memo (its keys are object numbers and texts)


class _Copier:
    """Copies objects into ``out``, storing objects with equal content only once."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.known: dict[bytes, Any] = {}  # digest -> object in ``out``
        self.same: dict[bytes, tuple[Any, bytes]] = {}  # fingerprint -> what copy() gave

    def copy_again(self, value: Any, memo: dict[Any, Any], source: Any) -> Any:
        """``value`` (of PDF ``source``) copied into ``out``, walking only what is new.

        The stamps of a batch's letters share their resources (the overlay's fonts), which
        each letter's file holds again: those fingerprinted as copied before are not walked.
        """
        import pikepdf

        if not (isinstance(value, pikepdf.Object) and value.is_indirect):
            return self.copy(value, memo)[0]
        # Taken once per file (``memo`` is one file's): a copy for cc has every page
        # stamped, and its pages share one resource dictionary holding every stamp.
        prints: dict[tuple[int, int], bytes | None] = memo.setdefault(_PRINTS, {})
        new = len(prints)
        _fingerprint(value, source, prints)
        if len(prints) == new:
            return self.copy(value, memo)[0]  # its objects were all fingerprinted and copied
        for key, print_ in prints.items():
            if print_ is not None and print_ in self.same and key not in memo:
                memo[key] = self.same[print_]
        copied = self.copy(value, memo)[0]
        for key, print_ in prints.items():
            if print_ is not None and memo.get(key) is not None:
                self.same.setdefault(print_, memo[key])
        return copied

    def page(self, page: Any, memo: dict[Any, Any]) -> Any:
        """A copy of ``page`` (a page of another PDF) as a page dictionary of ``out``."""
        import pikepdf

        source = page.obj
        copy = pikepdf.Dictionary()
        for key in set(source.keys()) | set(_INHERITED):
            if key in _SKIP:
                continue
            value = _inherited(source, key)
            if value is not None:
                copy[key] = self.copy(value, memo)[0]
        return copy

    def copy(self, value: Any, memo: dict[Any, Any]) -> tuple[Any, bytes]:
        """``value`` copied into ``out``, and a digest of its content."""
        import pikepdf

        if not isinstance(value, pikepdf.Object):
            return value, repr(value).encode()  # ints, floats, bools, decimals
        if value.is_indirect:
            key: Any = value.objgen
        elif isinstance(value, (pikepdf.Dictionary, pikepdf.Array)):
            text = value.unparse()
            if b" R" not in text:
                # No references inside (a font's widths, a colour space): its text is
                # its content, and parsing it is far quicker than walking it.
                return pikepdf.Object.parse(text), b"T" + text
            # Within one file, equal text means equal content (references included);
            # pages repeat the same resource dictionaries, so this spares walking them.
            key = text
        else:
            key = None
        if key is not None:
            if key in memo:
                seen: tuple[Any, bytes] | None = memo[key]
                if seen is None:  # still being copied: the object contains itself
                    raise _Cycle
                return seen
            memo[key] = None
        if isinstance(value, pikepdf.Stream):
            result = self._stream(value, memo)
        elif isinstance(value, pikepdf.Dictionary):
            children = {k: self.copy(v, memo) for k, v in value.items() if k not in _SKIP}
            digest = _digest(
                b"D", [p for k, (_, d) in sorted(children.items()) for p in (k.encode(), d)]
            )
            # An annotation belongs to one page: it is never shared, even when equal.
            share = "/Rect" not in value
            result = self._known(digest, value.is_indirect, pikepdf.Dictionary, children, share)
        elif isinstance(value, pikepdf.Array):
            items = [self.copy(v, memo) for v in value]
            digest = _digest(b"A", [d for _, d in items])
            result = self._known(digest, value.is_indirect, pikepdf.Array, items)
        else:  # names and strings: made anew, as objects cannot move between files
            text = value.unparse()
            made = (
                pikepdf.Name(str(value))
                if isinstance(value, pikepdf.Name)
                else pikepdf.String(bytes(value))
            )
            result = (made, b"V" + text)
        if key is not None:
            memo[key] = result
        return result

    def _known(
        self, digest: bytes, indirect: bool, kind: Any, parts: Any, share: bool = True
    ) -> tuple[Any, bytes]:
        if indirect and share and digest in self.known:
            return self.known[digest], digest
        if isinstance(parts, dict):
            made = kind({k: v for k, (v, _) in parts.items()})
        else:
            made = kind([v for v, _ in parts])
        if indirect:
            made = self.out.make_indirect(made)
            if share:
                self.known[digest] = made
        return made, digest

    def _stream(self, value: Any, memo: dict[Any, Any]) -> tuple[Any, bytes]:
        import pikepdf

        raw = value.read_raw_bytes()
        extra = {
            k: self.copy(v, memo)
            for k, v in value.items()
            if k not in ("/Length", "/Filter", "/DecodeParms") and k not in _SKIP
        }
        codec = [value.get("/Filter"), value.get("/DecodeParms")]
        head = [p for k, (_, d) in sorted(extra.items()) for p in (k.encode(), d)]
        head += [b"" if c is None else self.copy(c, memo)[1] for c in codec]
        digest = _digest(b"S" + hashlib.sha256(raw).digest(), head)
        if digest in self.known:
            return self.known[digest], digest
        stream = pikepdf.Stream(self.out, b"")
        filter_, parms = (None if c is None else self.copy(c, memo)[0] for c in codec)
        # The bytes stay encoded as they were: nothing is decompressed and compressed again.
        stream.write(raw, filter=filter_, decode_parms=parms, type_check=False)
        for k, (v, _) in extra.items():
            stream[k] = v
        self.known[digest] = stream
        return stream, digest


# A reference in qpdf's JSON (schema 2): a string "n g R" standing where a value does. A
# PDF string is written with a "u:" or "b:" prefix, and a quote inside one is escaped.
_REFERENCE = re.compile(rb'(?<=[\s\[:,])"(\d+) (\d+) R"')
# Keys of objects that belong to one page or point up a tree: such are not fingerprinted.
_OWNED = (b'"/Rect"', b'"/Parent"', b'"/P"', b'"/StructParents"')


def _fingerprint(
    value: Any, source: Any, prints: dict[tuple[int, int], bytes | None]
) -> bytes | None:
    """A digest of indirect ``value``'s content and all it refers to; None: not to be shared.

    Objects of two files with the same fingerprint are equal, references followed.
    ``prints`` holds the fingerprints taken in ``source``, by object number, with None
    for one being taken (an object in a cycle is not fingerprinted).
    """
    import pikepdf

    key = value.objgen
    if key in prints:
        return prints[key]
    prints[key] = None
    text = value.to_json(dereference=True)
    if any(owned in text for owned in _OWNED):
        return None
    stream = isinstance(value, pikepdf.Stream)
    digest = hashlib.sha256(b"S" if stream else b"O")
    end = 0
    for found in _REFERENCE.finditer(text):
        inner = _fingerprint(source.get_object(int(found[1]), int(found[2])), source, prints)
        if inner is None:
            return None
        digest.update(text[end : found.start()] + b"\0" + inner + b"\0")
        end = found.end()
    digest.update(text[end:])
    if stream:
        digest.update(hashlib.sha256(value.read_raw_bytes()).digest())
    prints[key] = digest.digest()
    return prints[key]


def _digest(kind: bytes, parts: list[bytes]) -> bytes:
    digest = hashlib.sha256(kind)
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.digest()


def _inherited(page: Any, key: str) -> Any:
    """A page attribute, looked up the page tree if the page does not carry it itself."""
    node, depth = page, 0
    while node is not None and depth < 64:
        if key in node:
            return node[key]
        node, depth = node.get("/Parent"), depth + 1
    return None


def _drawn(page: Any) -> tuple[bytes, bytes] | None:
    """What a page draws, as stored: its one content stream's dictionary and bytes (None: other)."""
    import pikepdf

    contents = page.get("/Contents")
    if not isinstance(contents, pikepdf.Stream):
        return None
    head = contents.stream_dict.unparse()  # the filters, and the length
    # A reference means an object of its own file: not comparable across files as text.
    return None if b" R" in head else (head, contents.read_raw_bytes())


# A master's page as copied into the joined file, with what it draws; None for a page
# that is copied from each letter (one with annotations, which belong to one page).
_MasterPage = tuple[tuple[bytes, bytes], dict[str, Any]] | None


def _master_pages(copier: _Copier, path: Path) -> list[_MasterPage]:
    """The pages of ``path``, a master letters were stamped on, copied once into the join."""

    pages: list[_MasterPage] = []
    memo: dict[Any, Any] = {}
    with _opened_pdf(path) as source:
        for page in source.pages:
            drawn = _drawn(page.obj)
            if drawn is None or "/Annots" in page.obj:
                pages.append(None)
                continue
            try:
                pages.append((drawn, dict(copier.page(page, memo).items())))
            except _Cycle:
                pages.append(None)
    return pages


def _drawn_on(
    copier: _Copier, source: Any, page: Any, master: dict[str, Any], memo: dict[Any, Any]
) -> Any:
    """A copy of ``page`` of ``source``, the master's page (copied as ``master``) drawn on.

    Stamping adds to a page's contents and adds resources under new names: a resource
    named as one of the master's page is the master's, already copied. Only the new
    contents and the new resources (the stamp) are read and copied. A page with more
    than that (an entry the master's page has not) is copied whole.
    """
    import pikepdf

    sheet = page.obj
    if any(key not in master and key not in _SKIP for key in sheet):
        return copier.page(page, memo)
    copy = pikepdf.Dictionary(master)
    copy.Contents = copier.copy(sheet.Contents, memo)[0]
    theirs, resources = master.get("/Resources"), _inherited(sheet, "/Resources")
    if not isinstance(theirs, pikepdf.Dictionary) or not isinstance(resources, pikepdf.Dictionary):
        copy.Resources = copier.copy(resources, memo)[0]
        return copy
    merged = pikepdf.Dictionary()
    for kind, named in resources.items():
        known = theirs.get(kind)
        if isinstance(named, pikepdf.Dictionary) and isinstance(known, pikepdf.Dictionary):
            every = dict(known.items())
            for name, value in named.items():
                if name not in every:
                    every[name] = copier.copy_again(value, memo, source)
            merged[kind] = pikepdf.Dictionary(every)
        else:
            merged[kind] = copier.copy(named, memo)[0]
    copy.Resources = merged
    return copy


def join_pdfs(
    parts: list[Path],
    target: Path,
    duplex: bool = False,
    dedupe: bool = True,
    variant: str = "",
    under: Path | None = None,
    before: Callable[[Path], Path | None] | None = None,
    checked: frozenset[Path] = frozenset(),
) -> list[int]:
    """Write ``parts`` one after the other into ``target``; return each part's page count.

    With ``duplex``, each part starts on an odd page: a blank page (the size of the
    part's last page) follows every part with an odd number of pages, so double-sided
    printing never puts two letters on one sheet. ``dedupe=False`` is the plain
    concatenation, kept for the benchmark. The result has the first part's title,
    language and metadata (with ``variant``, what PDF/A or PDF/UA asks of the
    catalog), and the structure trees of tagged parts, joined. ``under`` is a
    one-page PDF drawn under every page (the envelope every envelope is printed on).
    ``before`` is called with each part before it is read: a build joins its letters
    while later ones are still laid out, and waits there for each. It returns the
    master the part was stamped on, if it was: a page of the part that draws exactly
    what the master's page of the same number draws (same content stream, resources
    only added to) is then the master's, copied once for every part that shares it.
    ``checked``: parts that are where a check found them (an enclosure, its links
    followed): one that is elsewhere when opened is refused.
    """
    import pikepdf

    from campaign.pdf.variants import StructureMerger, save, take_document_info

    out = pikepdf.new()
    copier = _Copier(out)
    structure = StructureMerger(out)
    version = "1.4"
    tree = out.Root.Pages
    # Pages go straight into the page tree: pikepdf's pages.append looks through every
    # page already added, which makes a 16,000-page file quadratic.
    kids: list[Any] = []
    counts: list[int] = []
    drawn_under = _underlay(out, under) if under is not None else None
    masters: dict[Path, list[_MasterPage]] = {}
    for path in parts:
        master = before(path) if before is not None else None
        with _opened_pdf(path, path in checked) as source:
            if not counts:
                take_document_info(source, out)
            version = max(version, str(source.pdf_version))
            # A tagged part's structure elements point at its pages: those are copied
            # whole (not by content), so the references can follow them.
            tagged = "/StructTreeRoot" in source.Root
            shared: list[_MasterPage] = []
            if master is not None and dedupe and not tagged and drawn_under is None:
                if master not in masters:
                    masters[master] = _master_pages(copier, master)
                shared = masters[master]
            memo: dict[Any, Any] = {}
            copied = []
            for number, page in enumerate(source.pages):
                copy: Any
                mine = shared[number] if number < len(shared) else None
                if mine is not None and _drawn(page.obj) == mine[0]:
                    # The master's page: its contents and resources, copied once.
                    copy = pikepdf.Dictionary(mine[1])
                else:
                    try:
                        if not dedupe or tagged:
                            raise _Cycle
                        if mine is not None:
                            copy = _drawn_on(copier, source, page, mine[1], memo)
                        else:
                            copy = copier.page(page, memo)
                    except _Cycle:
                        copy = out.copy_foreign(page.obj)
                copy.Parent = tree
                if drawn_under is not None:
                    drawn_under(copy)
                copied.append(out.make_indirect(copy))
            if tagged:
                structure.add(source, copied)
            kids += copied
            counts.append(len(source.pages))
            if duplex and len(source.pages) % 2:
                box = _inherited(source.pages[-1].obj, "/MediaBox")
                blank = pikepdf.Dictionary(
                    Type=pikepdf.Name.Page, MediaBox=copier.copy(box, {})[0], Parent=tree
                )
                kids.append(out.make_indirect(blank))
    tree.Kids = pikepdf.Array(kids)
    tree.Count = len(kids)
    structure.finish()
    write_staged(target, save(out, variant, version))
    return counts


def _underlay(out: Any, path: Path) -> Callable[[Any], None]:
    """What draws the first page of ``path`` under a page of ``out``, the same form each time.

    The form is named, not numbered at random (as pikepdf's ``add_underlay`` would),
    so that building twice gives the same file.
    """
    import pikepdf

    with _opened_pdf(path) as source:
        form = out.copy_foreign(source.make_indirect(source.pages[0].as_form_xobject()))
    name = pikepdf.Name("/CampaignUnder")

    def draw(page: Any) -> None:
        sheet = pikepdf.Page(page)
        sheet.add_resource(form, pikepdf.Name.XObject, name)
        placed = sheet.calc_form_xobject_placement(form, name, pikepdf.Rectangle(sheet.mediabox))
        sheet.contents_add(placed, prepend=True)

    return draw


def page_counts(enclosures: tuple[Enclosure, ...], letter_yaml: Path) -> list[int]:
    """Each enclosure's pages; one that a PDF library cannot open is a ``letter.yaml`` error."""
    import pikepdf

    counts, problems = [], []
    for enclosure in enclosures:
        try:
            with pikepdf.open(io.BytesIO(read_bytes(enclosure.file, MAX_BINARY))) as pdf:
                counts.append(len(pdf.pages))
        except (OSError, pikepdf.PdfError) as exc:
            name = enclosure.file.name
            reason = _reason(exc)  # the bytes were read as a file only: paths.read_bytes
            problems.append(
                Problem(
                    letter_yaml,
                    enclosure.line,
                    f"enclosure '{name}' cannot be read as a PDF ({reason})",
                    "download or export it again, and open it in a PDF reader to check it",
                )
            )
    if problems:
        raise ProblemsFoundLate(problems)
    return counts


def stamp(sheet: Any, overlay: Any, index: int) -> None:
    """Draw page ``overlay`` over page ``sheet`` (page ``index``, from 0), at the same place.

    pikepdf's ``add_overlay`` names the form XObject at random, which would make
    every build's letters differ; this names it after the page, as the pages of a
    WeasyPrint document share one resource dictionary.
    """
    _draw(sheet, _form(sheet, overlay, index))


def _form(sheet: Any, overlay: Any, index: int) -> bytes:
    """Page ``overlay`` put in ``sheet``'s resources as a form; the drawing that places it."""
    import pikepdf

    form = overlay.as_form_xobject()
    name = pikepdf.Name(f"/CampaignStamp{index + 1}")
    name = sheet.add_resource(form, pikepdf.Name.XObject, name)
    return bytes(sheet.calc_form_xobject_placement(form, name, pikepdf.Rectangle(sheet.mediabox)))


def _draw(sheet: Any, placed: bytes) -> None:
    """``sheet``'s drawing, then ``placed``, as one content stream."""
    sheet.contents_add(b"q\n", prepend=True)
    sheet.contents_add(b"Q\n")
    sheet.contents_add(placed)
    sheet.contents_coalesce()


@contextmanager
def stamping(master: str, variant: str) -> Iterator[Callable[[list[Any]], bytes]]:
    """``letter(pages)``: the bytes of PDF ``master`` with ``pages`` stamped on its first pages.

    The master is opened once for every letter (opening it anew took a quarter of a
    letter's CPU): each letter's stamps are taken off again once it is saved. A page's
    drawing with its stamp placed is the same for every letter (each names its own
    form the same way): it is made and compressed once, where the writer compressed it
    again for each letter (a third of a save's CPU). Each letter is what stamping a
    master just opened gives, to the byte but for the order of that stream's /Filter
    and /Length (tests/unit/test_stamping.py).
    """

    from campaign.pdf.variants import save

    with _opened_pdf(master) as pdf:
        version = str(pdf.pdf_version)
        drawn: dict[tuple[int, bytes], Any] = {}  # (page, placing drawing): content stream

        def letter(pages: list[Any]) -> bytes:
            undo = [_as_now(pdf.pages[n]) for n in range(len(pages))]
            try:
                for n, page in enumerate(pages):
                    sheet = pdf.pages[n]
                    placed = _form(sheet, page, n)
                    if (n, placed) not in drawn:
                        _draw(sheet, placed)
                        drawn[n, placed] = _compressed(sheet.obj.Contents)
                    sheet.obj.Contents = drawn[n, placed]
                return save(pdf, variant, version)
            finally:
                for back in reversed(undo):
                    back()

        yield letter


def _compressed(stream: Any) -> Any:
    """``stream`` compressed as the PDF writer would (zlib's default level): it is copied as is."""
    import zlib

    import pikepdf

    stream.write(zlib.compress(stream.read_bytes()), filter=pikepdf.Name.FlateDecode)
    return stream


def _as_now(sheet: Any) -> Callable[[], None]:
    """What puts page ``sheet`` back as it is now: its entries and its resources' (two levels).

    Those are all :func:`stamp` changes (the new objects it makes are written only
    while the page refers to them).
    """
    import pikepdf

    resources = sheet.resources  # made here if missing, as stamp() would make it
    kept = [(sheet.obj, dict(sheet.obj.items())), (resources, dict(resources.items()))]
    kept += [(v, dict(v.items())) for v in resources.values() if isinstance(v, pikepdf.Dictionary)]

    def back() -> None:
        for holder, entries in kept:
            for key in set(holder.keys()) - entries.keys():
                del holder[key]
            for key, value in entries.items():
                holder[key] = value

    return back
