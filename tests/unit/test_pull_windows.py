"""A pull's new text, checked in windows around its edits, is what a whole check accepts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.errors import ProblemsFound
from campaign.lists.listfile import ListFile
from campaign.load.records import load_signature_list
from campaign.signon import pull
from campaign.signon.store import Submission

from conftest import list_file_read_whole, same_places

_FORMS = (
    "  - name: Person {n}\n    type: individual\n    group: {g}\n    email: p{n}@example.org\n",
    "  - {{name: Person {n}, type: organization, group: {g}, email: p{n}@example.org}}\n",
    "  # signed on paper\n  - name: Person {n}\n    type: individual\n    group: {g}\n"
    "    email: p{n}@example.org\n    notes: |\n      met at\n      the forum\n\n",
)
_MOMENT = dt.datetime(2026, 1, 5, 12, 0)


class _Group:
    def __init__(self, key: str) -> None:
        self.key = key


class _Letter:
    language = "en"
    groups = (_Group("a"), _Group("b"))


class _Store:
    def __init__(self, waiting: list[Submission]) -> None:
        self.waiting = waiting

    def to_pull(self, letters: list[str]) -> list[Submission]:
        return self.waiting

    def mark_pulled(self, added: list[int], withdrawals: list[int]) -> None:
        pass


def _submission(n: int, kind: str, who: int, group: str) -> Submission:
    if kind == "withdraw":  # someone on the list, withdrawing on the page
        email, name, withdrawn = f"p{who}@example.org", f"Person {who}", _MOMENT
    else:
        email = "not an address" if kind == "broken" else f"web{n}@example.org"
        name, withdrawn = (f"Person {who}" if kind == "same" else f"Web {n}"), None
    return Submission(
        n, "big", email, email, name, "individual", "", "JP", group, False, "",
        _MOMENT, _MOMENT, withdrawn, None, None,
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    forms=st.lists(st.integers(0, len(_FORMS) - 1), min_size=1, max_size=8),
    groups=st.lists(st.sampled_from("ab"), min_size=8, max_size=8),
    pulled=st.lists(
        st.tuples(
            st.sampled_from(["new", "new", "same", "withdraw", "broken"]),
            st.integers(0, 7),
            st.sampled_from("ab"),
        ),
        min_size=1,
        max_size=10,
    ),
)
def test_a_pull_writes_exactly_what_the_whole_check_accepts(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    forms: list[int],
    groups: list[str],
    pulled: list[tuple[str, int, str]],
) -> None:
    path = tmp_path_factory.mktemp("list") / "big.yaml"
    text = "signatories:\n" + "".join(
        _FORMS[f].format(n=n, g=groups[n]) for n, f in enumerate(forms)
    )
    path.write_text(text)
    waiting = [
        _submission(n, kind, who % len(forms), group) for n, (kind, who, group) in enumerate(pulled)
    ]
    verdicts: list[Any] = []
    kept: list[Any] = []
    save = ListFile.save

    def judged(listfile: ListFile, last: bool = True) -> None:
        problems: list[Any] = []
        load_signature_list(path, problems, text=listfile.render(), allow_empty=True)
        verdicts.append(([p for p in problems if not p.warning], listfile.render()))
        save(listfile, last)

    monkeypatch.setattr(ListFile, "save", judged)
    monkeypatch.setattr(
        "campaign.lists.remembered.keep", lambda path, raw, reading: kept.append(reading)
    )
    try:
        pull.pull(_Store(waiting), path, {"big": _Letter()}, True, False)  # type: ignore[dict-item]
    except ProblemsFound as raised:
        ((errors, _),) = verdicts
        assert raised.problems == errors  # the same problems, at the same lines
        assert path.read_text() == text  # nothing written
        return
    if not verdicts:  # nothing to change
        assert path.read_text() == text
        return
    ((errors, expected),) = verdicts
    assert errors == []
    assert path.read_text() == expected
    monkeypatch.undo()
    fresh = list_file_read_whole(path)  # not in signatories/: nothing kept
    (reading,) = kept
    assert reading.entries == fresh.entries
    assert reading.warnings == fresh.warnings
    assert same_places(reading.spans, fresh._spans)
