"""The as_lines filter: an address's lines as one text, each as CSS prints it in a block."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from campaign.compose.templating import FilterMisused, as_lines


def test_lines_are_collapsed_trimmed_escaped_and_empty_ones_left_out() -> None:
    lines = [" Ada \t Minister ", "", " \n ", "Wilhelmstraße\u00a01", "A & B <Ltd>", "x\ny"]
    assert as_lines(lines) == Markup(
        "Ada Minister\nWilhelmstraße\u00a01\nA &amp; B &lt;Ltd&gt;\nx y"
    )


def test_it_needs_lines() -> None:
    with pytest.raises(FilterMisused) as caught:
        as_lines("Ada Minister")
    assert str(caught.value) == (
        "the filter 'as_lines' needs lines of text, but was given text ('Ada Minister')"
    )
    assert caught.value.hint == "for example {{ item.recipient.lines | as_lines }}"


@settings(max_examples=200)
@given(st.lists(st.text(alphabet=" \t\n\r\fab\u00a0<&", max_size=8), max_size=6))
def test_each_line_prints_once_on_a_line_of_its_own(lines: list[str]) -> None:
    # Set white-space: pre, the text must hold exactly the lines a block a line prints:
    # no break but between lines, no collapsible white space doubled or at an end.
    printed = str(as_lines(lines))
    wanted = [" ".join(re.split(r"[ \t\n\r\f]+", line.strip(" \t\n\r\f"))) for line in lines]
    wanted = [line.replace("&", "&amp;").replace("<", "&lt;") for line in wanted if line]
    assert printed.split("\n") == (wanted or [""])
