"""Safe YAML loading that remembers the line of every mapping key and list item."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from campaign.errors import Problem


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


class BadDate(str):
    """A scalar that looked like a date but is not a real one (e.g. 2020-02-30)."""


class _Loader(yaml.CSafeLoader):
    """Safe loading (libyaml's parser: no Python objects), plus line numbers and duplicate keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[int, str]] = []


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Any:
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        line = key_node.start_mark.line + 1
        if key in data:
            loader.duplicates.append((line, key))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> Any:
    data = LineList()
    data.line = node.start_mark.line + 1
    yield data
    for item in node.value:
        data.append(loader.construct_object(item, deep=True))
        data.item_lines.append(item.start_mark.line + 1)


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        value = yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return BadDate(node.value)
    # A bare date is what letters use; keep datetimes as dates too.
    return value.date() if isinstance(value, dt.datetime) else value


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


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


def load_yaml(path: Path, problems: list[Problem]) -> Any:
    """Load ``path`` safely; syntax problems go into ``problems`` and None is returned."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(path, 0, f"cannot read file: {exc.strerror}"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(path, line, "not valid UTF-8 text", "save the file as UTF-8 in your editor")
        )
        return None
    return parse_yaml(text, path, problems)


def parse_yaml(text: str, path: Path, problems: list[Problem]) -> Any:
    """Like :func:`load_yaml`, for text already read (or not yet written) as ``path``."""
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = exc.problem or exc.context or "invalid YAML"
        lines = text.splitlines()
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        message = f"YAML syntax: {_plain(what, source)}"
        problems.append(Problem(path, line, message, _syntax_hint(text, line, what)))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(path, 0, f"YAML syntax: {exc}"))
        return None
    except RecursionError:
        problems.append(
            Problem(path, 0, "YAML nested too deeply to read", "no field here needs nesting")
        )
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
