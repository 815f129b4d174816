"""What a build proves from its own output: names in order, no missing glyph, addresses inside.

Every address, return line and label was read back after layout (render.fitted_layout)
or the build stopped; here the finished PDFs are read as a reader would (their text),
and the build writes what it verified to ``proof.json`` and says it in one line.
"""

from __future__ import annotations

import functools
import html
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
from campaign.load.schema import runs_right_to_left
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
    # Unicode writes an accent either way (é, or e and U+0301): one way on both sides.
    text = unicodedata.normalize("NFC", text)
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


class _Read:
    """A PDF's text as the proof compares it: squeezed, and folded when asked."""

    def __init__(self, text: str) -> None:
        self.text = _squeezed(text)

    @functools.cached_property
    def folded(self) -> str:
        """``text`` with each mirrored character folded (_mirror_fold)."""
        return self.text.translate(_mirror_fold())


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


class _Name:
    """A name as the text's reading looks for it: squeezed, folded if it has a bracket."""

    def __init__(self, written: str) -> None:
        self.written = written
        self.squeezed = _squeezed(written)
        # A reader may mirror a bracket on any page holding right-to-left text (poppler
        # gives "(ARNKA)" as ")ARNKA(" there): a name with one is read folded.
        fold = _mirror_fold()
        self.folded = not fold.keys().isdisjoint(map(ord, self.squeezed))
        self.looked_for = self.squeezed.translate(fold) if self.folded else self.squeezed

    def found(self, read: _Read, at: int) -> tuple[int, int]:
        """Where the name first reads in ``read`` from ``at``: (start, end), or (-1, 0)."""
        start = (read.folded if self.folded else read.text).find(self.looked_for, at)
        return (start, start + len(self.looked_for)) if start >= 0 else (-1, 0)


def names_in_order(
    pdf: Path,
    names: list[str],
    shown_as: Path | None = None,
    rtl: bool = False,
    lines: list[str] | None = None,
) -> int:
    """How many ``names`` the PDF prints, each after the one before; a CampaignError if not.

    A PDF that prints none of them (a template that keeps the list to signatories.pdf)
    prints no list: 0. ``rtl``: its pages run right to left. ``lines``: the line each
    name is printed in, with its details (the shipped templates print it). A list with a name
    holding right-to-left text, or on pages right to left, is read as it stands
    (_in_visual_order); any other as a reader's copy and paste gives it.
    """
    shown = shown_as or pdf
    if rtl or any(_bidirectional(name) for name in names):
        return _in_visual_order(_visual_lines(pdf, shown), names, lines, shown, rtl)
    # Read as a reader would first; a list set in columns reads in order only in the
    # order it was drawn, so that is tried before a name is called out of order.
    looked_for = [_Name(name) for name in names]
    try:
        return _in_order(_Read(pdf_text(pdf)), looked_for, shown)
    except CampaignError:
        if not shutil.which("pdftotext"):
            raise
        return _in_order(_Read(pdf_text(pdf, raw=True)), looked_for, shown)


def _not_in_order(pdf: Path, name: str, printed: bool) -> CampaignError:
    missing = "is out of order" if printed else "is missing"
    return CampaignError(
        f"{display_path(pdf)}: '{escaped(name)}' {missing} in the printed list of "
        "signatories; nothing was written\n"
        "  hint: a template that prints the list itself must print "
        "signatories.groups' members in order"
    )


def _in_order(read: _Read, names: list[_Name], pdf: Path) -> int:
    """How many ``names`` ``read`` holds, each after the one before; a CampaignError if not."""
    if not any(name.found(read, 0)[0] >= 0 for name in names):
        return 0
    at = 0
    for name in names:
        found, at = name.found(read, at)
        if found < 0:
            raise _not_in_order(pdf, name.written, name.found(read, 0)[0] >= 0)
    return len(names)


# -- names of both directions, read as they stand ------------------------------------

_RIGHT_TO_LEFT = {"R", "AL", "RLE", "RLO", "LRO", "LRE", "RLI", "LRI", "FSI"}


def _bidirectional(name: str) -> bool:
    """Whether ``name`` holds right-to-left text or a direction control."""
    return not name.isascii() and any(unicodedata.bidirectional(c) in _RIGHT_TO_LEFT for c in name)


_LAM_ALEF = re.compile("[\u0622\u0623\u0625\u0627\u0644]{2,}")


def _letters(text: str) -> str:
    """``text``'s letters and digits alone, as the visual reading compares them.

    Without their marks (poppler sets a shadda or a vowel point apart from its letter,
    and Unicode writes an accent either way), and with each stretch of lams and alefs
    sorted: one glyph sets a lam and an alef (لا), and a reader gives the two back in
    the order of the font's map, not as they stand.
    """
    text = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in text if unicodedata.category(c)[0] in "LN")
    if "\u0644" not in kept:
        return kept
    return _LAM_ALEF.sub(lambda stretch: "".join(sorted(stretch[0])), kept)


_PAGE = re.compile(r"<page\b.*?</page>", re.DOTALL)
_LINE = re.compile(
    r'<line xMin="[-0-9.]+" yMin="([-0-9.]+)" xMax="[-0-9.]+" yMax="([-0-9.]+)">(.*?)</line>',
    re.DOTALL,
)
_WORD = re.compile(r'<word xMin="([-0-9.]+)"[^>]*>(.*?)</word>', re.DOTALL)


def _visual_lines(pdf: Path, shown: Path) -> list[str]:
    """Each line of the PDF, in reading order, as its letters stand from left to right.

    Poppler's word boxes (``pdftotext -bbox-layout``): a word right to left gives its
    letters as they stand, so each line is its words by where they start, their
    letters as drawn (_letters). A mark set higher than its letters (a shadda) can make
    a line of its own there: lines one after the other that share most of their height
    are one.
    """
    tool = shutil.which("pdftotext")
    if tool is None:
        raise CampaignError(
            f"{display_path(shown)}: a list with names right to left is read back with "
            "poppler's pdftotext, which is not installed; nothing was written\n"
            "  hint: install poppler-utils (make installs it)"
        )
    done = subprocess.run(
        [tool, "-bbox-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=False
    )
    lines: list[str] = []
    for page in _PAGE.finditer(done.stdout.decode("utf-8", "replace")):
        rows: list[tuple[float, float, list[tuple[float, str]]]] = []
        for top, bottom, inside in _LINE.findall(page[0]):
            y0, y1 = float(top), float(bottom)
            words = [(float(x), html.unescape(text)) for x, text in _WORD.findall(inside)]
            if rows and min(y1, rows[-1][1]) - max(y0, rows[-1][0]) > (y1 - y0) / 2:
                rows[-1][2].extend(words)
            else:
                rows.append((y0, y1, words))
        lines += [_letters("".join(text for _, text in sorted(words))) for *_, words in rows]
    return lines


def _levels(name: str, right_to_left: bool) -> list[int]:
    """The embedding level of each character of ``name`` set in its direction (Unicode's)."""
    import icu

    bidi = icu.Bidi()
    bidi.setPara(icu.UnicodeString(name), 1 if right_to_left else 0)
    return [bidi.getLevelAt(n) for n in range(bidi.getLength())]


def _standing(text: str, levels: list[int]) -> str:
    """``text`` (a line's characters, their ``levels``) as it stands (Unicode's rule L2)."""
    order = list(range(len(text)))
    odd = [level for level in levels if level % 2]
    if not odd:
        return text
    for level in range(max(levels), min(odd) - 1, -1):
        n = 0
        while n < len(order):
            if levels[order[n]] < level:
                n += 1
                continue
            end = n
            while end < len(order) and levels[order[end]] >= level:
                end += 1
            order[n:end] = order[n:end][::-1]
            n = end
    return "".join(text[n] for n in order)


class _Standing:
    """A text (a name, or its whole line) as it stands set in its own direction, as
    templating.isolated sets it: on one line, or wrapped at its spaces, each line's part
    reordered on its own (Unicode's rule L2 on the levels of the whole)."""

    def __init__(self, written: str) -> None:
        self._text = written.translate(_CONTROLS)
        self.right_to_left = runs_right_to_left(written)
        self._levels = _levels(self._text, self.right_to_left)
        self._parts: dict[tuple[int, int], str] = {}
        self.whole = self.part(0, len(self._text))
        self.breaks = [n for n, char in enumerate(self._text) if char.isspace()]

    def part(self, start: int, end: int) -> str:
        """The letters of ``[start:end]`` as they stand on a line of their own."""
        found = self._parts.get((start, end))
        if found is None:
            found = _letters(_standing(self._text[start:end], self._levels[start:end]))
            self._parts[start, end] = found
        return found

    def starts(self, line: str, part: str) -> bool:
        """Whether ``line`` starts with ``part`` (in the text's direction; a list's number
        may come first)."""
        if not part:
            return False
        if self.right_to_left:
            return line.endswith(part) or line.rstrip(_DIGITS).endswith(part)
        return line.startswith(part) or line.lstrip(_DIGITS).startswith(part)

    def fills(self, line: str, part: str) -> bool:
        """Whether ``part`` is all of ``line`` (a list's number may come first)."""
        rest = line.rstrip(_DIGITS) if self.right_to_left else line.lstrip(_DIGITS)
        return bool(part) and part in (line, rest)

    def at(self, lines: list[str], number: int) -> int:
        """How many lines from line ``number`` the text takes, starting it (else 0): on
        one, or wrapped, its first part filling the line, any next part filling the next,
        its last starting its own."""
        if self.starts(lines[number], self.whole):
            return 1
        return self._wrapped(lines, number, 0, 1)

    def _wrapped(self, lines: list[str], number: int, start: int, depth: int) -> int:
        if depth > _WRAPS or number + 1 >= len(lines):
            return 0
        for cut in self.breaks:
            if cut <= start or not self.fills(lines[number], self.part(start, cut)):
                continue
            rest = self.part(cut + 1, len(self._text))
            if self.starts(lines[number + 1], rest):
                return depth + 1
            if taken := self._wrapped(lines, number + 1, cut + 1, depth + 1):
                return taken
        return 0


_DIGITS = "0123456789"
_WRAPS = 8  # the most lines a name or its line is looked for on, wrapped


# Direction controls are read by their levels (ICU) and print nothing.
_CONTROLS = {ord(c): None for c in "\u200e\u200f\u061c"}


def _in_visual_order(
    lines: list[str], names: list[str], shown: list[str] | None, pdf: Path, rtl: bool
) -> int:
    """How many ``names`` ``lines`` hold, each after the one before; a CampaignError if not.

    Each name, or the line it is ``shown`` in (a list prints a name and its details),
    must start a line exactly as Unicode's bidirectional algorithm sets it in its own
    direction, or, wrapped, fill lines and start the next with its last part: the
    names of a list a line each, in order down the page. A name with no letter or
    digit has nothing to read and is counted where it stands.
    """
    entries = [
        [_Standing(name)] + ([_Standing(line)] if line != name else [])
        for name, line in zip(names, shown or names, strict=True)
    ]

    def found(forms: list[_Standing], after: int) -> int | None:
        """The last line the name takes, starting on the first line it can past ``after``."""
        for number in range(after + 1, len(lines)):
            for form in forms:
                if taken := form.at(lines, number):
                    return number + taken - 1
        return None

    def readable(forms: list[_Standing]) -> bool:
        return bool(forms[0].whole)

    at = -1
    for name, forms in zip(names, entries, strict=True):
        if not readable(forms):
            continue
        place = found(forms, at)
        if place is None:
            # None found at all: no list printed (a letter that keeps it to its own file).
            if not any(readable(f) and found(f, -1) is not None for f in entries):
                return 0
            raise _not_in_order(pdf, name, found(forms, -1) is not None)
        at = place
    return len(names)


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
    lines: list[str] | None = None,
) -> dict[str, Any]:
    """Read the names back from ``listing`` (signatories.pdf) and each of ``letters``.

    signatories.pdf prints the list whatever its template: one that reads as none of
    the names is refused, where a letter may keep its list to it.

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
        found = names_in_order(pdf, names, final, rtl, lines)
        if not found and pdf == listing and names:
            raise CampaignError(
                f"{display_path(final)}: none of the {len(names):,} names reads back from "
                "the printed list of signatories; nothing was written\n"
                "  hint: a template that prints the list itself must print "
                "signatories.groups' members in order"
            )
        if found:
            lists[final.relative_to(folder).as_posix()] = found
    return {"names": len(names), "lists_read": lists}
