"""What a build proves from its own output: names in order, no missing glyph, addresses inside.

Every address, return line and label was read back after layout (render.fitted_layout)
or the build stopped; here the finished PDFs are read as a reader would (their text),
and the build writes what it verified to ``proof.json`` and says it in one line.
"""

from __future__ import annotations

import bisect
import functools
import io
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from campaign.errors import CampaignError, display_path
from campaign.errors import shown as escaped
from campaign.paths import MAX_BINARY, read_bytes

PROOF = "proof.json"
_SPACE = re.compile(r"\s+")


def pdf_text(pdf: Path, raw: bool = False) -> str:
    """The text of every page of ``pdf``, as a reader's copy and paste would give it.

    Poppler's pdftotext where it is installed (many times faster on a long list),
    else pypdf. ``raw`` keeps the order the text was drawn in (columns one after the
    other), at the cost of right-to-left words coming in the order they stand.
    """
    tool = shutil.which("pdftotext")
    if tool:
        mode = ["-raw"] if raw else []
        done = subprocess.run(
            [tool, *mode, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=False
        )
        if done.returncode == 0:
            return done.stdout.decode("utf-8", "replace")
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(read_bytes(pdf, MAX_BINARY)))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _squeezed(text: str) -> str:
    # Lines break inside names (and Japanese has no spaces to break at): compared
    # without any white space, a name reads the same however it was set. Format
    # characters (direction controls, zero-width joiners) print nothing to read back.
    text = _SPACE.sub("", text)
    if text.isascii():
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


class _Read:
    """A PDF's text as the proof compares it: squeezed, and its letters and digits alone."""

    def __init__(self, text: str, raw: bool = False) -> None:
        self.whole = text
        self.text = _squeezed(text)
        self.raw = raw  # as drawn: a right-to-left run's words in the order they stand

    @functools.cached_property
    def folded(self) -> str:
        """``text`` with each mirrored character folded (_mirror_fold)."""
        return self.text.translate(_mirror_fold())

    @functools.cached_property
    def _letters(self) -> tuple[list[int], list[bool]]:
        # One pass over the text as read: where each letter, mark or digit stands in
        # ``text``, and whether something else (a space, a sign) stood before it.
        places: list[int] = []
        after_gap: list[bool] = []
        at, gap = 0, True
        for char in self.whole:
            if char.isspace():
                gap = True
                continue
            category = unicodedata.category(char)
            if category == "Cf" and not self.whole.isascii():
                gap = True  # squeezed away, and a reader's marks around a run's ends
                continue
            if category[0] in "LMN":
                places.append(at)
                after_gap.append(gap)
                gap = False
            else:
                gap = True
            at += 1
        return places, after_gap

    @functools.cached_property
    def places(self) -> list[int]:
        """Where each of ``text``'s letters, marks and digits stands in it."""
        return self._letters[0]

    @functools.cached_property
    def strong(self) -> str:
        """``text``'s letters, marks and digits alone, lam-alef folded (_lam_alef)."""
        text = self.text
        return _lam_alef("".join(text[n] for n in self.places))

    def word_at(self, start: int, end: int, before: bool, after: bool) -> bool:
        """Whether ``strong[start:end]`` starts where a word does (if ``before``) and
        ends where one does (if ``after``)."""
        after_gap = self._letters[1]
        return (not before or after_gap[start]) and (
            not after or end >= len(after_gap) or after_gap[end]
        )

    def in_strong(self, at: int) -> int:
        """How many letters and digits stand in ``text`` before ``at``."""
        return bisect.bisect_left(self.places, at)

    def in_text(self, at: int) -> int:
        """Where in ``text`` the ``at``-th letter or digit ends (0: before the first)."""
        return self.places[at - 1] + 1 if at > 0 else 0


_LAM_ALEF = re.compile("[\u0622\u0623\u0625\u0627\u0644]{2,}")


def _lam_alef(text: str) -> str:
    """``text`` with each stretch of lams and alefs sorted: one glyph sets a lam and an
    alef (لا), and a reader gives the two back either way round ("الإنسان" reads
    "اإلنسان"), so their order there is not compared."""
    if "\u0644" not in text:
        return text
    return _LAM_ALEF.sub(lambda stretch: "".join(sorted(stretch[0])), text)


_RIGHT_TO_LEFT = {"R", "AL", "RLE", "RLO", "LRO", "LRE", "RLI", "LRI", "FSI"}
_TYPE_R = {"R", "AL"}


def _any_order(name: str, rtl: bool) -> bool:
    """Whether ``name``'s runs may read back in another order than written.

    A name holding right-to-left text or a direction control, or any name on a page
    right to left: its runs stand as the bidirectional algorithm sets them, and a
    reader (poppler) gives them back in an order of its own ("منظمة 2020" reads
    "2020منظمة"), the text after it on its line even between them ("ليلى (Farid)"
    and ", Japan" read "ليلى(Japan,)Farid").
    """
    return rtl or (
        not name.isascii() and any(unicodedata.bidirectional(c) in _RIGHT_TO_LEFT for c in name)
    )


@dataclass(frozen=True)
class _Run:
    """A run of one direction in a name: its letters and digits alone."""

    written: str  # as written (poppler's order, _Read)
    drawn: str  # its words in the order they stand (pdftotext -raw's order)
    edge_before: bool  # the name has no letter or digit right before it
    edge_after: bool  # nor right after it


def _kind(char: str) -> int:
    # Poppler puts a line back in reading order by runs of three kinds: letters right
    # to left, digits, and every other letter ("1969 KAL" on an Arabic page reads
    # "KAL 1969").
    direction = unicodedata.bidirectional(char)
    return 0 if direction in _TYPE_R else 1 if direction in ("EN", "AN") else 2


def _runs(name: str) -> list[_Run]:
    """``name``'s runs of one kind (_kind), in the order written."""
    runs: list[tuple[list[str], bool]] = []  # each run's words, and its edge before
    kind, gap = -1, True
    for char in name:
        category = unicodedata.category(char)[0]
        if category not in "LMN":
            if char.isspace() and runs and runs[-1][0][-1]:
                runs[-1][0].append("")
            gap = True
            continue
        if category == "M" and runs:
            runs[-1][0][-1] += char  # a mark stays with its letter
        elif _kind(char) == kind:
            runs[-1][0][-1] += char
        else:
            runs.append(([char], gap))
            kind = _kind(char)
        gap = False
    return [
        _Run(
            _lam_alef("".join(words)),
            _lam_alef("".join(reversed(words)) if _kind(words[0][0]) == 0 else "".join(words)),
            edge,
            n + 1 == len(runs) or runs[n + 1][1],
        )
        for n, (words, edge) in enumerate(runs)
    ]


@functools.lru_cache(maxsize=1)
def _mirror_fold() -> dict[int, str]:
    """Each mirrored character to one of its pair: a "(" set right to left reads ")"."""
    import icu

    fold: dict[int, str] = {}
    for code in range(0x10000):
        if unicodedata.mirrored(chr(code)):
            other = icu.Char.charMirror(code)
            if other != code:
                fold[code] = chr(min(code, other))
    return fold


# How far apart a name's runs may read back: the rest of its line (an affiliation, a
# country) may stand between them, as long as a wrapped line of the list.
_NEAR = 300


def _word(read: _Read, run: _Run, at: int) -> tuple[int, int]:
    """Where ``run`` first stands in ``read.strong`` from ``at``, its name's edges where
    words start or end (else (-1, 0))."""
    form = run.drawn if read.raw else run.written
    found = read.strong.find(form, at)
    while found >= 0 and not read.word_at(
        found, found + len(form), run.edge_before, run.edge_after
    ):
        found = read.strong.find(form, found + 1)
    return (found, found + len(form)) if found >= 0 else (-1, 0)


class _Name:
    """A name as the proof looks for it (_found)."""

    def __init__(self, written: str, rtl: bool) -> None:
        self.written = written
        self.squeezed = _squeezed(written)
        fold = _mirror_fold()
        # A reader may mirror a bracket on any page holding right-to-left text (poppler
        # gives "(ARNKA)" as ")ARNKA(" there): a name with one is read folded.
        self.folded = not fold.keys().isdisjoint(map(ord, self.squeezed))
        self.runs = _runs(written) if _any_order(written, rtl) else []
        self.size = sum(len(run.written) for run in self.runs)

    def found(self, read: _Read, at: int) -> tuple[int, int]:
        """Where the name first reads in ``read`` from ``at``: (start, end), or (-1, 0).

        A name with right-to-left text, or on a page right to left, is found in
        ``read.strong`` (and ``at`` counts there): each of its runs of one kind as
        written (as drawn, in ``read.raw``), starting and ending where words do where
        the name's own words do, in any order, all within _NEAR of each other. A name
        of one direction on a page left to right is read whole.
        """
        if not self.runs:
            text = read.folded if self.folded else read.text
            name = self.squeezed.translate(_mirror_fold()) if self.folded else self.squeezed
            start = text.find(name, at)
            return (start, start + len(name)) if start >= 0 else (-1, 0)
        spans = [_word(read, run, at) for run in self.runs]
        if any(start < 0 for start, _ in spans):
            return -1, 0
        first, last = min(s for s, _ in spans), max(e for _, e in spans)
        if last - first > self.size + _NEAR:
            return -1, 0
        return first, last


def names_in_order(
    pdf: Path, names: list[str], shown_as: Path | None = None, rtl: bool = False
) -> int:
    """How many ``names`` the PDF prints, each after the one before; a CampaignError if not.

    A PDF that prints none of them (a template that keeps the list to signatories.pdf)
    prints no list: 0. ``rtl``: its pages run right to left.
    """
    # Read as a reader would first; a list set in columns reads in order only in the
    # order it was drawn, so that is tried before a name is called out of order.
    looked_for = [_Name(name, rtl) for name in names]
    try:
        return _in_order(_Read(pdf_text(pdf)), looked_for, shown_as or pdf)
    except CampaignError:
        if not shutil.which("pdftotext"):
            raise
        return _in_order(_Read(pdf_text(pdf, raw=True), raw=True), looked_for, shown_as or pdf)


def _in_order(read: _Read, names: list[_Name], pdf: Path) -> int:
    """How many ``names`` ``read`` holds, each after the one before; a CampaignError if not.

    Names read whole and names read by their runs (_Name.found) count their places in
    two texts (``read.text``, ``read.strong``): each is looked for after the end of
    the name before it, whichever kind that was.
    """
    if not any(name.found(read, 0)[0] >= 0 for name in names):
        return 0
    at, count = 0, 0
    for n, name in enumerate(names):
        found, end = name.found(read, at)
        if found < 0:
            where = display_path(pdf)
            missing = "is out of order" if name.found(read, 0)[0] >= 0 else "is missing"
            raise CampaignError(
                f"{where}: '{escaped(name.written)}' {missing} in the printed list of "
                "signatories; nothing was written\n"
                "  hint: a template that prints the list itself must print "
                "signatories.groups' members in order"
            )
        count += 1
        at = end
        following = names[n + 1] if n + 1 < len(names) else None
        if following is not None and bool(following.runs) != bool(name.runs):
            at = read.in_text(end) if name.runs else read.in_strong(end)
    return count


def notdef_characters(pdf: Any) -> list[str]:
    """Characters a PDF (a pikepdf.Pdf) draws with a font's empty .notdef glyph."""
    import pikepdf

    found: set[str] = set()
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Subtype") != "/Type0":
            continue
        zero = _codes_to_cid_zero(obj.get("/Encoding"))
        if zero:
            found |= _unicode_of(obj.get("/ToUnicode"), zero)
    return sorted(found)


_CIDCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s+0\b")
_CIDRANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<[0-9a-fA-F]+>\s+0\b")
_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def _codes_to_cid_zero(encoding: Any) -> set[int]:
    """The character codes a Type0 font's encoding sends to glyph 0 (.notdef)."""
    import pikepdf

    if isinstance(encoding, pikepdf.Stream):
        data = encoding.read_bytes()
        ranges = data.split(b"begincidrange")[1:]
        codes = {int(c, 16) for c in _CIDCHAR.findall(data.split(b"begincidrange")[0])}
        for part in ranges:
            codes |= {int(c, 16) for c in _CIDRANGE.findall(part.split(b"endcidrange")[0])}
        return codes
    return {0}  # Identity-H: the code is the glyph


def _unicode_of(to_unicode: Any, codes: set[int]) -> set[str]:
    """The characters a ToUnicode map gives for ``codes`` (only codes the font uses are in it)."""
    import pikepdf

    if not isinstance(to_unicode, pikepdf.Stream):
        return set()
    found = set()
    for block in to_unicode.read_bytes().split(b"beginbfchar")[1:]:
        for code, text in _BFCHAR.findall(block.split(b"endbfchar")[0]):
            if int(code, 16) in codes:
                found.add(bytes.fromhex(text.decode()).decode("utf-16-be", "replace"))
    return found


def refuse_notdef(pdf: bytes) -> None:
    """Stop when a laid-out PDF draws any character as an empty box."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as opened:
        missing = notdef_characters(opened)
    if missing:
        shown = ", ".join(f"'{escaped(c)}' (U+{ord(c[0]):04X})" for c in missing)
        raise CampaignError(
            f"no installed font has {shown}: it would print as an empty box; "
            "nothing was written\n"
            "  hint: install a font that has it (fonts-noto covers most scripts), "
            "or write the text without it"
        )


def proof_line(letters: int, names: int, has_list: bool) -> str:
    """What ``build`` says it proved for one letter."""
    said = f"proof: {letters:,} letter{'s' if letters != 1 else ''}"
    said += ", every address inside its window"
    if has_list:
        said += f"; {names:,} name{'s' if names != 1 else ''} in each list"
    return said


def verify(
    letters: list[Path],
    listing: Path | None,
    names: list[str],
    shown: dict[Path, Path],
    folder: Path,
    rtl: bool = False,
    ready: Callable[[Path], object] | None = None,
) -> dict[str, Any]:
    """Read the names back from ``listing`` (signatories.pdf) and each of ``letters``.

    ``shown`` names each file as the user will find it (staged files are moved in);
    proof.json names them from the letter's build ``folder``. ``rtl``: the letter's
    pages run right to left. ``ready`` is called with each file before it is read, and
    returns once it is finished (a build reads them while later ones are laid out).
    """
    lists: dict[str, int] = {}
    for pdf in ([listing] if listing else []) + letters:
        if ready is not None:
            ready(pdf)
        final = shown.get(pdf, pdf)
        found = names_in_order(pdf, names, final, rtl)
        if found:
            lists[final.relative_to(folder).as_posix()] = found
    return {"names": len(names), "lists_read": lists}
