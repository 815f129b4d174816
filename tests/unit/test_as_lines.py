"""The as_lines and isolated filters: an address's lines as one text, each as CSS prints it
in a block, and each read as written on a page of either direction."""

from __future__ import annotations

import re

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from campaign.compose.templating import FilterMisused, as_lines, isolated

LTR, RTL, END = '<bdi dir="ltr">', '<bdi dir="rtl">', "</bdi>"


def filled(source: str, direction: str = "ltr", **values: object) -> str:
    """``source`` filled in as a letter's template is: autoescaped, with the page's direction."""
    env = jinja2.Environment(autoescape=True)
    env.filters.update(as_lines=as_lines, isolated=isolated)
    return env.from_string(source).render(direction=direction, **values)


def test_lines_are_collapsed_trimmed_escaped_and_empty_ones_left_out() -> None:
    lines = [" Ada \t Minister ", "", " \n ", "Wilhelmstraße\u00a01", "A & B <Ltd>", "x\ny"]
    assert filled("{{ v | as_lines }}", v=lines) == (
        "Ada Minister\nWilhelmstraße\u00a01\nA &amp; B &lt;Ltd&gt;\nx y"
    )


def test_on_a_page_right_to_left_a_line_running_left_to_right_is_set_so() -> None:
    # On an element: WeasyPrint sets what follows a line's break as a text of its own,
    # where marks around the line (U+2068 ... U+2069) no longer hold.
    lines = ["1-2-3 Nagatacho", "Example Inc.", "A & B", "منظمة 2020", "2020"]
    assert filled("{{ v | as_lines }}", "rtl", v=lines) == (
        f"{LTR}1-2-3 Nagatacho{END}\n{LTR}Example Inc.{END}\n{LTR}A &amp; B{END}\n"
        f"منظمة 2020\n{LTR}2020{END}"
    )
    assert filled("{{ v | isolated }}", "rtl", v="A & B") == f"{LTR}A &amp; B{END}"
    assert filled("{{ v | isolated }}", "rtl", v="") == ""
    # The first letter of a direction outside any isolate the line holds decides.
    assert filled("{{ v | isolated }}", "rtl", v="\u2067منظمة\u2069 Inc.") == (
        f"{LTR}\u2067منظمة\u2069 Inc.{END}"
    )


def test_on_a_page_left_to_right_only_text_running_right_to_left_is_set_so() -> None:
    # An ASCII line reads as written on such a page: the page's bytes stay as they were,
    # and so do those of a line in Japanese.
    assert filled("{{ v | isolated }}", v="Example Inc.") == "Example Inc."
    assert filled("{{ v | isolated }}", v="東京都千代田区1-2-3") == "東京都千代田区1-2-3"
    assert filled("{{ v | isolated }}", v="منظمة.") == f"{RTL}منظمة.{END}"
    # A value marked safe stays so, and is not escaped twice.
    assert filled("{{ v | isolated }}", v=Markup("A &amp; Ü")) == "A &amp; Ü"
    assert filled("{{ v | isolated }}", v=Markup("<b>منظمة</b>")) == f"{RTL}<b>منظمة</b>{END}"


def test_a_closing_mark_that_closes_nothing_is_left_out() -> None:
    assert filled("{{ v | isolated }}", "rtl", v="1-2-3\u2069 Nagatacho") == (
        f"{LTR}1-2-3 Nagatacho{END}"
    )


def test_it_needs_lines() -> None:
    with pytest.raises(FilterMisused) as caught:
        filled("{{ v | as_lines }}", v="Ada Minister")
    assert str(caught.value) == (
        "the filter 'as_lines' needs lines of text, but was given text ('Ada Minister')"
    )
    assert caught.value.hint == "for example {{ item.recipient.lines | as_lines }}"
    with pytest.raises(FilterMisused) as caught:
        filled("{{ v | isolated }}", v=["Ada Minister"])
    assert str(caught.value) == "the filter 'isolated' needs text, but was given a list of 1"


@settings(max_examples=200)
@given(
    st.lists(st.text(alphabet=" \t\n\r\fab\u00a0<&", max_size=8), max_size=6),
    st.sampled_from(["ltr", "rtl"]),
)
def test_each_line_prints_once_on_a_line_of_its_own(lines: list[str], direction: str) -> None:
    # Set white-space: pre, the text must hold exactly the lines a block a line prints:
    # no break but between lines, no collapsible white space doubled or at an end; each
    # isolated where the page could set it otherwise than written.
    printed = filled("{{ v | as_lines }}", direction, v=lines)
    wanted = [" ".join(re.split(r"[ \t\n\r\f]+", line.strip(" \t\n\r\f"))) for line in lines]
    wanted = [line.replace("&", "&amp;").replace("<", "&lt;") for line in wanted if line]
    wanted = [f"{LTR}{line}{END}" if direction == "rtl" else line for line in wanted]
    assert printed.split("\n") == (wanted or [""])
