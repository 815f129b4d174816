"""Editing a sign-on list in place: every byte outside the edited entries stays as it was.

An edit is spliced into the file's text at the lines where libyaml found the entry,
so the user's comments, blank lines, quoting and key order survive untouched. The
result is validated with the same loader ``campaign check`` uses before it is
written (atomically, under a lock, so two edits at once lose neither).
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import io
import itertools
import os
import pickle
import re
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import yaml

from campaign.errors import CampaignError, Problem, ProblemsFound, display_path
from campaign.files.atomic import folder_locked, write_atomic
from campaign.lists import remembered
from campaign.load.records import (
    SIGNATORY_KEYS,
    check_duplicates,
    load_signature_list,
    stream_signature_list,
)
from campaign.load.yamlfile import (
    NotStreamed,
    collector_paused,
    compose_as_read,
    content_end,
    data_as_read,
)
from campaign.model import stops
from campaign.model.limits import end_with_parent
from campaign.model.records import Signatory, SignatureList
from campaign.paths import read_bytes

# The reading of a whole list, with the collector paused until its parse's nodes are
# gone (yamlfile.collector_paused): made during the parse and alive while the entries
# are found in the text, they were walked by three collections in a row as soon as it
# ran again (0.43 s of a 10,000-entry list's 1.4 s, none of it garbage).
_reading = collector_paused()

# The line breaks libyaml counts; splitting the same way keeps its line numbers valid.
_BREAKS = re.compile(r"\r\n|\r|\n|\x85|\u2028|\u2029")
_LINE_ENDS = ("\n", "\r", "\x85", "\u2028", "\u2029")  # how a line with its break ends
NEW_LIST = "# A sign-on list: 'campaign sig add --help' names its fields.\nsignatories:\n"
LOCK_TIMEOUT = 30.0
_ALIAS = re.compile(r"\*[^\s,\[\]{}]+")  # an alias, '*name', as YAML reads one
# A block text's header that keeps its last line breaks: '|+', '>+', '|2+', '>+2'.
_KEEP_HEADER = re.compile(r"[|>](?:[1-9]?\+|\+[1-9]?)[ \t]*(?:#.*)?[\r\n]*$")
_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#")  # where a comment begins, outside quotes


class _Mark(NamedTuple):
    """A place in the text, as a mark of libyaml's gives it."""

    line: int
    column: int


_MANY = 100  # entries changed at once past which their old values are found in the whole text


class ListLocked(CampaignError):
    """Another command held the list's lock for too long."""


@dataclass
class _Span:
    """Where one entry sits in the text (0-based line numbers, ``end`` exclusive)."""

    start: int
    end: int
    dash_col: int
    key_col: int
    flow: bool
    # key -> (key line, value start col, value end col, value end line exclusive, one-line)
    # (None: not known yet, see ListFile._keyed)
    keys: dict[str, tuple[int, int, int, int, bool]] | None = field(default_factory=dict)
    # An item that is an alias ('- *name') of a mapping written elsewhere: its own line
    # alone; it can be taken out, not changed.
    alias: bool = False


class _Piece(NamedTuple):
    """One edit: lines ``start``..``end`` become ``new``, which hold the entries ``want`` reads."""

    start: int
    order: int  # among edits at the same line: entries added there come first
    end: int
    new: list[str]
    # What each entry the new lines hold must read as, data as YAML gives it: the edit
    # is checked to have come out so before anything is written.
    want: list[dict[str, Any]]
    entry: int = -1  # the entry changed (-1: entries added)


@dataclass
class _Run:
    """Edits with no unchanged entry between them: lines start..end become ``new``."""

    start: int
    end: int
    new: list[str]
    made: int  # entries the new lines hold
    before: int  # the unchanged entry just above, or -1
    after: int  # the unchanged entry just below, or -1
    want: list[dict[str, Any]] = field(default_factory=list)  # what they must read as


def _moved(span: _Span, by: int) -> _Span:
    """``span`` ``by`` lines further down."""
    keys = None
    if span.keys is not None:
        keys = {k: (v[0] + by, v[1], v[2], v[3] + by, v[4]) for k, v in span.keys.items()}
    return _Span(
        span.start + by, span.end + by, span.dash_col, span.key_col, span.flow, keys, span.alias
    )


def _split(text: str) -> list[str]:
    """The text's lines, each keeping its own line break."""
    if not any(c in text for c in "\v\f\x1c\x1d\x1e"):
        # Python breaks lines at these too, libyaml does not; without them both agree.
        return text.splitlines(keepends=True)
    lines, pos = [], 0
    for match in _BREAKS.finditer(text):
        lines.append(text[pos : match.end()])
        pos = match.end()
    if pos < len(text):
        lines.append(text[pos:])
    return lines


# What YAML counts as blank on a line: spaces and tabs, and the line's break. Python's
# str.strip() takes more (U+3000, U+00A0), which YAML reads as text.
_BLANK = " \t" + "".join(_LINE_ENDS)


def _end_line(mark: Any, lines: list[str]) -> int:
    """The exclusive end line of a node that ends at ``mark``, in the text of ``lines``."""
    line, column = int(mark.line), int(mark.column)
    # A mark with nothing but blanks before it on its line is where the next thing
    # starts (an empty value's mark is the next key's place): that line is not the
    # node's. Counted as an entry's, the next entry's first line was edited or removed
    # with it.
    if column == 0 or (line < len(lines) and not lines[line][:column].strip(_BLANK)):
        return line
    return line + 1


class _Dumper(yaml.SafeDumper):
    """Safe dumping; text of several lines is written as a readable ``|`` block."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # NEL, U+2028 and U+2029 break lines for YAML: written in a plain, quoted or '|'
    # text they come back as spaces or '\n'. Escaped in double quotes, they stay
    # (and check then says what it says of them).
    style = '"' if any(c in value for c in _FOLDED) else "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_FOLDED = ("\x85", "\u2028", "\u2029")
_Dumper.add_representer(str, _represent_text)


# Asked, as the emitter itself asks, whether a text can be written plain (unquoted).
_PROBE = _Dumper(io.StringIO(), allow_unicode=True, width=1_000_000)
_STR = "tag:yaml.org,2002:str"


def _plain(value: str) -> bool:
    """Whether PyYAML writes ``value`` as a mapping's value plain, on one line, as it is."""
    # The emitter's choice for a block mapping's value: plain when the text reads back
    # as text unquoted and nothing in it needs quotes. Long texts take the slow road,
    # where the emitter may fold them.
    return (
        len(value) < 1000
        and _PROBE.resolve(yaml.ScalarNode, value, (True, False)) == _STR  # type: ignore[no-untyped-call]
        and _PROBE.analyze_scalar(value).allow_block_plain
    )


def dump_value(key: str, value: Any) -> list[str]:
    """``key: value`` as YAML lines (quoted when needed), without line breaks."""
    if type(value) is str and _plain(value):  # most names: no emitter needed
        return [f"{key}: {value}"]
    try:
        return list(_dumped(key, value))
    except TypeError:  # unhashable: not remembered
        return list(_dumped.__wrapped__(key, value))


@functools.lru_cache(maxsize=4096, typed=True)  # True is not 1 here
def _dumped(key: str, value: Any) -> tuple[str, ...]:
    # Remembered: an import writes the same group, type, status and dates thousands
    # of times, and PyYAML's emitter takes a good part of a millisecond each time.
    return tuple(_dump(key, value, flow=False).split("\n"))


def _flow_pair(key: str, value: Any) -> str:
    """``key: value`` as YAML that reads the same inside ``{ }`` (quoted when needed), one line."""
    return _dump(key, value, flow=True)[1:-1]  # the braces of its own mapping off


def _dump(key: str, value: Any, flow: bool) -> str:
    """``{key: value}`` written by PyYAML, in block or flow style, never folded."""
    text = yaml.dump(
        {key: value},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=1_000_000,
        default_flow_style=flow,
    )
    return text.rstrip("\n")


def _skip(text: str, at: int) -> int:
    """Where the next token of a flow mapping's text is, past blanks, line breaks and
    comments, from ``at`` (the text's length: none)."""
    while at < len(text):
        char = text[at]
        if char == "#":
            while at < len(text) and not text[at].endswith(_LINE_ENDS):
                at += 1
        elif char not in _BLANK:
            return at
        else:
            at += 1
    return at


def _separator(text: str, at: int) -> int | None:
    """Where the ',' after ``at`` stands; None when the mapping ends (or anything else
    comes) first."""
    at = _skip(text, at)
    return at if text[at : at + 1] == "," else None


def _pair_cut(
    text: str, first: int, end: int, before: int, kept_after: bool
) -> list[tuple[int, int, str]]:
    """The cuts that take the pair at ``first``..``end`` out of a flow mapping's ``text``.

    The pair goes with one comma: the one after it when a pair that stays comes after
    it, else the one before (after the value ending at ``before``; -1: none), so that
    pairs taken out together never claim the same comma and a trailing comma stays.
    Comments stay, with the blanks before them.
    """
    mark = first  # an explicit key's '?' goes with it, on its line or the one above
    while mark > 0 and text[mark - 1] in _BLANK:
        mark -= 1
    if text[mark - 1 : mark] == "?":
        first = mark - 1
    line_start = first
    while line_start > 0 and not text[line_start - 1].endswith(_LINE_ENDS):
        line_start -= 1
    lead = first
    while lead > line_start and text[lead - 1] in " \t":
        lead -= 1
    comma = _separator(text, end) if kept_after else None
    if comma is not None:
        rest = comma + 1
        while rest < len(text) and text[rest] in " \t":
            rest += 1
        if rest < len(text) and text[rest] != "#" and not text[rest].endswith(_LINE_ENDS):
            return [(first, end, ""), (comma, rest, "")]  # more pairs follow on its line
        alone = lead == line_start and not any(c in text[first:comma] for c in _LINE_ENDS)
        if alone and (rest >= len(text) or text[rest] != "#"):
            # The pair was its line's only content: the line goes (a comment would stay).
            stop = rest
            if text[stop : stop + 2] == "\r\n":
                stop += 2
            elif stop < len(text):
                stop += 1
            return [(line_start, stop, "")]
        return [(lead if lead > line_start else first, end, ""), (comma, comma + 1, "")]
    if before >= 0 and (comma := _separator(text, before)) is not None:
        gap = text[comma + 1 : first]
        return [(comma, first if not gap.strip(" \t") else comma + 1, ""), (first, end, "")]
    return [(first, end, "")]


def _newline(text: str) -> str:
    """The line break new lines get: the file's own (a file of lone CRs keeps to them)."""
    if "\r\n" in text:
        return "\r\n"
    return "\r" if "\r" in text and "\n" not in text else "\n"


# Where a { } entry opens (None: the item is an alias, '*name', of a mapping written
# elsewhere; then its mark), and each pair: (its key, None for a key that is not a word;
# key start and end; value start and end), as libyaml's parser marks them.
_Places = tuple[Any, Any, list[tuple[str | None, Any, Any, Any, Any]]]


def _flow_places(text: str, indexes: set[int] | None) -> dict[int, _Places]:
    """The places of the ``{ }`` entries ``indexes`` of the list in ``text`` (None: all),
    from one walk of libyaml's events."""
    events = yaml.parse(text, Loader=yaml.CSafeLoader)

    def end_of(event: Any) -> Any:
        """The end mark of the node ``event`` starts, its events taken."""
        depth = 0
        while True:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if depth == 0:
                return event.end_mark
            event = next(events)

    for event in events:  # the root mapping's keys, to 'signatories'
        if isinstance(event, yaml.MappingStartEvent):
            break
    while True:
        key = next(events)
        if isinstance(key, yaml.ScalarEvent) and key.value == "signatories":
            break
        end_of(key)
        end_of(next(events))
    next(events)  # the list's start
    found: dict[int, _Places] = {}
    index = 0
    while not isinstance(item := next(events), yaml.SequenceEndEvent):
        wanted = indexes is None or index in indexes
        if isinstance(item, yaml.AliasEvent):
            if wanted:
                found[index] = (None, item.start_mark, [])
        elif not (wanted and isinstance(item, yaml.MappingStartEvent) and item.flow_style):
            end_of(item)
        else:
            pairs: list[tuple[str | None, Any, Any, Any, Any]] = []
            while not isinstance(key := next(events), yaml.MappingEndEvent):
                word = key.value if isinstance(key, yaml.ScalarEvent) else None
                key_end = end_of(key)
                value = next(events)
                pairs.append((word, key.start_mark, key_end, value.start_mark, end_of(value)))
            found[index] = (item.start_mark, item.start_mark, pairs)
        index += 1
    return found


def _value_place(text: str, pair: tuple[str | None, int, int, int, int]) -> int:
    """Where a value goes in a flow pair: its end; for an empty one, after its ':' (a
    space after it kept), or the key's end when it has none."""
    _, _, key_end, start, end = pair
    if start < end:
        return end
    at = _skip(text, key_end)
    if text[at : at + 1] != ":":
        return key_end
    return at + 2 if text[at + 1 : at + 2] in (" ", "\t") else at + 1


def _merges(node: Any) -> bool:
    """Whether a mapping's node takes values from another through '<<'."""
    return any(getattr(key, "value", None) == "<<" for key, _ in node.value)


def _aliased(path: Path, line: int) -> Problem:
    """The problem of an edit of an entry that is an alias of one written elsewhere."""
    return Problem(
        path,
        line,
        "this entry is an alias ('*name') of one written elsewhere in the file, which "
        "campaign cannot change here",
        "write the entry out in full in the list, then run the command again",
    )


def _children(node: Any) -> Iterator[tuple[int, Any]]:
    """A node's children with their slots: an item's index, a pair's 2n (key) and 2n+1."""
    if isinstance(node, yaml.SequenceNode):
        yield from enumerate(node.value)
    elif isinstance(node, yaml.MappingNode):
        for n, (key, value) in enumerate(node.value):
            yield 2 * n, key
            yield 2 * n + 1, value


class _Tree:
    """A document's nodes as written: each node's parent where it is written, and every
    place that names a node through an alias (``*a``: the node is written elsewhere).

    PyYAML gives an alias the very node it names, so which is which is told by where
    they stand: a node written in place starts after what comes before it in its
    parent (an anchor is always written before its aliases).
    """

    def __init__(self, root: Any, listed: Any = None, into: set[int] | None = None) -> None:
        """Read ``root``; of the list ``listed``, inside the items ``into`` only (all: None)."""
        self.parent: dict[int, tuple[Any, int]] = {}  # node -> (parent, slot) written at
        self.aliases: list[tuple[Any, int, Any]] = []  # (parent, slot, the node named)
        self.listed = listed
        stack = [root]
        while stack:
            node = stack.pop()
            place = self.parent.get(id(node))
            if (
                into is not None
                and place is not None
                and place[0] is listed
                and place[1] not in into
            ):
                continue  # an item not asked about: its place is known, not its inside
            cursor, end = int(node.start_mark.index), int(node.end_mark.index)
            for slot, child in _children(node):
                start = int(child.start_mark.index)
                written = cursor <= start and int(child.end_mark.index) <= end
                if written and slot % 2 and isinstance(node, yaml.MappingNode):
                    written = start >= int(node.value[slot // 2][0].end_mark.index)
                if written and id(child) not in self.parent:
                    self.parent[id(child)] = (node, slot)
                    cursor = int(child.end_mark.index)
                    stack.append(child)
                else:
                    self.aliases.append((node, slot, child))

    def written(self, node: Any) -> set[int]:
        """``node`` and every node written inside it."""
        found: set[int] = set()
        stack = [node]
        while stack:
            node = stack.pop()
            found.add(id(node))
            stack += [c for n, c in _children(node) if self.at(c, node, n)]
        return found

    def at(self, node: Any, parent: Any, slot: int) -> bool:
        """Whether ``node`` is written in ``parent`` at ``slot`` (not named there)."""
        place = self.parent.get(id(node))
        return place is not None and place[0] is parent and place[1] == slot

    def entry(self, node: Any) -> int | None:
        """The list's item ``node`` is written in (None: outside the list)."""
        while (place := self.parent.get(id(node))) is not None:
            if place[0] is self.listed:
                return place[1]
            node = place[0]
        return None

    def above(self, nodes: set[int]) -> set[int]:
        """The nodes ``nodes`` are written inside, up to the root."""
        found: set[int] = set()
        for node_id in nodes:
            place = self.parent.get(node_id)
            while place is not None and id(place[0]) not in found:
                found.add(id(place[0]))
                place = self.parent.get(id(place[0]))
        return found


def _same_data(a: Any, b: Any, seen: set[tuple[int, int]] | None = None) -> bool:
    """Whether ``a`` and ``b`` read alike, as ``==`` says, each pair of lists or mappings
    compared once: what aliases repeat is one object met many times, and an entry of
    nested aliases (each naming the one before twice) took minutes compared whole."""
    if a is b:
        return True
    if not (type(a) is type(b) and isinstance(a, list | dict)):
        return bool(a == b)
    seen = set() if seen is None else seen
    if (id(a), id(b)) in seen:
        return True  # compared already, or being compared above: a difference ends it
    seen.add((id(a), id(b)))
    if len(a) != len(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_data(a[k], b[k], seen) for k in a)
    return all(_same_data(x, y, seen) for x, y in zip(a, b, strict=True))


def _apart(out: list[str], rest: str) -> str:
    """``rest`` of a flow mapping's text as it follows ``out``: a comment that an edit
    brought next to a value or a comma gets the space before it that makes it one."""
    if rest.startswith("#"):
        before = next((piece[-1] for piece in reversed(out) if piece), "")
        if before and before not in _BLANK:
            return " " + rest
    return rest


def _listed(root: Any) -> Any:
    """The node of the ``signatories:`` list in a document's root node (None: not one)."""
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "signatories" and isinstance(value, yaml.SequenceNode):
                return value
    return None


def _as_read(key: str, value: Any) -> Any:
    """What reading the list makes of ``value`` written under ``key`` (a date: its text)."""
    if type(value) is str and _plain(value):  # most values: read back as written
        return value
    try:
        return _read_back(key, value)
    except TypeError:  # unhashable: not remembered
        return _read_back.__wrapped__(key, value)


@functools.lru_cache(maxsize=4096, typed=True)  # True is not 1 here
def _read_back(key: str, value: Any) -> Any:
    # Remembered, as _dumped is: an import checks the same group, type and dates
    # thousands of times.
    return data_as_read(compose_as_read("{" + _flow_pair(key, value) + "}"))[key]


def _applied(data: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """``data`` with ``values`` set (deleted where None; an added entry has no empty value)."""
    out = dict(data)
    for key, value in values.items():
        if value is None or (not data and value == ""):
            out.pop(key, None)
        else:
            out[key] = _as_read(key, value)
    return out


def _entry_nodes(nodes: list[Any]) -> list[Any]:
    """The entries' nodes of a list read with ``nodes`` (load_signature_list), in order."""
    listed = _listed(nodes[0]) if nodes else None
    return list(listed.value) if listed is not None else []


def entry_record(entry: Signatory) -> dict[str, Any]:
    """The non-empty fields of ``entry`` in the order lists are written in."""
    values = {key: getattr(entry, key) for key in SIGNATORY_KEYS}
    return {key: value for key, value in values.items() if value not in ("", None)}


# A YAML anchor (&name), alias (*name) or merge key (<<), a directive (%TAG names the
# tags of the whole document), or text that looks like one ("R&D" does: such a list's
# edits are read whole, which is slower, never wrong).
_TIED = re.compile(r"[&*][^\s,\[\]{}]|<<|(?:^|[" + "".join(_LINE_ENDS) + "])%")


class ListFile:
    """A sign-on list loaded for editing; changes are collected, then saved at once."""

    def __init__(
        self,
        path: Path,
        text: str,
        bom: bool,
        entries: list[Signatory],
        node: Any = None,
        reading: remembered.Reading | None = None,
        keyed: bool = True,
    ) -> None:
        # A last line without its line break would glue any text added after it; it is
        # given one here, and it loses it again when an edit leaves the end as it was.
        newline = _newline(text)
        self._unended = bool(text) and not text.endswith(_LINE_ENDS)
        if self._unended:
            text += newline
        self.path = path
        self.text = text
        self.bom = bom
        self.entries = entries
        self.lines = _split(text)
        self.newline = newline
        self.warnings: list[Problem] = []
        self._spans: list[_Span] = []
        self._list_line = -1  # line of 'signatories:' when it holds no entries yet
        self._list_end = -1  # end of its (empty) value, such as '[]' on the next line
        self._updates: dict[int, dict[str, Any]] = {}
        self._removed: set[int] = set()
        self._added: list[tuple[int, dict[str, Any]]] = []
        self._last_of_group: dict[Any, int] | None = None
        self._composed: Any = None  # the text's node, when an edit needs it (_root)
        self._flows: dict[int, _Places] | None = None  # { } entries' places, whole text
        if reading is None:
            self._locate(node, keyed)
        else:  # where the entries stand, remembered from the last read of the same bytes
            self._spans = reading.spans
            self._list_line, self._list_end = reading.list_line, reading.list_end
            self.warnings = reading.warnings

    @classmethod
    @_reading
    def load(cls, path: Path, create: bool = False) -> ListFile:
        """Read and validate ``path``; a missing file is an empty list if ``create``."""
        if not path.exists():
            if not create:
                raise CampaignError(f"{display_path(path)} does not exist")
            return cls(path, NEW_LIST, False, [])
        raw = read_bytes(path)
        problems: list[Problem] = []
        if raw.strip(b"\xef\xbb\xbf \t\r\n") == b"":
            return cls(path, NEW_LIST, False, [])
        bom = raw.startswith(b"\xef\xbb\xbf")
        if reading := remembered.recall(path, raw, _Span):
            text = raw.decode("utf-8-sig")
            return cls(path, text, bom, reading.entries, reading=reading)
        with contextlib.suppress(NotStreamed):  # else read whole, which says what is wrong
            return cls.streamed(path, raw)[0]
        nodes: list[Any] = []  # the parse, kept to find the entries in the text
        # These very bytes: what is found is kept under them (and the text edited is theirs).
        loaded = load_signature_list(path, problems, allow_empty=True, nodes=nodes, raw=raw)
        if loaded is None and [p.message for p in problems] == ["file is empty"]:
            # Only comments so far: keep them and add 'signatories:' below.
            return cls(path, raw.decode("utf-8-sig"), raw.startswith(b"\xef\xbb\xbf"), [])
        if loaded is None or any(not p.warning for p in problems):
            raise ProblemsFound(problems)
        text = raw.decode("utf-8-sig")
        # The text ends with a line break the file may lack (see __init__): the same
        # nodes, as nothing before the end moves.
        node = nodes[0] if nodes else None
        listfile = cls(path, text, bom, list(loaded.entries), node)
        listfile.warnings = problems
        return listfile

    @classmethod
    def streamed(cls, path: Path, raw: bytes) -> tuple[ListFile, SignatureList]:
        """``raw``, the bytes of ``path``, read an entry at a time, and the list it holds.

        The whole parse's nodes were the largest thing a long list's reading held (76
        MB for 20,000 entries, against 8 MB for the entries); here an entry is made from
        the parser's events and let go once its place in the text is noted. Raises
        NotStreamed where the text must be read whole (records.stream_signature_list):
        another shape, or an error, which the whole read says.
        """
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise NotStreamed from None
        # A reading given, of no entries yet: no parse of its own, only its lines.
        empty = remembered.Reading([], [], [], -1, -1)
        listed = cls(path, text, raw.startswith(b"\xef\xbb\xbf"), [], reading=empty)
        spans = listed._spans
        found: list[Problem] = []
        loaded = stream_signature_list(
            path, text, found, lambda *where: spans.append(listed._placed(*where))
        )
        listed.entries, listed.warnings = list(loaded.entries), found
        return listed, loaded

    # -- where things are -------------------------------------------------------------

    def _locate(self, root: Any = None, keyed: bool = True) -> None:
        if root is None:
            root = yaml.compose(self.text, Loader=yaml.CSafeLoader)
        if not isinstance(root, yaml.MappingNode):
            self._list_line = len(self.lines)
            return
        for key, value in root.value:
            if key.value != "signatories":
                continue
            if isinstance(value, yaml.SequenceNode) and value.value:
                if value.flow_style:
                    raise CampaignError(
                        f"{display_path(self.path)}:{value.start_mark.line + 1}: the list is "
                        "written in [ ] flow style, which campaign cannot edit in place; "
                        "write each entry on its own lines starting with '- '"
                    )
                self._spans = self._items(value, keyed)
            else:
                self._list_line = key.start_mark.line
                self._list_end = max(_end_line(value.end_mark, self.lines), key.start_mark.line + 1)
            return
        self._list_line = len(self.lines)

    def _items(self, listed: Any, keyed: bool) -> list[_Span]:
        """Each entry's span, in order; an alias's is its own line (its node is the one it
        names, whose marks are elsewhere: an edit of it was written there)."""
        spans: list[_Span] = []
        seen: set[int] = set()
        after = int(listed.start_mark.index)  # where the next item's own node may start
        for item in listed.value:
            own = (
                id(item) not in seen
                and after <= int(item.start_mark.index)
                and int(item.end_mark.index) <= int(listed.end_mark.index)
            )
            seen.add(id(item))
            if own:
                spans.append(self._span(item, keyed))
                after = int(item.end_mark.index)
                continue
            line = spans[-1].end if spans else int(listed.start_mark.line)
            while line < len(self.lines) and not self.lines[line].lstrip(" \t").startswith("-"):
                line += 1
            dash = len(self.lines[line]) - len(self.lines[line].lstrip(" \t"))
            end = line + 1
            rest = self.lines[line][dash + 1 :].strip(_BLANK)
            if not rest or rest.startswith("#"):  # '-' alone (or a comment): '*name' below
                while end < len(self.lines) and (
                    not self.lines[end].strip(_BLANK)
                    or self.lines[end].lstrip(" \t").startswith("#")
                ):
                    end += 1
                end = min(end + 1, len(self.lines))
            spans.append(_Span(line, end, dash, dash + 2, False, {}, alias=True))
            if len(self.entries) == len(listed.value):  # said at its own line, not the named one's
                n = len(spans) - 1
                self.entries[n] = replace(self.entries[n], line=line + 1)
        return spans

    def _span(self, node: Any, keyed: bool = True) -> _Span:
        """Where the entry of ``node`` stands; its keys' places too if ``keyed``."""
        flow = bool(getattr(node, "flow_style", False))
        if flow or not node.value:
            last = node.end_mark
        elif (alias := self._alias_value(*node.value[-1])) is not None:
            last = _Mark(alias[0], alias[2])  # an alias ends where its '*name' does
        else:
            last = content_end(node.value[-1][1])
        span = self._placed(node.start_mark, last, flow)
        if not keyed:
            return span  # its keys found when an edit needs them (_keyed)
        keys = span.keys = {}
        if not flow:
            for knode, vnode in node.value:
                if (alias := self._alias_value(knode, vnode)) is not None:
                    line, begins, ends = alias
                    # The key's line: an alias on a later one (after a comment, or '|'
                    # alone) is the value's last line, taken out with it when it is set.
                    keys[str(knode.value)] = (
                        int(knode.start_mark.line),
                        begins,
                        ends,
                        line + 1,
                        line == knode.start_mark.line,
                    )
                    continue
                one_line = (
                    isinstance(vnode, yaml.ScalarNode)
                    and vnode.style not in ("|", ">")
                    and knode.start_mark.line == vnode.start_mark.line == vnode.end_mark.line
                    and vnode.end_mark.index > vnode.start_mark.index
                )
                keys[str(knode.value)] = (
                    knode.start_mark.line,
                    vnode.start_mark.column,
                    vnode.end_mark.column,
                    # Not past the entry: blank lines after a '|' block are not its own.
                    min(
                        max(_end_line(content_end(vnode), self.lines), knode.start_mark.line + 1),
                        span.end,
                    ),
                    one_line,
                )
        return span

    def _alias_value(self, knode: Any, vnode: Any) -> tuple[int, int, int] | None:
        """Where a value that is an alias ('*name') stands: (line, start and end column);
        None for a value of its own. An alias's node is the node it names, placed where
        that is written: before its key."""
        if int(vnode.start_mark.index) >= int(knode.end_mark.index):
            return None
        line, at = int(knode.end_mark.line), int(knode.end_mark.column)
        while line < len(self.lines):
            # Between a key and its alias stand only ':', blanks and comments: a '*' in a
            # comment (``group: # as for *Ann``) is no alias.
            text = self.lines[line]
            comment = _COMMENT.search(text, at)
            found = _ALIAS.search(text, at, comment.start() if comment else len(text))
            if found:
                return line, found.start(), found.end()
            line, at = line + 1, 0
        return None

    def _keeps_blanks(self, first: int, end: int) -> bool:
        """Whether the entry on lines ``first`` to ``end`` ends with a block text that keeps
        its last blank lines ('|+', '>+'): those are its value's, not between entries."""
        last = end - 1
        while last > first and not self.lines[last].strip(_BLANK):
            last -= 1
        indent = len(self.lines[last]) - len(self.lines[last].lstrip(" "))
        header = last  # the block's header: its last line, or the nearest less indented
        while header > first and not _KEEP_HEADER.search(self.lines[header]):
            line = self.lines[header]
            if line.strip(_BLANK) and len(line) - len(line.lstrip(" ")) < indent:
                break
            header -= 1
        return _KEEP_HEADER.search(self.lines[header]) is not None

    def _placed(self, start: Any, last: Any, flow: bool) -> _Span:
        """Where an entry stands that begins at mark ``start`` and whose last value ends
        at mark ``last`` (a flow entry's own end); its keys' places not known."""
        line, col = start.line, start.column
        before = self.lines[line][:col]
        if before.strip().endswith("-"):
            first, dash_col = line, before.rindex("-")
        else:  # the '-' stands alone on an earlier line
            first = line - 1
            while first > 0 and not self.lines[first].lstrip().startswith("-"):
                first -= 1
            dash_col = len(self.lines[first]) - len(self.lines[first].lstrip())
        end = _end_line(last, self.lines)
        kept = not flow and end - 1 > line and self._keeps_blanks(line, end)
        while not kept and end - 1 > line and not self.lines[end - 1].strip(_BLANK):
            end -= 1  # blank lines after a '|' block belong between entries
        return _Span(first, max(end, line + 1), dash_col, col, flow, None)

    def line_of(self, index: int) -> int:
        """The 1-based line where entry ``index`` starts."""
        return self.entries[index].line

    # -- edits --------------------------------------------------------------------------

    def update(self, index: int, **values: Any) -> None:
        """Set (or, with None, delete) fields of entry ``index``."""
        self._updates.setdefault(index, {}).update(values)

    def remove(self, index: int) -> None:
        """Delete entry ``index`` (its own lines; comments around it stay)."""
        self._removed.add(index)

    def add(self, record: dict[str, Any]) -> None:
        """Add an entry after the last one of the same group (or at the end)."""
        if self._last_of_group is None:  # worked out once: an import adds thousands
            self._last_of_group = {e.group: i for i, e in enumerate(self.entries)}
        anchor = self._last_of_group.get(record.get("group"), len(self.entries) - 1)
        self._added.append((anchor, record))

    @property
    def changed(self) -> bool:
        """Whether any edit is waiting to be saved."""
        return bool(self._updates or self._removed or self._added)

    def render(self) -> str:
        """The file's new text with every edit spliced in."""
        return self._spliced(self._pieces())

    def _pieces(self) -> list[_Piece]:
        """Each edit, in the order of the text."""
        if problems := self._left_without():
            raise ProblemsFound(problems)
        pieces: list[_Piece] = []
        # An entry added after one whose next is edited goes before that next one, as it
        # does before a next one left alone: the edit's order is after every addition.
        last = len(self._added) + 1
        for index, values in self._updates.items():
            if index not in self._removed:
                span = self._spans[index]
                if self._keyed(index).alias:
                    raise ProblemsFound([_aliased(self.path, self._spans[index].start + 1)])
                data, own = self._data(index)
                if merged := [
                    k for k, v in values.items() if v is None and k in data and k not in own
                ]:
                    raise ProblemsFound([self._merged_in(index, merged[0])])
                want = [_applied(data, values)]
                new = self._edited(index, values)
                pieces.append(_Piece(span.start, last, span.end, new, want, index))
        for index in self._removed:
            span = self._spans[index]
            pieces.append(_Piece(span.start, last, span.end, [], []))
        if self._spans:
            for order, (anchor, record) in enumerate(self._added, start=1):
                span = self._spans[anchor]
                new = self._new_entry(record, span)
                pieces.append(_Piece(span.end, order, span.end, new, [_applied({}, record)]))
        elif self._added:
            pieces.append(self._first_entries())
        return sorted(pieces, key=lambda p: (p.start, p.order))

    def _left_without(self) -> list[Problem]:
        """What an edit takes out of the text (an entry, a value it replaces, a key it
        deletes) that another place names through an alias: the new text would not read.

        Said at the line of the entry holding that place, in the file as it is (or the
        edited entry's, when the place is outside the list); an alias taken out by the
        same edit names nothing any more. A place outside the list that names an edited
        entry or what holds it (``copy: *a``, ``copy: *list``, ``<<: *a``) would change
        with it, an entry added too: refused. An entry that takes values from an edited
        one through an alias of its whole mapping is read back after the edit
        (_others_unchanged): a key it overrides stays its own. A key written as an alias
        (``*k : value``) is not edited: its place is the named key's.
        """
        if not (self._removed or self._updates or self._added) or not self._named:
            return []
        root = self._root()
        listed = _listed(root)
        # Inside the list, only the entries edited and those holding an alias are read
        # (an edit of a 10,000-entry list with one alias read them all: 0.6 s more).
        tree = _Tree(root, listed, {*self._removed, *self._updates, *self._holding_aliases()})
        nodes = _entry_nodes([root])
        problems: list[Problem] = []
        taken: set[int] = set()  # nodes whose text the edit takes out
        gone: set[tuple[int, int]] = set()  # (parent, slot) whose text goes too
        for index in self._removed:
            gone.add((id(listed), index))
            if tree.at(nodes[index], listed, index):
                taken |= tree.written(nodes[index])
        for index, values in self._updates.items():
            node = nodes[index]
            if index in self._removed or not isinstance(node, yaml.MappingNode):
                continue
            for n, (key, value) in enumerate(node.value):
                if not isinstance(key, yaml.ScalarNode) or key.value not in values:
                    continue
                if not tree.at(key, node, 2 * n):
                    problems.append(self._key_named(index, key.value))
                # Every value named is written anew, its value unchanged or not.
                slots = [2 * n + 1] + ([2 * n] if values[key.value] is None else [])
                for slot, child in ((s, (key, value)[s % 2]) for s in slots):
                    gone.add((id(node), slot))
                    if tree.at(child, node, slot):
                        taken |= tree.written(child)
        # What each edit changes, with all that holds it: named outside the list, the
        # place named changes with it. An entry added changes the list.
        changed = {
            index: tree.above({id(nodes[index])}) | {id(nodes[index])}
            for index in self._removed | set(self._updates)
            if tree.at(nodes[index], listed, index)
        }
        grown = tree.above({id(listed)}) | {id(listed)} if self._added else set()
        for parent, slot, child in tree.aliases:
            if id(parent) in taken or (id(parent), slot) in gone:
                continue  # the alias is taken out too
            where = slot if parent is listed else tree.entry(parent)
            if id(child) in taken:
                source = tree.entry(child)
                source = -1 if source is None else source
                if where is None:
                    problems.append(self._named_elsewhere(source))
                else:
                    how = "takes out" if source in self._removed else "changes"
                    problems.append(self._also_changed(where, how, where == source))
            elif where is None:
                problems += [
                    self._named_elsewhere(index)
                    for index, holds in changed.items()
                    if id(child) in holds
                ]
                if id(child) in grown:
                    problems.append(self._list_named(root))
        return sorted(set(problems), key=lambda p: p.line)

    def _too_deep(self) -> Problem:
        """Entries merged ('<<') from one another too deep for an edit to read them back."""
        edited = [self.entries[i].line for i in (*self._updates, *self._removed)]
        return Problem(
            self.path,
            min(edited, default=0),
            "the list's entries take values from one another through a chain of merges "
            "('<<') or aliases too long for campaign to edit and check",
            "write the entries of the chain out in full, then run the command again",
        )

    def _holding_aliases(self) -> set[int]:
        """The entries whose lines hold what reads as an alias ('*name')."""
        starts = list(itertools.accumulate((len(line) for line in self.lines), initial=0))
        firsts = [span.start for span in self._spans]
        found: set[int] = set()
        for alias in _ALIAS.finditer(self.text):
            line = bisect.bisect_right(starts, alias.start()) - 1
            index = bisect.bisect_right(firsts, line) - 1
            if index >= 0 and line < self._spans[index].end:
                found.add(index)
        return found

    def _first_key(self, index: int, key: str) -> Problem:
        """Key ``key`` is the first of entry ``index``, on its '-' line: not taken out alone."""
        return Problem(
            self.path,
            self.entries[index].line,
            f"'{key}' is the first field of '{self.entries[index].name}' (it stands on "
            "the entry's '-' line) and cannot be taken out",
            "write another field first in the entry, then run the command again",
        )

    def _key_named(self, index: int, key: str) -> Problem:
        """Key ``key`` of entry ``index`` is written as an alias of a key written elsewhere."""
        return Problem(
            self.path,
            self.entries[index].line,
            f"'{key}' of '{self.entries[index].name}' is written as an alias ('*name') of "
            "a key written elsewhere in the file, which campaign cannot edit here",
            "write the key out in full in this entry, then run the command again",
        )

    def _list_named(self, root: Any) -> Problem:
        """The list, named whole elsewhere in the file, would change with an entry added."""
        line = next(
            int(key.start_mark.line) + 1
            for key, value in root.value
            if getattr(key, "value", None) == "signatories" and value is _listed(root)
        )
        return Problem(
            self.path,
            line,
            "the list is named whole elsewhere in the file (through an alias), which an "
            "entry added would change too",
            "write what names it out in full, then run the command again",
        )

    def _named_elsewhere(self, index: int) -> Problem:
        """Entry ``index`` holds what another part of the file names, and the edit takes it out."""
        return Problem(
            self.path,
            self.entries[index].line,
            f"'{self.entries[index].name}' holds values that another part of the file "
            "names (through an alias or '<<'), which this edit would take from it",
            "write those values out in full where they are named, then run the command again",
        )

    def _data(self, index: int) -> tuple[dict[str, Any], set[str]]:
        """Entry ``index`` as YAML reads it in the text as loaded (its keys and values),
        and the keys written in it (not merged in with '<<')."""
        # Its lines may not read alone (see _keyed); and many entries changed at once
        # (approve --all-pending) are found quicker in the text read once.
        if self._tied or len(self._updates) > _MANY:
            node = _listed(self._root()).value[index]
        else:
            span = self._spans[index]
            window = f"signatories:{self.newline}{''.join(self.lines[span.start : span.end])}"
            node = _listed(compose_as_read(window)).value[0]
        own = {str(k.value) for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        return dict(data_as_read(node)), own - {"<<"}

    @functools.cached_property
    def _tied(self) -> bool:
        """Whether the text has what ties an entry to others (_TIED): searched once, as
        each edit asks (over a long list's whole text: 10,000 edits took minutes)."""
        return _TIED.search(self.text) is not None

    @functools.cached_property
    def _named(self) -> bool:
        """Whether the text may hold an alias ('*name'): without one, nothing names what
        an edit changes (a list with "R&D" in it added an entry 2.4 s slower for looking)."""
        return self._tied and _ALIAS.search(self.text) is not None

    def _root(self) -> Any:
        """The node of the text as loaded, composed once."""
        if self._composed is None:
            self._composed = compose_as_read(self.text)
        return self._composed

    def _spliced(self, pieces: list[_Piece]) -> str:
        out: list[str] = []
        pos = 0
        for start, _order, end, new, *_ in pieces:
            out.extend(self.lines[pos:start])
            out.extend(new)
            pos = max(pos, end)
        out.extend(self.lines[pos:])
        if out and not out[-1].endswith(_LINE_ENDS):
            out[-1] += self.newline
        if self._unended and not self._end_touched(pieces) and out[-1] is self.lines[-1]:
            # The file's last line, as it was: without the line break it never had (a
            # '|' text ending there reads one more line break with it).
            out[-1] = out[-1][: -len(self.newline)]
        return "".join(out)

    def _end_touched(self, pieces: list[_Piece]) -> bool:
        """Whether an edit reaches the file's last line, or writes after it."""
        return any(piece.end >= len(self.lines) for piece in pieces)

    def _unended_value(self) -> Problem | None:
        """The last entry, when the line break the file lacks at its end changes what it
        reads (a '|' text): an edit that writes after that line cannot keep it."""
        span = self._spans[-1] if self._spans else None
        if span is None:
            return None
        if span.end < len(self.lines):
            return None  # what follows it (a comment) ends the file
        window = f"signatories:{self.newline}{''.join(self.lines[span.start : span.end])}"
        try:
            cut = len(self.newline)
            ended, bare = (data_as_read(compose_as_read(t)) for t in (window, window[:-cut]))
        except (yaml.YAMLError, ValueError):  # its lines do not read alone (an alias)
            texts = (self.text, self.text[:-cut])
            ended, bare = (data_as_read(compose_as_read(t)) for t in texts)
        if _same_data(ended, bare):
            return None
        return Problem(
            self.path,
            self.entries[-1].line,
            f"the file ends inside '{self.entries[-1].name}' without a line break, and "
            "an edit that writes after its last line would change the value ending there",
            "end the file with a line break (the value then ends with one too), or write "
            "the value with '|-', then run the command again",
        )

    def _first_entries(self) -> _Piece:
        # The list has no entries yet: replace 'signatories:' (or '[]') and add below it.
        probe = _Span(0, 0, 2, 4, False)
        new = [f"signatories:{self.newline}"]
        for record in (record for _, record in self._added):
            new.extend(self._new_entry(record, probe))
        want = [_applied({}, record) for _, record in self._added]
        line = self._list_line
        if line >= len(self.lines):
            return _Piece(len(self.lines), 0, len(self.lines), new, want)
        return _Piece(line, 0, max(self._list_end, line + 1), new, want)

    def _new_entry(self, record: dict[str, Any], like: _Span) -> list[str]:
        ordered = {k: record[k] for k in SIGNATORY_KEYS if record.get(k) not in (None, "")}
        lines: list[str] = []
        # Its keys where its neighbour's are, unless those stand left of where a key on
        # the '-' line can (an entry written with its '-' alone and its keys below).
        column = max(like.key_col, like.dash_col + 2)
        for n, key in enumerate(ordered):
            for m, text in enumerate(dump_value(key, ordered[key])):
                lead = " " * like.dash_col + "- " + " " * (column - like.dash_col - 2)
                indent = lead if n == 0 and m == 0 else " " * column * bool(text)
                lines.append(indent + text + self.newline)
        return lines

    def _keyed(self, index: int) -> _Span:
        """Entry ``index``'s span with the place of each of its keys, found if not known."""
        span = self._spans[index]
        if span.keys is None and self._tied:
            # Its lines alone may not read (an alias without its anchor, a tag without
            # its directive): every entry found in the whole text, with its keys.
            self._locate()
            return self._spans[index]
        if span.keys is None:  # remembered without them: the entry's lines read alone
            window = f"signatories:{self.newline}{''.join(self.lines[span.start : span.end])}"
            alone = ListFile(self.path, window, False, [])
            span = self._spans[index] = _moved(alone._spans[0], span.start - 1)
        return span

    def _edited(self, index: int, values: dict[str, Any]) -> list[str]:
        span = self._keyed(index)  # an alias item never comes here (_pieces refuses it)
        keys = span.keys or {}
        if span.flow:
            return self._flow_edited(index, span, values)
        lines = {n: [self.lines[n]] for n in range(span.start, span.end)}
        appended: list[str] = []
        for key, value in values.items():
            if key not in keys:
                if value is not None:
                    appended += [
                        " " * span.key_col * bool(t) + t + self.newline
                        for t in dump_value(key, value)
                    ]
                continue
            kline, vstart, vend, vend_line, one_line = keys[key]
            for n in range(kline + 1, vend_line):
                lines[n] = []
            if value is None:
                if kline == span.start:  # the first key carries the entry's '-'
                    raise ProblemsFound([self._first_key(index, key)])
                lines[kline] = []
                continue
            dumped = dump_value(key, value)
            if one_line and len(dumped) == 1:
                text = self.lines[kline]
                lines[kline] = [text[:vstart] + dumped[0][len(key) + 2 :] + text[vend:]]
            else:
                # Up to the entry's key column: the key may be quoted ('"group":'), or
                # explicit ('? country'); it is written plain, as the value below it.
                prefix = self.lines[kline][: span.key_col]
                lines[kline] = [prefix + dumped[0] + self.newline]
                lines[kline] += [
                    " " * span.key_col * bool(t) + t + self.newline for t in dumped[1:]
                ]
        result = [text for n in range(span.start, span.end) for text in lines[n]]
        return result + appended

    def _flow_edited(self, index: int, span: _Span, values: dict[str, Any]) -> list[str]:
        """A ``{ ... }`` entry with ``values`` changed inside its braces, all else kept.

        Its keys campaign does not know, its comments and its layout stay: rewritten
        from the entry's known fields, as it once was, they were lost without a word.
        Places come from the parser's events, not nodes: an alias's node is the one it
        names, whose places are another entry's.
        """
        if self._tied:  # its lines may not read alone (see _keyed): the whole text, once
            if self._flows is None:
                self._flows = _flow_places(self.text, None)
            opened, mark, found = self._flows[index]
            base = 0
        else:
            window = f"signatories:{self.newline}{''.join(self.lines[span.start : span.end])}"
            opened, mark, found = _flow_places(window, {0})[0]
            base = span.start - 1  # the window's line 1 is the entry's first
        if opened is None:
            raise ProblemsFound([_aliased(self.path, int(mark.line) + base + 1)])
        lines = self.lines[span.start : span.end]
        starts = [0]
        for line_text in lines:
            starts.append(starts[-1] + len(line_text))
        text = "".join(lines)

        def at(mark: Any) -> int:
            return starts[int(mark.line) + base - span.start] + int(mark.column)

        places = [(key, at(a), at(b), at(c), at(d)) for key, a, b, c, d in found]
        pairs = {key: n for n, (key, *_) in enumerate(places) if key is not None}
        gone = {pairs[k] for k, v in values.items() if v is None and k in pairs}
        # New keys go after the last value (or where an empty one would be written).
        tail = _value_place(text, places[-1]) if places else at(opened) + 1
        cuts: list[tuple[int, int, int, str]] = []  # (from, order, to, new text)
        for key, value in values.items():
            if key not in pairs:
                if value is not None:
                    new = (", " if places else "") + _flow_pair(key, value)
                    if text[tail - 1 : tail] == ":":  # after an empty value ending its line
                        new = " " + new
                    cuts.append((tail, 1, tail, new))  # after a value set at the same place
                continue
            n = pairs[key]
            _, first, key_end, start, end = places[n]
            empty = start == end
            if empty:  # libyaml ends it where the next token starts: past any comment
                end = _value_place(text, places[n])
            end = max(end, key_end)
            if value is None:
                before = places[n - 1][4] if n else -1
                kept_after = any(m not in gone for m in range(n + 1, len(places)))
                cut = _pair_cut(text, first, end, before, kept_after)
                cuts += [(a, 0, b, new) for a, b, new in cut]
                continue
            dumped = _flow_pair(key, value)[len(key) + 2 :]
            if not empty:
                cuts.append((start, 0, end, dumped))
                continue
            place = _value_place(text, places[n])  # an empty value: after its ':', or none
            lead = ": " if place == key_end else " " if text[place - 1 : place] == ":" else ""
            cuts.append((place, 0, place, lead + dumped))
        out: list[str] = []
        pos = 0
        for start, _order, stop, new in sorted(cuts, key=lambda cut: cut[:2]):
            out.append(_apart(out, text[pos:start]) + new)
            pos = max(pos, stop)
        out.append(_apart(out, text[pos:]))
        return _split("".join(out))

    # -- saving -------------------------------------------------------------------------

    def save(self, last: bool = True) -> None:
        """Validate the new text as ``campaign check`` would, then write it atomically.

        ``last``: the write is the last thing the command was asked to do. A stop
        that comes once it is written is then too late (model/stops.py), and the
        command says what it did; a stop during the write waits for it.
        """
        try:
            pieces = self._pieces()
            if self._unended and self._end_touched(pieces) and (bad := self._unended_value()):
                raise ProblemsFound([bad])
            text = self._spliced(pieces)
            # An anchor or an alias ties an entry to another anywhere in the file (an
            # entry merged from the one changed, an alias left without its anchor), a
            # %TAG directive names tags for all of it: then each run of edits read with
            # its neighbours alone is not what check reads.
            local = self._spans and not self._tied
            reading = self._check_windows(pieces) if local else self._check_whole(text, pieces)
        except RecursionError:
            # Reading the whole list goes entry by entry; an entry read alone, as an edit
            # reads the ones it changes and compares, goes down its chain of merges.
            raise ProblemsFound([self._too_deep()]) from None
        if reading is not None:  # None: no entry is left
            # The rule of the whole list, which no entry read alone breaks: nobody twice.
            problems: list[Problem] = []
            after = SignatureList(self.path.stem, self.path, tuple(reading.entries))
            check_duplicates(after, problems, self.entries)
            if problems:
                raise ProblemsFound(problems)
        raw = (("\ufeff" if self.bom else "") + text).encode("utf-8")
        with stops.held() if last else contextlib.nullcontext():
            write_atomic(self.path, raw)
            if last:
                stops.done()
        if reading is not None:  # after the list: a stop between leaves a reading of old bytes
            remembered.keep(self.path, raw, reading)

    @_reading
    def _check_whole(self, text: str, pieces: list[_Piece]) -> remembered.Reading | None:
        """Read the whole new text as check would; its reading, or the problems raised."""
        problems: list[Problem] = []
        nodes: list[Any] = []
        loaded = load_signature_list(self.path, problems, text=text, allow_empty=True, nodes=nodes)
        errors = [p for p in problems if not p.warning]
        expected = len(self.entries) - len(self._removed) + len(self._added)
        if errors:
            raise ProblemsFound(errors)
        if loaded is None or len(loaded.entries) != expected:
            raise self._bug()
        after = ListFile(
            self.path, text, self.bom, list(loaded.entries), nodes[0] if nodes else None
        )
        # Each edit's entries, where its new lines are in the new text: as they must read.
        starts = [span.start for span in after._spans]
        listed = _entry_nodes(nodes)
        moved = 0
        made: set[int] = set()
        for piece in pieces:
            top = piece.start + moved
            first = bisect.bisect_left(starts, top)
            last = bisect.bisect_left(starts, top + len(piece.new))
            got = listed[first:last]
            mergers = piece.entry >= 0 and len(got) == len(piece.want) == 1 and _merges(got[0])
            if mergers and (data := data_as_read(got[0])) != piece.want[0]:  # beyond its edit
                back = [k for k in data if k not in piece.want[0]]
                problem = (
                    self._merged_in(piece.entry, back[0], "would come back")
                    if back
                    else self._also_changed(piece.entry)
                )
                raise ProblemsFound([problem])
            self._as_wanted(got, piece.want)
            made.update(range(first, last))
            moved += len(piece.new) - (piece.end - piece.start)
        self._others_unchanged(listed, made)
        return remembered.Reading(
            after.entries, problems, after._spans, after._list_line, after._list_end
        )

    def _others_unchanged(self, listed: list[Any], made: set[int]) -> None:
        """Refuse an edit that changes an entry it was not asked to change.

        An entry that takes values from another through an alias or a '<<' merge
        changes with it; the command would say it changed one entry only.
        """
        touched = set(self._updates) | self._removed
        olds = [i for i in range(len(self._spans)) if i not in touched]
        news = [k for k in range(len(listed)) if k not in made]
        if len(olds) != len(news):
            raise self._bug()
        old_nodes = _entry_nodes([self._root()]) if olds else []
        problems = [
            self._also_changed(i)
            for i, k in zip(olds, news, strict=True)
            if not _same_data(data_as_read(old_nodes[i]), data_as_read(listed[k]))
        ]
        if problems:
            raise ProblemsFound(problems)

    def _also_changed(self, index: int, how: str = "changes", itself: bool = False) -> Problem:
        """Entry ``index`` would change with an entry it takes values from: at its line
        in the file as it is (nothing is written). ``how``: what the edit does to that one;
        ``itself``: that one is the entry, another of whose values names the value edited."""
        name = self.entries[index].name
        said = (
            f"another value of '{name}' names (through an alias) the value this edit {how}"
            if itself
            else f"this edit would also change '{name}', which takes values from an entry "
            f"it {how} (through an alias or '<<')"
        )
        return Problem(
            self.path,
            self.entries[index].line,
            said,
            "write that entry's values out in full, then run the command again",
        )

    def _merged_in(self, index: int, key: str, how: str = "comes") -> Problem:
        """Entry ``index`` holds ``key`` through '<<' (``how``: or would once taken out):
        it cannot be taken out of it alone."""
        return Problem(
            self.path,
            self.entries[index].line,
            f"'{key}' of '{self.entries[index].name}' {how} from another entry through "
            "'<<', so it cannot be taken out of this one alone",
            "write this entry's values out in full, then run the command again",
        )

    def _runs(self, pieces: list[_Piece]) -> list[_Run]:
        """The edits joined into runs with no unchanged entry inside, in the text's order."""
        touched = set(self._updates) | self._removed
        kept = [i for i in range(len(self._spans)) if i not in touched]
        starts = [self._spans[i].start for i in kept]
        ends = [self._spans[i].end for i in kept]
        gone = {self._spans[i].start for i in self._removed}
        runs: list[_Run] = []
        for start, _order, end, new, want, _index in pieces:
            made = 0 if start < end and start in gone else len(want)  # a removal makes none
            run = runs[-1] if runs else None
            if run is not None and (run.after < 0 or start <= self._spans[run.after].start):
                # As _spliced joins them: lines between, none when an edit starts inside.
                run.new += [*self.lines[run.end : start], *new]
                run.end, run.made = max(run.end, end), run.made + made
                run.want += want
            else:
                before = bisect.bisect_right(ends, start) - 1
                run = _Run(
                    start, end, list(new), made, kept[before] if before >= 0 else -1, -1, list(want)
                )
                runs.append(run)
            after = bisect.bisect_left(starts, run.end)
            run.after = kept[after] if after < len(kept) else -1
        return runs

    @_reading
    def _check_windows(self, pieces: list[_Piece]) -> remembered.Reading | None:
        """Read each run of edits with the unchanged entries before and after it, as check would.

        An entry of a block list starts with its '-' at the list's column, so those lines
        read alone as a list hold the same entries as in the whole text: each run must
        come out as the entries it makes, between its two neighbours unchanged. The
        entries outside every run were valid when loaded and their lines are the same.
        """
        runs = self._runs(pieces)
        errors: list[Problem] = []
        moved = 0  # lines the runs above added (or took out) so far
        made: list[tuple[_Run, int, list[Signatory], list[_Span], list[Problem]]] = []
        for run in runs:
            before = [run.before] if run.before >= 0 else []
            after = [run.after] if run.after >= 0 else []
            first = self._spans[run.before].start if before else run.start
            last = self._spans[run.after].end if after else run.end
            lines = [*self.lines[first : run.start], *run.new, *self.lines[run.end : last]]
            problems: list[Problem] = []
            window = f"signatories:{self.newline}{''.join(lines)}"
            nodes: list[Any] = []
            loaded = load_signature_list(
                self.path, problems, text=window, allow_empty=True, nodes=nodes
            )
            # Line k of the window (its line 1 being 'signatories:') is line
            # first + moved + k - 1 of the new text.
            offset = first + moved - 1
            errors += [
                replace(p, line=p.line + offset if p.line > 1 else p.line)
                for p in problems
                if not p.warning
            ]
            moved += len(run.new) - (run.end - run.start)
            if errors:
                continue
            if loaded is None or len(loaded.entries) != len(before) + run.made + len(after):
                raise self._bug()
            got = [replace(e, line=0) for e in loaded.entries]
            kept = [replace(self.entries[i], line=0) for i in before + after]
            if got[: len(before)] + got[len(got) - len(after) :] != kept:
                raise self._bug()
            inside = ListFile(self.path, window, False, list(loaded.entries), nodes[0])
            middle = slice(len(before), len(got) - len(after))
            self._as_wanted(_entry_nodes(nodes)[middle], run.want)
            made.append((run, offset, inside.entries[middle], inside._spans[middle], problems))
        if errors:
            raise ProblemsFound(errors)
        return self._spliced_reading(made)

    def _spliced_reading(
        self, made: list[tuple[_Run, int, list[Signatory], list[_Span], list[Problem]]]
    ) -> remembered.Reading | None:
        """The reading of the new text, from the old one and each run's window.

        ``offset`` turns a window's lines into the new text's; the entries between runs
        move by the lines the runs above them added or took out. None when no entry is
        left (an empty list is quick to read).
        """
        entries: list[Signatory] = []
        spans: list[_Span] = []
        warnings: list[Problem] = []
        index = warned = 0
        delta = 0  # lines moved by the runs so far
        count = len(self._spans)
        # A full read warns about the file's own keys before it reads an entry, wherever
        # they stand (a key below the list too): those lead, each moved by the runs above
        # it; the entries' warnings follow in the order of their lines.
        starts = [span.start for span in self._spans]
        lead = 0
        while lead < len(self.warnings) and not self._in_entry(self.warnings[lead].line, starts):
            lead += 1
        olds = self.warnings[lead:]
        for p in self.warnings[:lead]:
            by = sum(len(run.new) - (run.end - run.start) for run, *_ in made if run.end < p.line)
            warnings.append(replace(p, line=p.line + by) if by else p)
        for run, offset, news, new_spans, problems in made:
            while index < count and self._spans[index].end <= run.start:
                entry, span = self.entries[index], self._spans[index]
                entries.append(replace(entry, line=entry.line + delta) if delta else entry)
                spans.append(_moved(span, delta) if delta else span)
                index += 1
            while index < count and self._spans[index].start < run.end:
                index += 1  # changed or removed by the run
            while warned < len(olds) and olds[warned].line <= run.start:
                p = olds[warned]
                warnings.append(replace(p, line=p.line + delta) if delta else p)
                warned += 1
            while warned < len(olds) and olds[warned].line <= run.end:
                warned += 1
            top = run.start + delta  # the run's first line in the new text, 0-based
            entries += [replace(e, line=e.line + offset) for e in news]
            spans += [_moved(s, offset) for s in new_spans]
            warnings += [
                replace(p, line=p.line + offset)
                for p in problems
                if p.warning and top < p.line + offset <= top + len(run.new)
            ]
            delta += len(run.new) - (run.end - run.start)
        for entry, span in zip(self.entries[index:], self._spans[index:], strict=True):
            entries.append(replace(entry, line=entry.line + delta) if delta else entry)
            spans.append(_moved(span, delta) if delta else span)
        warnings += [replace(p, line=p.line + delta) for p in olds[warned:]]
        if not entries:
            return None
        return remembered.Reading(entries, warnings, spans, self._list_line, self._list_end)

    def _as_wanted(self, nodes: list[Any], want: list[dict[str, Any]]) -> None:
        """Stop, as a bug, unless the entries of ``nodes`` read as ``want`` says.

        Valid is not enough: an edit that wrote a value under the next entry, or left
        out a key campaign does not know, reads as a valid list all the same.
        """
        if len(nodes) != len(want) or any(
            not _same_data(data_as_read(node), data)
            for node, data in zip(nodes, want, strict=False)
        ):
            raise self._bug()

    def _in_entry(self, line: int, starts: list[int]) -> bool:
        """Whether 1-based ``line`` is one of an entry's own lines."""
        index = bisect.bisect_right(starts, line - 1) - 1
        return index >= 0 and line - 1 < self._spans[index].end

    def _bug(self) -> CampaignError:
        return CampaignError(
            f"the edit of {display_path(self.path)} did not come out as expected "
            "(this is a bug in campaign); nothing was written"
        )


# A reading to keep once the command has done what it was asked: the list's path, and
# what was found in its bytes, as remembered.written puts it.
Kept = tuple[Path, bytes]


@_reading
def read_list(
    path: Path, problems: list[Problem], keep: list[Kept] | None = None
) -> SignatureList | None:
    """``path`` as ``check`` reads it, from the reading kept for these very bytes if any.

    A list edited by ``sig`` commands (or read by a build before) has its reading in
    .campaign/lists/ (remembered.py): its entries and warnings are taken from there, as
    a full read of the same bytes would give them, without parsing a long list again.
    Otherwise the file is read whole; a read with no error adds its reading to ``keep``
    (when given), if the file was not replaced while it was read: the command keeps it
    (``keep_readings``) only once it has done what it was asked, as a command that
    stops writes nothing.
    """
    try:
        before = os.stat(path)
        raw = read_bytes(path)
    except OSError:
        return load_signature_list(path, problems, allow_empty=True)  # says why
    if raw.strip(b"\xef\xbb\xbf \t\r\n") and (reading := remembered.recall(path, raw, _Span)):
        problems.extend(reading.warnings)
        return SignatureList(path.stem, path, tuple(reading.entries))
    if len(raw) >= APART and (apart := _read_apart(path, raw, before, keep)) is not None:
        loaded, found = apart
        problems.extend(found)
        return loaded
    loaded = _read_whole(path, raw, before, problems, keep)
    if loaded is None or len(loaded.entries) < RENEWED:
        return loaded
    # The parse's nodes are gone now, but the entries' objects were made among them,
    # a few in each of Python's memory blocks, which it gives back only once empty:
    # 20,000 entries read whole left the process 125 MB larger. Made again, they fill
    # blocks of their own and the rest go back (70 MB larger), for 0.1 s a 10,000.
    # A pickle's round trip in memory makes every object anew, whatever its type.
    return replace(loaded, entries=_anew(loaded.entries))


# A list read whole with at least this many entries has them made again (read_list).
RENEWED = 2_000
# A list file of at least this many bytes (about a thousand entries) is read in a child
# process of its own (_read_apart).
APART = 128 * 1024


def _read_apart(
    path: Path, raw: bytes, before: os.stat_result, keep: list[Kept] | None
) -> tuple[SignatureList | None, list[Problem]] | None:
    """``_read_whole`` in a child process: what it found, or None to read it here instead.

    A parse makes hundreds of thousands of small objects, and the memory they leave
    free is scattered among what lives on, so the process stayed larger by about
    2.5 kB an entry read (20,000 entries: 90 MB against 67 MB for 10,000, for the rest
    of a build). The child gives all of it back as it ends; only what it found comes
    back, unpickled into objects of their own, as ``_anew`` made them. A fork copies
    any thread's locks as they stand: a process running threads reads here, as does
    one where the child fails in any way (the error is then met, and said, here).
    """
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return None
    if signal.getsignal(signal.SIGCHLD) == signal.SIG_IGN:
        return None  # a parent's SIGCHLD ignored: the child, reaped unseen, says nothing
    try:
        readable, writable = os.pipe()
    except OSError:
        return None  # no descriptor left for a pipe (a read here needs fewer)
    try:
        child = os.fork()
    except OSError:  # no process to be had (ulimit -u, a cgroup's pids, memory)
        os.close(readable)
        os.close(writable)
        return None
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        status = 1
        try:
            os.close(readable)
            # Ctrl+C and a closed terminal's SIGHUP reach the terminal's whole group:
            # the parent handles them, and kills the child; the child ends with the
            # parent in any case.
            for number in (signal.SIGINT, signal.SIGHUP):
                signal.signal(number, signal.SIG_IGN)
            end_with_parent()
            found: list[Problem] = []
            kept: list[Kept] | None = [] if keep is not None else None
            loaded: SignatureList | None = None
            # Another shape, or errors, are read whole, which says them as ever. Not
            # from inside an except block: its exception's frames, and with them every
            # entry read so far, were alive during the whole parse.
            with contextlib.suppress(NotStreamed):
                loaded = _read_streamed(path, raw, before, found, kept)
            if loaded is None:
                loaded = _read_whole(path, raw, before, found, kept)
            with os.fdopen(writable, "wb") as pipe:
                pickle.dump((loaded, found, kept), pipe, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)  # nothing of the parent's (buffers, exit handlers) runs twice
    os.close(writable)
    answer: Any = None
    try:
        with os.fdopen(readable, "rb") as pipe:
            # Read as it comes: the whole pickle held as bytes beside what it makes
            # left this process larger by its size (6 MB for 20,000 entries).
            try:
                answer = pickle.load(pipe)
            except Exception:  # cut short by a child that failed: read here instead
                answer = None
    except BaseException:
        os.kill(child, signal.SIGKILL)
        raise
    finally:
        try:
            _, status = os.waitpid(child, 0)
        except ChildProcessError:  # reaped by another (SIGCHLD ignored meanwhile)
            status = -1
    if status != 0 or answer is None:
        return None
    loaded, found, kept = answer
    if keep is not None and kept:
        keep.extend(kept)
    return loaded, found


_T = TypeVar("_T")


def _anew(value: _T) -> _T:
    """``value`` equal, made of new objects only (its own pickle's round trip in memory)."""
    copied: _T = pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return copied


def _read_whole(
    path: Path,
    raw: bytes,
    before: os.stat_result,
    problems: list[Problem],
    keep: list[Kept] | None,
) -> SignatureList | None:
    """``path`` read whole from ``raw`` (read_list), its reading added to ``keep``."""
    found: list[Problem] = []
    nodes: list[Any] = []  # where the entries stand, for the reading kept
    # These very bytes: the reading is kept under them, whatever the file holds meanwhile.
    loaded = load_signature_list(path, found, allow_empty=True, nodes=nodes, raw=raw)
    problems.extend(found)
    if keep is None or loaded is None or not loaded.entries or not nodes:
        return loaded
    if any(not p.warning for p in found):
        return loaded
    try:
        if not _unchanged(path, raw, before):
            return loaded  # changed while it was read: what was read is not what it holds
        text = raw.decode("utf-8-sig")
        # Without the places of each entry's keys: a reading is kept without them.
        listed = ListFile(
            path, text, raw.startswith(b"\xef\xbb\xbf"), list(loaded.entries), nodes[0], keyed=False
        )
    except (OSError, UnicodeDecodeError, CampaignError):
        return loaded  # a list in [ ] flow style: sig commands cannot edit it either
    reading = remembered.Reading(
        listed.entries, found, listed._spans, listed._list_line, listed._list_end
    )
    if (body := remembered.written(raw, reading)) is not None:
        keep.append((path, body))
    return loaded


def _unchanged(path: Path, raw: bytes, before: os.stat_result) -> bool:
    """Whether ``path`` still holds ``raw``, the file it was when ``before`` was taken."""
    after = os.stat(path)
    then = (before.st_ino, before.st_mtime_ns, before.st_size)
    return (after.st_ino, after.st_mtime_ns, after.st_size) == then and read_bytes(path) == raw


def _read_streamed(
    path: Path,
    raw: bytes,
    before: os.stat_result,
    problems: list[Problem],
    keep: list[Kept] | None,
) -> SignatureList:
    """``_read_whole``, its entries read one at a time (ListFile.streamed).

    Raises NotStreamed where ``_read_whole`` is needed, before anything is added to
    ``problems`` or ``keep``.
    """
    listed, loaded = ListFile.streamed(path, raw)
    problems.extend(listed.warnings)
    try:
        if keep is None or not _unchanged(path, raw, before):
            return loaded
    except OSError:
        return loaded
    # As _read_whole keeps it: a list that is not empty has no line of its own.
    reading = remembered.Reading(listed.entries, listed.warnings, listed._spans, -1, -1)
    if (body := remembered.written(raw, reading)) is not None:
        keep.append((path, body))
    return loaded


def keep_readings(kept: list[Kept]) -> None:
    """Keep the readings ``read_list`` found, each for the bytes it was read from."""
    for path, body in kept:
        remembered.store(path, body)


@contextmanager
def locked(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the list's folder for a read-change-write cycle of ``path``."""

    def busy() -> ListLocked:
        return ListLocked(
            f"{display_path(path)} is being changed by another campaign command; "
            "try again when it has finished"
        )

    with folder_locked(path.parent, LOCK_TIMEOUT if timeout is None else timeout, busy):
        yield
