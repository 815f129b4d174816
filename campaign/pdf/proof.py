"""What a build proves from its own output: names in order, no missing glyph, addresses inside.

Every address, return line and label was read back after layout (render.fitted_layout)
or the build stopped; here the finished PDFs are read as a reader would (their text),
and the build writes what it verified to ``proof.json`` and says it in one line.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable
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


_RIGHT_TO_LEFT = {"R", "AL", "RLE", "RLO", "LRO", "LRE", "RLI", "LRI", "FSI"}


def _forms(name: str, rtl: bool = False) -> tuple[str, ...]:
    """How ``name`` can read back: as written, and, where it holds right-to-left text or
    direction controls, in the order its letters stand on the page (a PDF keeps that
    order, and an override such as U+202E reverses Latin letters for good).

    ``rtl``: the page runs right to left, where even a Latin name's runs are set in
    another order ("1969 KAL ..." stands as "KAL ... 1969"): read that way too.
    """
    written = _squeezed(name)
    mixed = not name.isascii() and any(unicodedata.bidirectional(c) in _RIGHT_TO_LEFT for c in name)
    if not (mixed or rtl):
        return (written,)
    import icu

    forms = [written]
    text = icu.UnicodeString(name)
    # UBIDI_DEFAULT_LTR, as a page left to right sets it; 1, as a page right to left does.
    for paragraph in (0xFE, 1) if rtl else (0xFE,):
        bidi = icu.Bidi()
        bidi.setPara(text, paragraph)
        visual = str(bidi.writeReordered(8))  # UBIDI_REMOVE_BIDI_CONTROLS
        shown = _squeezed(visual)
        # poppler may also give the runs in the order they stand, each as written
        # ("منظمة 2020" on a page right to left reads back "2020 منظمة"), either way round.
        runs = [bidi.getVisualRun(n)[:2] for n in range(bidi.countRuns())]
        pieces = [_squeezed(str(text[start : start + size])) for start, size in runs]
        forms += [shown, shown[::-1], "".join(pieces), "".join(reversed(pieces))]
        # And as poppler reads a line back, from the letters in the order they stand:
        # an Arabic name set right to left on a page left to right (templating.isolated)
        # has its full stop at its left end, and reads back ".منظمة".
        forms += [_squeezed(_read_back(visual, primary)) for primary in (True, False)]
    return tuple(dict.fromkeys(forms))


_TYPE_R, _TYPE_L_OR_NUMBER = {"R", "AL"}, {"L", "EN", "AN"}


def _read_back(visual: str, left_to_right: bool) -> str:
    """``visual`` (a line's letters in the order they stand, left to right) as pdftotext
    gives it back on a page whose text runs mostly ``left_to_right`` or not: poppler's
    reorderText, with its classes of letters as Unicode's bidirectional ones."""

    def right_to_left(c: str) -> bool:
        return unicodedata.bidirectional(c) in _TYPE_R

    def left_or_number(c: str) -> bool:
        return unicodedata.bidirectional(c) in _TYPE_L_OR_NUMBER

    sections: list[str] = []
    at, end = 0, len(visual)
    if left_to_right:  # left to right: right-to-left sections in reading order
        while at < end:
            start = at
            while at < end and not right_to_left(visual[at]):
                at += 1
            sections.append(visual[start:at])
            start = at
            while at < end and not left_or_number(visual[at]):
                at += 1
            sections.append(visual[start:at][::-1])
        return "".join(sections)
    at = end - 1  # right to left, from the right: left-to-right sections as they stand
    while at >= 0:
        start = at
        while at >= 0 and not left_or_number(visual[at]):
            at -= 1
        sections.append(visual[at + 1 : start + 1][::-1])
        start = at
        while at >= 0 and not right_to_left(visual[at]):
            at -= 1
        sections.append(visual[at + 1 : start + 1])
    return "".join(sections)


def names_in_order(
    pdf: Path, names: list[str], shown_as: Path | None = None, rtl: bool = False
) -> int:
    """How many ``names`` the PDF prints, each after the one before; a CampaignError if not.

    A PDF that prints none of them (a template that keeps the list to signatories.pdf)
    prints no list: 0. ``rtl``: its pages run right to left.
    """
    # Read as a reader would first; a list set in columns reads in order only in the
    # order it was drawn, so that is tried before a name is called out of order.
    try:
        return _in_order(_squeezed(pdf_text(pdf)), names, shown_as or pdf, rtl)
    except CampaignError:
        if not shutil.which("pdftotext"):
            raise
        return _in_order(_squeezed(pdf_text(pdf, raw=True)), names, shown_as or pdf, rtl)


def _in_order(text: str, names: list[str], pdf: Path, rtl: bool = False) -> int:
    """How many ``names`` ``text`` holds, each after the one before; a CampaignError if not."""
    if not any(_squeezed(name) in text for name in names):
        return 0
    at, count = 0, 0
    for name in names:
        forms = _forms(name, rtl)
        places = [(text.find(form, at), form) for form in forms]
        found, form = min(((p, f) for p, f in places if p >= 0), default=(-1, ""))
        if found < 0:
            where = display_path(pdf)
            missing = "is missing" if all(f not in text for f in forms) else "is out of order"
            raise CampaignError(
                f"{where}: '{escaped(name)}' {missing} in the printed list of signatories; "
                "nothing was written\n"
                "  hint: a template that prints the list itself must print "
                "signatories.groups' members in order"
            )
        at, count = found + len(form), count + 1
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
