"""Safe YAML loading that remembers the line of every mapping key and list item."""

from __future__ import annotations

import datetime as dt
import gc
import math
import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from campaign.errors import Problem
from campaign.paths import NotAFile, read_bytes


class LineDict(dict[str, Any]):
    """A mapping that knows its own line and the line of each key."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        """Line of ``key`` if present, else the line of the mapping itself."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A list that knows its own line and the line of each item."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.item_lines: list[int] = []
        self.flow = False  # written [a, b, c], where every comma starts a new item
        self.item_plain: list[bool] = []  # each item written without quotes


class BadDate(str):
    """A scalar that looked like a date but is not a real one (e.g. 2020-02-30)."""


class Unreadable(yaml.MarkedYAMLError):
    """A value YAML parsed but cannot turn into data (a '!!int' tag on a word, ...)."""

    def __init__(self, node: yaml.Node, problem: str, hint: str) -> None:
        super().__init__(problem=problem, problem_mark=node.start_mark)
        self.hint = hint


_MERGE = "tag:yaml.org,2002:merge"
_TYPES = {
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:map": "a mapping",
    "tag:yaml.org,2002:seq": "a list",
}
_QUOTE = "put the value in quotes to keep it as text, or remove its '!!' tag"


def _shown(value: str) -> str:
    """A scalar's text, shortened for a message."""
    return value if len(value) <= 30 else value[:30] + "…"


class _Loader(yaml.CSafeLoader):
    """Safe loading (libyaml's parser: no Python objects), plus line numbers and duplicate keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[int, str]] = []
        self.merged: dict[int, list[tuple[yaml.Node, yaml.Node]]] = {}
        self.tags: dict[str, str] = {}  # each plain scalar's tag (resolve)

    def resolve(self, kind: Any, value: Any, implicit: tuple[bool, bool]) -> Any:
        """The tag of an untagged node, as PyYAML's resolver finds it; a scalar's kept."""
        # libyaml asks this of every node, the same few words many times over in a long
        # list ('name', 'type', 'organization'); a plain scalar's tag depends on its
        # text alone (no path resolvers here), and a quoted one's is always a string.
        if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        if not implicit[0]:
            return self.DEFAULT_SCALAR_TAG
        tag = self.tags.get(value)
        if tag is None:
            tag = self.tags[value] = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        return tag

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Construct ``node``; a value its tag cannot be made of is a problem at its line."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError):
            # PyYAML's constructors trust the tag: '!!int x', '!!bool maybe', '!!int'
            # on nothing or a number of 5,000 digits (Python refuses to read those) fail
            # in Python.
            what = _TYPES.get(node.tag, f"'{node.tag}'")
            text = node.value if isinstance(node.value, str) else ""
            problem = f"'{_shown(text)}' cannot be read as {what}" if text else f"not {what}"
            raise Unreadable(node, problem, _QUOTE) from None


def _key(node: yaml.Node) -> Any:
    """What makes two keys the same key, for merging."""
    return (node.tag, node.value) if isinstance(node, yaml.ScalarNode) else id(node)


def _pairs(loader: _Loader, node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
    """The mapping's own key/value nodes, then those merged in with '<<' that it lacks."""
    # PyYAML's flatten_mapping copies every merged pair, so mappings that each merge
    # the one before twice grow exponentially (a merge bomb), and an overridden key
    # looks like a duplicate. Here each mapping is resolved once, each key kept once.
    if not any(key.tag == _MERGE for key, _ in node.value):
        return list(node.value)  # the usual case, kept cheap: no '<<' here
    if (done := loader.merged.get(id(node))) is not None:
        return done
    loader.merged[id(node)] = []  # a mapping that merges itself adds nothing more
    own: list[tuple[yaml.Node, yaml.Node]] = []
    sources: list[yaml.Node] = []
    for key_node, value_node in node.value:
        if key_node.tag != _MERGE:
            own.append((key_node, value_node))
        elif isinstance(value_node, yaml.SequenceNode):
            sources += value_node.value
        else:
            sources.append(value_node)
    pairs, keys = list(own), {_key(k) for k, _ in own}
    for source in sources:
        if not isinstance(source, yaml.MappingNode):
            raise Unreadable(source, "'<<' merges only mappings", "merge a '&anchor' of a mapping")
        for key_node, value_node in _pairs(loader, source):
            if _key(key_node) not in keys:
                keys.add(_key(key_node))
                pairs.append((key_node, value_node))
    loader.merged[id(node)] = pairs
    return pairs


_STR = "tag:yaml.org,2002:str"


def _constructed(loader: _Loader, node: yaml.Node) -> Any:
    """``node``'s value, as ``loader.construct_object(node, deep=True)`` makes it."""
    # A text is its node's own string (PyYAML's construct_yaml_str returns it): taken
    # straight, as most of a list's keys and values are, without PyYAML's dispatch,
    # which was about half of a long list's parse.
    if node.tag == _STR and type(node) is yaml.ScalarNode:
        return node.value
    return loader.construct_object(node, deep=True)


def _construct_map(loader: _Loader, node: yaml.Node) -> Any:
    if not isinstance(node, yaml.MappingNode):
        raise Unreadable(node, "'!!map' on a value that is not a mapping", _QUOTE)
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    for key_node, value_node in _pairs(loader, node):
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            # Printing a list or mapping used as a key could take forever (aliases).
            raise Unreadable(key_node, "a key must be a word, not a list or mapping", _KEYS)
        key = _constructed(loader, key_node)
        if not isinstance(key, str):
            key = str(key_node.value)  # a key is the word written, whatever its tag made
        if key in data:
            loader.duplicates.append((line, key))
        data[key] = _constructed(loader, value_node)
        data.key_lines[key] = line


_KEYS = "write 'key: value'; a '?' at the start of a line begins a complex key"


def _construct_seq(loader: _Loader, node: yaml.Node) -> Any:
    if not isinstance(node, yaml.SequenceNode):
        raise Unreadable(node, "'!!seq' on a value that is not a list", _QUOTE)
    data = LineList()
    data.line = node.start_mark.line + 1
    data.flow = bool(node.flow_style)
    yield data
    for item in node.value:
        data.append(_constructed(loader, item))
        data.item_lines.append(item.start_mark.line + 1)
        data.item_plain.append(isinstance(item, yaml.ScalarNode) and not item.style)


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> Any:
    # Python cannot print an int of more than 4,300 digits (the limit on converting
    # int to str), which any message or text field does; hexadecimal gets around it.
    if len(str(node.value)) > sys.get_int_max_str_digits() // 2:
        raise Unreadable(node, f"a number of {len(node.value)} digits is too long to read", _QUOTE)
    return yaml.SafeLoader.construct_yaml_int(loader, node)


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        value = yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, AttributeError):  # AttributeError: '!!timestamp' on a word
        return BadDate(node.value)
    # A bare date is what letters use; keep datetimes as dates too.
    return value.date() if isinstance(value, dt.datetime) else value


def compose_as_read(text: str) -> Any:
    """``text``'s document as a node, each plain scalar tagged as reading a list tags it."""
    return yaml.compose(text, Loader=_Loader)


def data_as_read(node: yaml.Node) -> Any:
    """What reading a list makes of ``node``: a plain scalar stays the text written."""
    return _Loader("").construct_document(node)


_STAMPS = yaml.constructor.SafeConstructor()
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def read_date(text: str) -> dt.date | None:
    """The date a text writes as YAML does (2020-02-13, or with a time); None if none is."""
    text = text.strip()
    if not yaml.constructor.SafeConstructor.timestamp_regexp.match(text):
        return None
    try:
        value = _STAMPS.construct_yaml_timestamp(yaml.ScalarNode(_TIMESTAMP, text))
    except ValueError:  # 2020-02-30, a 25th hour
        return None
    return value.date() if isinstance(value, dt.datetime) else value


# A number as people write one: decimal, with an optional sign, point, exponent or
# '_' between digits; a leading 0 is not octal. Long enough for any setting.
_NUMBER = re.compile(r"[-+]?(?:\d+(?:_\d+)*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def read_number(text: str) -> int | float | None:
    """The number a text writes (a whole number stays one); None if it is not one."""
    text = text.strip()
    if len(text) > 40 or not _NUMBER.fullmatch(text):
        return None
    plain = text.replace("_", "")
    if any(c in plain for c in ".eE"):
        value = float(plain)
        return value if math.isfinite(value) else None
    return int(plain)


# A plain scalar stays the text written in the file: YAML 1.1 would read a postcode
# 04001 as the octal number 2049, 'NO' (Norway) and 'Yes' as booleans, 1.10 as 1.1 and
# a date-like title as a date. Only the empty value, '~' and 'null' (nothing) and the
# merge key '<<' are resolved; a field that needs a number or a date reads it from the
# text (schema.Fields), and an explicit tag such as '!!int' still makes what it says.
_RESOLVED = {"tag:yaml.org,2002:null", _MERGE}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag in _RESOLVED]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


# No field nests deeper than a few levels. libyaml builds nodes recursively in C, so a
# file nested some ten thousand levels deep (a line of '[') would crash the process.
MAX_DEPTH = 100
_INDENTED = 20  # an indentation, and
_CHAINED = 4  # a chain of marks on one line, below these add up to less than MAX_DEPTH
_DEEP_INDENT = re.compile(r"[\r\n\x85\u2028\u2029]" + " " * _INDENTED)
_CHAIN = re.compile(r"[-?:][ \t]+" * _CHAINED)


_DEEP = f"YAML nested too deeply to read (more than {MAX_DEPTH} levels)"
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"  # libyaml's own limit (0.2.6 on)
_INDENT = "this line is indented differently from the lines around it"
_PLAIN = {
    "cannot start any token": "a character YAML cannot read here",
    "expected <block end>": _INDENT,
    "did not find expected key": _INDENT,
    "did not find expected '-' indicator": _INDENT,
    "mapping values are not allowed": "a ':' where YAML did not expect one",
    "could not find expected ':'": "a line without 'key: value' inside a mapping",
    "found undefined alias": "an unknown '*' alias",
    "found unexpected end of stream": "the file ends inside a quoted text",
}


def _plain(problem: str, source: str) -> str:
    """PyYAML's parser words, said the way a person editing the file thinks of it."""
    if "tab character" in problem or ("cannot start any token" in problem and "\t" in source):
        return "a tab character in the indentation"
    for jargon, plain in _PLAIN.items():
        if jargon in problem:
            return plain
    return problem


def _syntax_hint(text: str, line: int, problem: str) -> str:
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in source or "'\\t'" in problem:
        return "YAML indents with spaces, never tabs: replace the tab with spaces"
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted, or the line is indented wrongly"
    if "expected <block end>" in problem or "did not find expected" in problem:
        return "line it up with the other keys of the same entry, using spaces"
    return "check the indentation and quoting around this line"


def load_yaml(
    path: Path, problems: list[Problem], nodes: list[Any] | None = None, raw: bytes | None = None
) -> Any:
    """Load ``path`` safely; syntax problems go into ``problems`` and None is returned.

    With ``nodes``, the composed document (its root node) is appended to it, for a
    caller that needs where things stand in the text without parsing it again.
    ``raw``: the file's bytes as the caller read them, read as the file (a caller
    that keeps what it found under these bytes must parse these, not a later read).
    """
    if raw is None:
        try:
            raw = read_bytes(path)
        except OSError as exc:
            hint = exc.hint if isinstance(exc, NotAFile) else ""
            problems.append(Problem(path, 0, f"cannot read file: {exc.strerror}", hint))
            return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(path, line, "not valid UTF-8 text", "save the file as UTF-8 in your editor")
        )
        return None
    return parse_yaml(text, path, problems, nodes)


def _may_nest_deeply(text: str) -> bool:
    """Whether ``text`` could nest deeper than MAX_DEPTH; cheap, without parsing it."""
    # Each flow level needs a bracket. A block level needs more indentation (a mapping
    # may hold its sequence unindented: two levels per step), or one more mark in a
    # chain such as '- - - x' or '- ? - x' on one line. So a text with few brackets,
    # no deep indentation and no long chain cannot nest deeply, whatever it holds.
    flow = text.count("[") + text.count("{")
    if flow + 2 * (_INDENTED + 1) + _CHAINED > MAX_DEPTH:
        return True
    deep = text.startswith(" " * _INDENTED) or _DEEP_INDENT.search(text)
    return bool(deep or _CHAIN.search(text))


def _too_deep(text: str) -> int:
    """The line where the text nests deeper than MAX_DEPTH, or 0."""
    # The walk costs about a sixth of loading; most files skip it.
    if not _may_nest_deeply(text):
        return 0
    parser = yaml.CSafeLoader(text)
    depth = 0
    try:
        while (event := parser.get_event()) is not None:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return int(event.start_mark.line) + 1 if event.start_mark else 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.StreamEndEvent):
                break
    except yaml.MarkedYAMLError as exc:
        # libyaml 0.2.6 and later stop deep nesting themselves, in words of their own.
        if _LIBYAML_TOO_DEEP in (exc.problem or ""):
            return exc.problem_mark.line + 1 if exc.problem_mark else 1
        return 0  # a syntax error: reported with its line when the text is loaded
    except yaml.YAMLError:
        return 0
    finally:
        parser.dispose()
    return 0


_pauses = 0  # parses under way with the collector paused (threads may parse at once)
_resume = False  # whether the collector ran when the first of them paused it
_pausing = threading.Lock()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused meanwhile, and resumed as it was."""
    # A parse makes an object for every node and value, and none of them is garbage
    # before it ends; the collector, run after every few hundred new objects, walked
    # them all again and again: a third of reading a 10,000-entry list, and more the
    # longer the list. Cycles left meanwhile are collected once it runs again.
    global _pauses, _resume
    with _pausing:
        _pauses += 1
        if _pauses == 1:
            _resume = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _pausing:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()


class NotStreamed(Exception):
    """A text that ``stream_entries`` leaves to a whole parse: another shape, or a problem."""


class _Composing(yaml.composer.Composer, _Loader):
    """``_Loader``'s parse composed a node at a time: PyYAML's composer on libyaml's events."""

    def __init__(self, stream: str) -> None:
        _Loader.__init__(self, stream)
        yaml.composer.Composer.__init__(self)

    def compose_node(self, parent: Any, index: Any) -> Any:
        """A node; an anchor or alias, which may join one entry to another, is not streamed."""
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise NotStreamed
        return super().compose_node(parent, index)

    def plain_scalar(self) -> Any:
        """The next event, a scalar with neither anchor nor tag (else NotStreamed)."""
        event = self.get_event()
        if not isinstance(event, yaml.ScalarEvent) or event.anchor is not None or event.tag:
            raise NotStreamed
        return event


# Given where an entry stands: its value, its first mark, the end of its last value (a
# flow entry's own end), whether it is written in { } flow style.
Placed = Callable[[Any, Any, Any, bool], None]


def stream_entries(text: str, key: str, each: Placed) -> None:
    """Each entry of the list under ``key``, the text's one key, given to ``each``: its
    value (a LineDict, as a whole parse makes it) and where it stands.

    A whole parse holds every node of the text until it ends (76 MB for a list of
    20,000 entries); here an entry is made from libyaml's events, a node made only for
    a value that is not text, and each let go once ``each`` has had it. Only the plain
    shape is read so: one document, a mapping of ``key`` alone to a block list of
    mappings, with no anchor, alias, merge or tag. Any other text, and any problem a
    whole parse would report (a syntax error, a key twice, a value that cannot be
    read), raises NotStreamed, for the caller to parse it whole: its errors are then
    said as they always were, the first in the file first.
    """
    if _too_deep(text):
        raise NotStreamed
    loader = _Composing(text)
    try:
        with collector_paused():
            loader.get_event()  # the stream's start
            if not loader.check_event(yaml.DocumentStartEvent):
                raise NotStreamed  # nothing but comments
            loader.get_event()
            if not _plain_start(loader.get_event(), yaml.MappingStartEvent):
                raise NotStreamed
            if loader.plain_scalar().value != key:
                raise NotStreamed
            start: Any = loader.get_event()
            if not _plain_start(start, yaml.SequenceStartEvent) or start.flow_style:
                raise NotStreamed
            while not loader.check_event(yaml.SequenceEndEvent):
                _stream_entry(loader, each)
            loader.get_event()
            for ending in (yaml.MappingEndEvent, yaml.DocumentEndEvent, yaml.StreamEndEvent):
                if not loader.check_event(ending):
                    raise NotStreamed  # another key, or another document
                loader.get_event()
    except (yaml.YAMLError, RecursionError) as exc:
        raise NotStreamed from exc
    finally:
        loader.dispose()


def _stream_entry(loader: _Composing, each: Placed) -> None:
    """One entry of the list, made as ``_construct_map`` makes it from its node."""
    start: Any = loader.get_event()
    if not _plain_start(start, yaml.MappingStartEvent):
        raise NotStreamed
    entry = LineDict()
    entry.line = start.start_mark.line + 1
    last = start.end_mark
    while not loader.check_event(yaml.MappingEndEvent):
        name = loader.plain_scalar()
        if loader.resolve(yaml.ScalarNode, name.value, name.implicit) != _STR:
            raise NotStreamed  # a '<<' merge, or a key that is a number
        if name.value in entry:
            raise NotStreamed  # a key twice: said by the whole parse
        if loader.check_event(yaml.ScalarEvent):
            event = loader.plain_scalar()
            tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            if tag == _STR:
                value = event.value  # most values: text, as _constructed takes it
            else:  # a day, a number, a yes or no, nothing
                node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
                value = loader.construct_document(node)
            # An empty value is marked at the next token, past any comment: it ends
            # with its key (content_end).
            empty = event.start_mark.index == event.end_mark.index
            last = name.end_mark if empty else event.end_mark
        else:  # a list or a mapping, composed and made whole
            node = loader.compose_node(None, None)
            value = loader.construct_document(node)
            if loader.duplicates or loader.merged:
                raise NotStreamed
            last = content_end(node)
        entry[name.value] = value
        entry.key_lines[name.value] = name.start_mark.line + 1
    end: Any = loader.get_event()
    flow = bool(start.flow_style)
    each(entry, start.start_mark, end.end_mark if flow or not entry else last, flow)


def content_end(node: yaml.Node) -> Any:
    """The mark where ``node``'s last content ends.

    A block list or mapping ends at the next token, past the comments and blank lines
    after it: an entry ending in one took the comments above the next entry as its own,
    and removing it removed them. Its last value ends at its last character.
    """
    while isinstance(node, yaml.CollectionNode) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
        if isinstance(node, yaml.ScalarNode) and node.start_mark.index == node.end_mark.index:
            # An empty value ('? notes' alone) is marked at the next token, past the
            # comments that follow: its content ends with its key.
            node = last[0] if isinstance(last, tuple) else node
    return node.end_mark


def _plain_start(event: Any, kind: type[yaml.CollectionStartEvent]) -> bool:
    """Whether ``event`` starts a collection of ``kind`` with neither anchor nor tag."""
    return isinstance(event, kind) and event.anchor is None and event.tag is None


def parse_yaml(
    text: str, path: Path, problems: list[Problem], nodes: list[Any] | None = None
) -> Any:
    """Like :func:`load_yaml`, for text already read (or not yet written) as ``path``."""
    if line := _too_deep(text):
        problems.append(Problem(path, line, _DEEP, "no field here needs nesting"))
        return None
    loader = _Loader(text)
    try:
        with collector_paused():
            node = loader.get_single_node()
            data = None if node is None else loader.construct_document(node)
        if nodes is not None and node is not None:
            nodes.append(node)
    except Unreadable as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        problems.append(Problem(path, line, exc.problem or "", exc.hint))
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = exc.problem or exc.context or "invalid YAML"
        if _LIBYAML_TOO_DEEP in what:
            problems.append(Problem(path, line, _DEEP, "no field here needs nesting"))
            return None
        lines = text.splitlines()
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        message = f"YAML syntax: {_plain(what, source)}"
        problems.append(Problem(path, line, message, _syntax_hint(text, line, what)))
        return None
    except yaml.reader.ReaderError as exc:
        # Its message gives a position in the text ("position 499"); people count lines.
        line = text.count("\n", 0, exc.position) + 1
        what = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a character"
        problems.append(
            Problem(
                path,
                line,
                f"a control character ({what}) that YAML does not allow",
                "remove it: such characters can rewrite a terminal or hide text",
            )
        )
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(path, 0, f"YAML syntax: {exc}"))
        return None
    except RecursionError:
        problems.append(Problem(path, 0, _DEEP, "no field here needs nesting"))
        return None
    finally:
        loader.dispose()
    for line, key in loader.duplicates:
        problems.append(
            Problem(
                path,
                line,
                f"key '{key}' appears twice",
                "keep one of them; YAML keeps only the last",
            )
        )
    return data
