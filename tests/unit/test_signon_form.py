"""The sign-on form's text rules hold for every text a visitor can send."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from campaign.load.schema import BIDI_CONTROL, LINE_BREAK, close_bidi, control_character
from campaign.signon.form import field_text


@given(st.text(max_size=60))
def test_a_field_is_refused_or_comes_out_printable_and_closed(value: str) -> None:
    text, error = field_text(value)
    if control_character(value):
        assert (text, error) == ("", "signon_error_control")
        return
    assert error == ""
    assert not LINE_BREAK.search(text)  # one line
    assert close_bidi(text) == text  # every direction control it opens, it closes
    assert text == text.strip() or BIDI_CONTROL.search(text[-1:])


@given(st.text(alphabet="\u200b\u200c\u200d\u2060\ufeff\u00ad \t\u202a\u202c\u2066\u2069"))
def test_a_field_of_nothing_visible_is_empty(value: str) -> None:
    assert field_text(value) == ("", "")
