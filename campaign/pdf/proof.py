"""What a build proves from its own output: names in order, no missing glyph, addresses inside.

Every address, return line and label was read back after layout (render.fitted_layout)
or the build stopped; here the finished PDFs are read as a reader would (their text, or,
for names right to left, their words as they stand), and the build writes what it
verified to ``proof.json`` and says it in one line.
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
from campaign.text.scripts import holds_bidi_class

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
        return _in_visual_order(_visual_lines(pdf, shown, rtl), names, lines, shown, rtl)
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

_RIGHT_TO_LEFT = frozenset({"R", "AL", "RLE", "RLO", "LRO", "LRE", "RLI", "LRI", "FSI"})


def _bidirectional(name: str) -> bool:
    """Whether ``name`` holds right-to-left text or a direction control."""
    return holds_bidi_class(name, _RIGHT_TO_LEFT)


# The points and vowel signs of the scripts right to left: poppler sets a shadda or a
# vowel point apart from its letter (even on a line of its own), so they are not read.
_POINTS = re.compile(
    "[\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0711\u0730-\u074a"
    "\u07a6-\u07b0\u08d3-\u08ff]"
)
# A lam and an alef are drawn as one glyph, which a reader gives back as the font's map
# says (lam then alef, or the other way round, whatever the glyph stands for): each
# stretch of lams and alefs is compared sorted. So "صلاح" and "صالح" read the same.
_LAM_ALEF = re.compile("[\u0627\u0644]{2,}")


def _word(text: str) -> str:
    """A word's letters and digits as the visual reading compares them (no points)."""
    text = _POINTS.sub("", unicodedata.normalize("NFD", text))
    text = unicodedata.normalize("NFC", text)
    kept = "".join(c for c in text if unicodedata.category(c)[0] in "LMN")
    if "\u0644" not in kept:
        return kept
    return _LAM_ALEF.sub(lambda stretch: "".join(sorted(stretch[0])), kept)


_PAGE = re.compile(r"<page\b.*?</page>", re.DOTALL)
_FLOW = re.compile(r"<flow>(.*?)</flow>", re.DOTALL)
_LINE = re.compile(
    r'<line xMin="([-0-9.]+)" yMin="([-0-9.]+)" xMax="([-0-9.]+)" yMax="([-0-9.]+)">'
    r"(.*?)</line>",
    re.DOTALL,
)
_WORD = re.compile(r'<word xMin="([-0-9.]+)" yMin="[-0-9.]+" xMax="([-0-9.]+)"[^>]*>(.*?)</word>')
# Words further apart than this share of their line's height have a space between them.
_SPACE_SHARE = 0.08

_Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def _visual_lines(pdf: Path, shown: Path, rtl: bool) -> list[list[list[str]]]:
    """Each line of the PDF, in reading order: its words from left to right, as drawn.

    Poppler's word boxes (``pdftotext -bbox-layout``): a word right to left gives its
    letters as they stand. Words with no room between them are one (a word with a
    point may come in pieces), and lines one after the other sharing most of their
    height are one (a shadda set higher makes a line of its own). Text side by side
    (columns) is read from the right first on pages right to left; on pages left to
    right the lines are also given in poppler's order of its flows (a column it cuts
    into flows of a line each, not quite level, reads in order only so).
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
    banded: list[list[str]] = []
    given: list[list[str]] = []
    for page in _PAGE.finditer(done.stdout.decode("utf-8", "replace")):
        flows = [rows for rows in map(_rows, _FLOW.findall(page[0])) if rows]
        # Each line's words read once, for both orders.
        read = {id(row): _words(row[1], row[0][3] - row[0][1]) for rows in flows for row in rows}
        for _, rows in _side_by_side(flows, rtl):
            banded += [read[id(row)] for row in rows]
        given += [read[id(row)] for rows in flows for row in rows]
    # Poppler gives columns left first: on pages right to left that order is not read.
    return [banded] if given == banded or rtl else [banded, given]


_Row = tuple[_Box, list[tuple[float, float, str]]]


def _rows(flow: str) -> list[_Row]:
    rows: list[_Row] = []
    for x0, y0, x1, y1, inside in _LINE.findall(flow):
        box = (float(x0), float(y0), float(x1), float(y1))
        words = [(float(a), float(b), html.unescape(t)) for a, b, t in _WORD.findall(inside)]
        if rows:
            (px0, py0, px1, py1), before = rows[-1]
            if min(box[3], py1) - max(box[1], py0) > (box[3] - box[1]) / 2:
                merged = (min(px0, box[0]), min(py0, box[1]), max(px1, box[2]), max(py1, box[3]))
                rows[-1] = (merged, before + words)
                continue
        rows.append((box, words))
    return rows


def _side_by_side(flows: list[list[_Row]], rtl: bool) -> list[tuple[_Box, list[_Row]]]:
    """The page's flows in reading order: top to bottom, those side by side by their side."""
    boxed = [
        (
            (
                min(b[0] for b, _ in rows), min(b[1] for b, _ in rows),
                max(b[2] for b, _ in rows), max(b[3] for b, _ in rows),
            ),
            rows,
        )
        for rows in flows
    ]  # fmt: skip
    bands: list[list[tuple[_Box, list[_Row]]]] = []
    for flow in sorted(boxed, key=lambda f: f[0][1]):
        if bands and any(flow[0][1] < other[0][3] for other in bands[-1]):
            bands[-1].append(flow)
        else:
            bands.append([flow])
    return [
        flow for band in bands for flow in sorted(band, key=lambda f: -f[0][2] if rtl else f[0][0])
    ]


def _words(words: list[tuple[float, float, str]], height: float) -> list[str]:
    """A line's words from left to right, a word where room stands between them."""
    joined: list[str] = []
    end = None
    for start, stop, text in sorted(words):
        if end is not None and start - end <= _SPACE_SHARE * height:
            joined[-1] += text
        else:
            joined.append(text)
        end = stop if end is None else max(end, stop)
    return [word for word in map(_word, joined) if word]


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


def _breaks(text: str) -> list[int]:
    """Where a line may break inside ``text`` (Unicode's line breaking, ICU)."""
    import icu

    found = icu.BreakIterator.createLineInstance(icu.Locale.getRoot())
    found.setText(text)
    return [n for n in found if 0 < n < len(text)]


class _Standing:
    """A text (a name, or its whole line) as it stands set in its own direction, as
    templating.isolated sets it: its words on one line, or wrapped where a line may
    break, each line's part reordered on its own (Unicode's rule L2 on the levels of the
    whole). Words are compared in the text's own direction, from its start."""

    def __init__(self, written: str) -> None:
        self.right_to_left = runs_right_to_left(written)
        self._text = unicodedata.normalize("NFC", written.translate(_CONTROLS))
        self._levels = _levels(self._text, self.right_to_left)
        self._parts: dict[tuple[int, int], list[str]] = {}
        self.whole = self.part(0, len(self._text))
        self._breaks: list[int] | None = None

    def part(self, start: int, end: int) -> list[str]:
        """The words of ``[start:end]`` as they stand on a line of their own, from its start."""
        found = self._parts.get((start, end))
        if found is None:
            piece = _standing(self._text[start:end], self._levels[start:end])
            found = self.own([word for word in map(_word, piece.split()) if word])
            self._parts[start, end] = found
        return found

    def own(self, words: list[str]) -> list[str]:
        """Words from left to right, from the start in the text's direction."""
        return words[::-1] if self.right_to_left else words

    def at(self, lines: list[list[str]], number: int, rtl: bool, numbered: bool) -> int:
        """How many lines from line ``number`` the text fills (else 0): one, or, wrapped,
        a part each (the first may follow the list's number)."""
        if self.whole and self.whole in [
            self.own(words) for words in _numbered(lines[number], rtl, numbered)
        ]:
            return 1
        return self._wrapped(lines, number, 0, 1, rtl, numbered)

    def _wrapped(
        self,
        lines: list[list[str]],
        number: int,
        start: int,
        depth: int,
        rtl: bool,
        numbered: bool,
    ) -> int:
        if depth > _WRAPS or number + 1 >= len(lines):
            return 0
        if self._breaks is None:
            self._breaks = _breaks(self._text)
        here = _numbered(lines[number], rtl, numbered) if depth == 1 else [lines[number]]
        filled = [self.own(words) for words in here]
        for cut in self._breaks:
            if cut <= start or not (part := self.part(start, cut)) or part not in filled:
                continue
            rest = self.part(cut, len(self._text))
            if rest and self.own(lines[number + 1]) == rest:
                return depth + 1
            if taken := self._wrapped(lines, number + 1, cut, depth + 1, rtl, numbered):
                return taken
        return 0


def _numbered(words: list[str], rtl: bool, numbered: bool) -> list[list[str]]:
    """A line's words; in a list ``numbered``, without its number where it starts with
    one (at its start in the page's direction: 12, iv, b, ב, 三)."""
    if numbered and len(words) > 1 and _MARKER.fullmatch(words[-1 if rtl else 0]):
        return [words[:-1] if rtl else words[1:]]
    return [words]


# What a list's number reads as, its signs left out: digits of any script, a roman
# number, a number in CJK characters, or up to three letters (a, aa, ב, יח, α, ア).
_MARKER = re.compile(r"\d+|[ivxlcdm]+|[IVXLCDM]+|[〇一二三四五六七八九十百千]+|[^\W\d_]{1,3}")


_WRAPS = 8  # the most lines a name or its line is looked for on, wrapped


# Direction controls are read by their levels (ICU) and print nothing.
_CONTROLS = {ord(c): None for c in "\u200e\u200f\u061c"}


def _in_visual_order(
    readings: list[list[list[str]]],
    names: list[str],
    shown: list[str] | None,
    pdf: Path,
    rtl: bool,
) -> int:
    """How many ``names`` the PDF's lines hold, each after the one before; else a
    CampaignError. ``readings``: its lines in the orders _visual_lines gives.

    Each name, or the line it is ``shown`` in with its details, fills a line, or lines
    wrapped, exactly as Unicode's bidirectional algorithm sets it in its own direction
    (its words compared, their letters and digits): the names of a list a line each, in
    order down the pages. Lines are compared where any one reads whole (a template that
    prints them), else names; a list read as not numbered, else as numbered (each
    entry's first line after its number); the lines in the first order, else the next.
    An entry with no letter or digit has nothing to read.
    """
    entries = [
        (name, _Standing(name), _Standing(line))
        for name, line in zip(names, shown or names, strict=True)
    ]
    refused: CampaignError | None = None
    for lines in readings:
        for numbered in (False, True):
            try:
                if count := _in_lines(lines, entries, bool(shown), pdf, rtl, numbered):
                    return count
            except CampaignError as error:
                refused = refused or error
    if refused is not None:
        raise refused
    return 0  # none reads back: no list printed (a letter keeps it apart)


_Entry = tuple[str, _Standing, _Standing]  # a name, it as it stands, its line as it stands


def _in_lines(
    lines: list[list[str]],
    entries: list[_Entry],
    by_lines: bool,
    pdf: Path,
    rtl: bool,
    numbered: bool,
) -> int:
    """_in_visual_order for one order of the lines, the list ``numbered`` or not."""
    # Every line as each kind of text may read it, for a look across the whole list.
    whole = {
        tuple(words[::-1] if backwards else words)
        for line in lines
        for words in _numbered(line, rtl, numbered)
        for backwards in (False, True)
    }

    def found(text: _Standing, after: int) -> int | None:
        """The last line ``text`` fills, starting on the first line it can past ``after``."""
        for number in range(after + 1, len(lines)):
            if taken := text.at(lines, number, rtl, numbered):
                firsts.append(number)
                return number + taken - 1
        return None

    firsts: list[int] = []  # the line each entry was found starting on

    def reads(texts: list[_Standing]) -> bool:
        """Whether any of ``texts`` reads back: one that fills a line, or the first, wrapped."""
        first = next((text for text in texts if text.whole), None)
        return any(tuple(t.whole) in whole for t in texts) or (
            first is not None and found(first, -1) is not None
        )

    # Where each line starts, a word or more: a list printed, if with wrong lines.
    starts = {
        tuple(words[:size])
        for reading in whole
        for words in [list(reading)]
        for size in range(1, len(words) + 1)
    }
    by_line = by_lines and reads([line for _, _, line in entries])
    texts = [(name, line if by_line else alone) for name, alone, line in entries]
    readable = [(name, text) for name, text in texts if text.whole]
    at = -1
    for name, text in readable:
        place = found(text, at)
        if place is None:
            names_start = any(
                tuple(alone.whole) in starts for _, alone, _ in entries if alone.whole
            )
            if at < 0 and not names_start and not reads([t for _, t in readable]):
                return 0  # none reads back this way
            raise _not_in_order(pdf, name, found(text, -1) is not None)
        at = place
    if numbered and not _counts(lines, firsts[-len(readable) :], rtl):
        return 0  # numbers that do not count the entries: no numbered list
    return len(entries)


def _counts(lines: list[list[str]], firsts: list[int], rtl: bool) -> bool:
    """Whether the numbers the entries' ``firsts`` lines start with count them, where
    they are digits: each 1 or the one before and 1 (a list's numbers, not a year)."""
    before = 0
    for number in firsts:
        marker = lines[number][-1 if rtl else 0]
        if not marker.isdecimal():
            return True  # letters or roman numbers: not counted here
        value = int("".join(str(unicodedata.decimal(c)) for c in marker))
        if value not in (1, before + 1):
            return False
        before = value
    return True


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
