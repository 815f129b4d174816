"""A long list's reading takes three shortcuts; each must read exactly as the long way.

- yamlfile: a text node's value taken straight, not through PyYAML's dispatch;
- yamlfile: a scalar's tag kept by its text, not found again by the resolver;
- records.read_fields: an optional field an entry leaves out given the value learnt
  from the first entry that left it out.

Each test reads the same text both ways and compares everything a reader keeps:
values, their types, every line, the problems and their order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.errors import Problem
from campaign.load import records, yamlfile
from campaign.load.records import load_signature_list
from campaign.load.yamlfile import LineDict, LineList, parse_yaml
from campaign.model import fields

_PATH = Path("signatories/people.yaml")


def _shape(value: Any) -> Any:
    """Everything a reader can see of a parsed value, lines and types included."""
    if isinstance(value, LineDict):
        return (
            "map",
            value.line,
            [(k, value.key_lines[k], _shape(v)) for k, v in value.items()],
        )
    if isinstance(value, LineList):
        return (
            "seq",
            value.line,
            value.flow,
            list(value.item_lines),
            list(value.item_plain),
            [_shape(v) for v in value],
        )
    return (type(value).__name__, repr(value))


def _construct_all(loader: Any, node: yaml.Node) -> Any:
    return loader.construct_object(node, True)


def _resolve_all(self: Any, kind: Any, value: Any, implicit: Any) -> Any:
    resolve: Any = yaml.resolver.BaseResolver.resolve
    return resolve(self, kind, value, implicit)


def _long_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every node constructed, and every tag resolved, as PyYAML does it."""
    monkeypatch.setattr(yamlfile, "_constructed", _construct_all)
    monkeypatch.setattr(yamlfile._Loader, "resolve", _resolve_all)


# Scalars written every way YAML reads differently: plain words that are numbers,
# booleans, nulls, dates; quoted; tagged; empty; block text; aliases.
_SCALARS = st.sampled_from(
    [
        "word", "Ōkubo Ltd", "'quoted'", '"double \\u00e9"', "012", "0x1F", "1e3", "1_000",
        "yes", "No", "true", "~", "null", "", "2020-02-13", "2020-02-30", "!!str 12",
        "!!int 7", "!!int x", "!!bool maybe", "!!float 1.5", "!!binary aGk=", ".inf",
        "-.NaN", "|\n    two\n    lines", ">-\n    folded\n    text", "&a shared", "*a",
        "!!timestamp 2001-12-14", "'  padded  '", "[a, 1, no]", "{k: v, n: 2}",
    ]
)  # fmt: skip
_KEYS = st.sampled_from(["name", "type", "group", "1", "yes", "null", "'q'", "!!str 3", "<<"])


@st.composite
def _documents(draw: st.DrawFn) -> str:
    lines = ["signatories:"]
    for _ in range(draw(st.integers(1, 5))):
        keys = draw(st.lists(_KEYS, min_size=1, max_size=4))
        for i, key in enumerate(keys):
            value = draw(_SCALARS)
            if key == "<<":
                value = draw(st.sampled_from(["{extra: 1}", "*a", "[{x: 2}]", "word"]))
            lead = "  - " if i == 0 else "    "
            if value.startswith(("|", ">")):
                value = value.replace("\n    ", "\n      ")
            lines.append(f"{lead}{key}: {value}")
        if draw(st.booleans()):
            lines.append(f"  - {(draw(_SCALARS).splitlines() or ['~'])[0]}")
    return "\n".join(lines) + "\n"


def _parsed(text: str) -> tuple[Any, list[Problem]]:
    problems: list[Problem] = []
    return _shape(parse_yaml(text, _PATH, problems)), problems


@settings(max_examples=300, deadline=None)
@given(_documents())
def test_a_document_parses_the_same_with_and_without_the_shortcuts(text: str) -> None:
    short = _parsed(text)
    with pytest.MonkeyPatch.context() as long_way:
        _long_way(long_way)
        assert _parsed(text) == short


def test_the_reading_goes_through_the_helper_patched(monkeypatch: pytest.MonkeyPatch) -> None:
    # The comparison above means something only if the patch reaches the reading.
    seen: list[str] = []

    def noted(loader: Any, node: yaml.Node) -> Any:
        seen.append(node.tag)
        return "x"

    monkeypatch.setattr(yamlfile, "_constructed", noted)
    parse_yaml("a: b\nc: [d]\n", _PATH, [])
    # Keys and values alike: 'a', 'b', 'c', then the list, which the stand-in does not
    # build (so its 'd' is never reached).
    assert seen == [f"tag:yaml.org,2002:{t}" for t in ("str", "str", "str", "seq")]


def test_a_plain_scalars_tag_is_found_once_per_text(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    resolve: Any = yaml.resolver.BaseResolver.resolve

    def counted(self: Any, kind: Any, value: Any, implicit: Any) -> Any:
        asked.append(value if kind is yaml.ScalarNode else kind.__name__)
        return resolve(self, kind, value, implicit)

    monkeypatch.setattr(yaml.resolver.BaseResolver, "resolve", counted)
    problems: list[Problem] = []
    data = parse_yaml("- yes\n- yes\n- 'yes'\n- ~\n- ~\n- \"~\"\n", _PATH, problems)
    # Plain words stay text here (yamlfile), null is null; a quoted one never asks.
    assert (data, problems) == (["yes", "yes", "yes", None, None, "~"], [])
    assert asked == ["SequenceNode", "yes", "~"]


# An entry's fields, each written well, badly or left out.
_FIELD_VALUES: dict[str, list[str | None]] = {
    "name": ["Ada Lovelace", "", None, "[a]"],
    "type": ["individual", "organization", "person", None],
    "group": ["organizations", None, "12"],
    "country": ["Japan", None, ""],
    "signed": ["2020-02-13", "2020-02-30", None, "soon"],
    "withdrawn": ["2020-03-01", None],
    "status": ["withdrawn", "confirmed", "maybe", None],
    "email": ["a@example.org", "not-an-address", None],
    "name_latin": ["Ada", None],
    "notes": ["|\n      met\n      there", None, "[1, 2]"],
    "colour": ["red", None],
}


@st.composite
def _lists(draw: st.DrawFn) -> str:
    lines = ["signatories:"]
    for _ in range(draw(st.integers(1, 6))):
        fields = [(k, draw(st.sampled_from(v))) for k, v in _FIELD_VALUES.items()]
        fields = [(k, v) for k, v in draw(st.permutations(fields)) if v is not None]
        if not fields:
            fields = [("name", "Someone")]
        for i, (key, value) in enumerate(fields):
            lines.append(f"{'  - ' if i == 0 else '    '}{key}: {value}")
    return "\n".join(lines) + "\n"


def _entries(text: str) -> tuple[Any, list[Problem]]:
    problems: list[Problem] = []
    loaded = load_signature_list(_PATH, problems, text=text, allow_empty=True)
    return loaded, problems


@settings(max_examples=200, deadline=None)
@given(_lists())
def test_entries_read_the_same_with_and_without_the_values_learnt(text: str) -> None:
    records._ORDERS.clear()
    short = _entries(text)
    with pytest.MonkeyPatch.context() as long_way:
        # Nothing learnt: each entry's fields each read by their reader.
        order = records._told_order
        long_way.setattr(records, "_told_order", lambda fields: (order(fields)[0], {}))
        assert _entries(text) == short


def test_an_optional_field_left_out_reads_as_nothing_of_its_kind() -> None:
    records._ORDERS.clear()
    text = "signatories:\n  - name: A\n    type: individual\n    group: g\n"
    (loaded, problems) = _entries(text + text.split("\n", 1)[1].replace("A", "B"))
    assert problems == []
    first, second = loaded.entries
    left_out = records._told_order(fields.SIGNATORY)[1]
    # Learnt from the first entry, given to the second: the same, immutable values.
    assert left_out and "signed" in left_out and "email" in left_out
    assert all(isinstance(v, (str, tuple, type(None))) for v in left_out.values())
    assert (first.signed, first.email, second.signed, second.email) == (None, "", None, "")
