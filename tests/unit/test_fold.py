"""Names folded for comparing: the quick way for ASCII is the general way's answer."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from campaign.text.names import _fold_any, fold

ASCII = st.characters(max_codepoint=127)


@given(st.text(ASCII, max_size=40))
def test_an_ascii_name_folds_as_any_name_does(text: str) -> None:
    assert fold(text) == _fold_any(text)


def test_every_ascii_character_alone_and_between_letters() -> None:
    for code in range(128):
        for text in (chr(code), f"Ab{chr(code)}cD", f" {chr(code)}{chr(code)} x "):
            assert fold(text) == _fold_any(text), repr(text)


def test_what_folding_does_to_a_name() -> None:
    assert fold("  O'Brien_Smith-Jones,\tLtd. ") == "o brien smith jones ltd"
    assert fold("Émile\u200bAbel") == "emileabel"
    assert fold("ÉMILE ABEL") == fold("emile abel") == "emile abel"
