"""What a template is given: plain values, converted and checked at one boundary.

A template or a letter's text may come from another organisation. Whatever it is
given, it can reach only through the sandbox's attribute lookup, so it is given data
and nothing else: text, numbers, dates, Markup, tuples and read-only mappings of
them, and frozen records whose every field is such data. A record is made from a
dataclass by copying its public fields and properties; a field or property declared
as a file (a ``Path``) is left out, as a template has no business with the disk.
Anything else (a path, a function, an object with methods) is refused with TypeError:
that is a mistake in our code, found by the tests that walk every template's context.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from markupsafe import Markup

# Exact types only: a subclass (a str that remembers its YAML line, an IntEnum) can
# carry methods and attributes of its own, so it is copied into its base type.
_SCALARS = frozenset({str, Markup, int, float, bool, type(None), dt.date, dt.datetime})
_FILE_TYPE = re.compile(r"\b(?:Pure)?Path\b")


class FrozenMap(Mapping[str, Any]):
    """A read-only mapping of plain values with text keys."""

    __slots__ = ("_items",)
    _items: dict[str, Any]

    def __init__(self, items: dict[str, Any]) -> None:
        object.__setattr__(self, "_items", items)

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"


class PlainTuple(tuple[Any, ...]):
    """A tuple ``plain`` made: its items were converted, so it is passed on as it is.

    Hundreds of letters are filled in from one context; without this, each would walk
    every tuple in it again (the 700 addressees' records, item by item).
    """

    __slots__ = ()


def is_record(value: Any) -> bool:
    """Whether ``value`` is a record ``plain`` made (trusted: its fields were converted)."""
    return getattr(type(value), "__plain_record__", False) is True


def plain(value: Any) -> Any:
    """``value`` as plain data for a template; TypeError if it holds anything else."""
    return _plain(value, {})


# What one conversion has made of each dataclass it met, by the object's id (the object
# kept with it, so that its id stays its own): a signature block names each group twice
# (``groups`` and ``group``), and ten thousand entries were converted twice.
_Seen = dict[int, tuple[Any, Any]]


def _plain(value: Any, seen: _Seen) -> Any:
    """``plain``, each dataclass met again in ``seen`` taken from there."""
    kind = type(value)
    if kind in _SCALARS or kind is FrozenMap or kind is PlainTuple or is_record(value):
        return value
    if kind is tuple or kind is list:
        return PlainTuple(_plain(item, seen) for item in value)
    if isinstance(value, Mapping):
        items = {}
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError(f"a template's mapping keys must be text, not {key!r}")
            items[key] = _plain(item, seen)
        return FrozenMap(items)
    if isinstance(value, (set, frozenset)):
        return PlainTuple(_plain(item, seen) for item in sorted(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _record(value, *_record_type(kind), seen)  # type: ignore[arg-type]
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dt.datetime):
        return dt.datetime.fromisoformat(value.isoformat())
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    raise TypeError(f"a template may be given only plain data, not {kind.__name__}")


def _record(value: Any, make: type, names: tuple[str, ...], seen: _Seen) -> Any:
    """The dataclass ``value`` as its record ``make``: the fields ``names``, each plain."""
    if (met := seen.get(id(value))) is not None:
        return met[1]
    made = make(*(_plain(getattr(value, name), seen) for name in names))
    seen[id(value)] = (value, made)
    return made


def plain_context(context: Mapping[str, Any]) -> dict[str, Any]:
    """A template's context with every value converted by ``plain``."""
    seen: _Seen = {}
    return {str(key): _plain(value, seen) for key, value in context.items()}


@cache
def _record_type(cls: type) -> tuple[type, tuple[str, ...]]:
    """The record class a dataclass becomes, and the names it copies."""
    names = [
        f.name
        for f in dataclasses.fields(cls)
        if not f.name.startswith("_") and not _FILE_TYPE.search(str(f.type))
    ]
    for name in sorted(dir(cls)):
        attribute = getattr(cls, name, None)
        if name.startswith("_") or not isinstance(attribute, property):
            continue
        returns = getattr(attribute.fget, "__annotations__", {}).get("return", "")
        if not _FILE_TYPE.search(str(returns)):
            names.append(name)
    record = dataclasses.make_dataclass(
        cls.__name__,
        names,
        frozen=True,
        slots=True,
        namespace={
            "__doc__": f"What a template sees of a {cls.__name__}: plain values only.",
            "__plain_record__": True,
            "__module__": __name__,
        },
    )
    return record, tuple(names)
