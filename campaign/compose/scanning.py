"""tinyhtml5's scanning patterns compiled once per process, not once per run of text.

tinyhtml5 (the HTML parser WeasyPrint and ``sheettree`` use) reads a run of text up to
one of a few characters with a regular expression it means to keep by those characters
(``characters_until_regex``), but the pinned version stores each one under the compiled
expression instead, so it never finds it again: every text, attribute and tag name
builds its pattern anew, about a third of parsing an envelope's or a label's HTML. Here
the table finds each pattern by the characters it is asked for. Each pattern matches
the same text as tinyhtml5's own (a run of characters outside the set, or inside it for
``opposite``), so the tree is the same (tests/unit/test_scanning.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any


class _Patterns(dict[tuple[Any, bool], "re.Pattern[str]"]):
    """Each scanning pattern by the characters it stops at (or, ``opposite``, reads)."""

    def __missing__(self, key: tuple[Iterable[str], bool]) -> re.Pattern[str]:
        characters, opposite = key
        inside = re.escape("".join(sorted(characters)))
        pattern = self[key] = re.compile(f"[{inside}]+" if opposite else f"[^{inside}]+")
        return pattern


def install() -> None:
    """Put the table in place (once per process; later calls do nothing)."""
    import tinyhtml5.inputstream

    if not isinstance(tinyhtml5.inputstream.characters_until_regex, _Patterns):
        tinyhtml5.inputstream.characters_until_regex = _Patterns()
