"""The quick check of common addresses says what email_validator says, for every address."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.load.schema import email_problem

_LOCAL = st.one_of(
    st.text(st.sampled_from("aZ0._+-"), min_size=0, max_size=70),  # mostly valid, dots anywhere
    st.text(st.sampled_from("aZ09_.!#$%&'*+-/=?^`{|}~ \"@é"), min_size=0, max_size=70),
)
_LABEL = st.text(st.sampled_from("abz09-_é日ß"), min_size=0, max_size=70)
_DOMAIN = st.one_of(
    st.lists(_LABEL, min_size=1, max_size=5).map(".".join),
    st.sampled_from(
        ["example.org", "localhost", "a.invalid", "xn--bcher-kva.example", "[1.2.3.4]"]
    ),
    st.integers(180, 260).map(lambda n: "x" * 60 + "." + "y" * 60 + "." + "z" * (n - 122) + ".org"),
)


def _valid(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


@settings(max_examples=400)
@given(local=_LOCAL, domain=_DOMAIN)
def test_the_quick_check_agrees_with_email_validator(local: str, domain: str) -> None:
    value = f"{local}@{domain}"
    assert (email_problem.__wrapped__(value) == "") == _valid(value)


def test_a_long_address_on_a_good_domain_is_refused_as_email_validator_refuses_it() -> None:
    value = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 60 + ".org"
    assert not _valid(value)
    assert email_problem.__wrapped__(value).startswith("The email address is too long")
