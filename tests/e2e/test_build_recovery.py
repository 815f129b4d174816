"""File names that never collide, and builds that recover from being stopped anywhere."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from test_durability import KILL_POINTS, Scenario, files, kill_everywhere

from campaign.files.atomic import TMP_SUFFIX
from campaign.text.names import file_slugs, slugify

from conftest import copy_tree, pdf_text, run

SMITHS = """\
to:
  - name: A. Smith
    salutation: Dear A. Smith (dotted),
    address:
      - Street 1
      - 10117 Berlin
  - name: A Smith
    salutation: Dear A Smith (plain),
    address:
      - Street 2
      - 10117 Berlin
  - name: A Smith 2
    salutation: Dear A Smith 2 (numbered),
    address:
      - Street 3
      - 10117 Berlin
cc:
  - name: Bob Deputy
    address:
      - Street 4
      - 10117 Berlin
"""


@pytest.fixture
def smiths(minimal: Path) -> Path:
    """The minimal workspace, its letter to three people whose names slug alike."""
    (minimal / "letters" / "test" / "recipients.yaml").write_text(SMITHS)
    return minimal


def letters(root: Path) -> dict[str, str]:
    """Each built letter's file name, and the salutation it carries."""
    found = {}
    for path in sorted((root / "build" / "test").glob("[tc][oc]/*.pdf")):
        text = pdf_text(path)
        found[f"{path.parent.name}/{path.name}"] = next(
            (line.strip() for line in text.splitlines() if line.strip().startswith("Dear")), ""
        )
    return found


def test_names_that_slug_alike_get_a_file_each(smiths: Path) -> None:
    checked = run("check", workspace=smiths)
    assert checked.exit_code == 0, checked.output
    result = run("build", "--jobs", "1", workspace=smiths)
    assert result.exit_code == 0, result.output
    assert letters(smiths) == {
        "cc/bob-deputy.pdf": "Dear A. Smith (dotted),",  # a copy of the first letter
        "to/a-smith-2.pdf": "Dear A Smith 2 (numbered),",
        "to/a-smith-5712.pdf": "Dear A Smith (plain),",
        "to/a-smith.pdf": "Dear A. Smith (dotted),",
    }
    assert [p.name for p in (smiths / "build" / "test").iterdir() if p.name.startswith(".")] == []


def person(name: str, salutation: str) -> str:
    """One addressee in recipients.yaml."""
    return f"  - name: {name}\n    salutation: {salutation}\n    address:\n      - Street 1\n"


def test_file_names_stay_when_recipients_are_added_or_removed(smiths: Path) -> None:
    recipients = smiths / "letters" / "test" / "recipients.yaml"
    dotted, plain = person("A. Smith", "Dear Dotted,"), person("A Smith", "Dear Plain,")
    dashed, numbered = person("A-Smith", "Dear Dashed,"), person("A Smith 2", "Dear Numbered,")
    names = []
    for people in (
        [dotted, plain, dashed],
        [dotted, dashed],  # one taken out: the others keep their names
        [dotted, dashed, numbered, plain],  # added at the end: likewise
    ):
        recipients.write_text("to:\n" + "".join(people))
        result = run("build", "--jobs", "1", workspace=smiths)
        assert result.exit_code == 0, result.output
        names.append(letters(smiths))
    assert names == [
        {
            "to/a-smith.pdf": "Dear Dotted,",
            "to/a-smith-5712.pdf": "Dear Plain,",
            "to/a-smith-739d.pdf": "Dear Dashed,",
        },
        {"to/a-smith.pdf": "Dear Dotted,", "to/a-smith-739d.pdf": "Dear Dashed,"},
        {
            "to/a-smith.pdf": "Dear Dotted,",
            "to/a-smith-739d.pdf": "Dear Dashed,",
            "to/a-smith-2.pdf": "Dear Numbered,",
            "to/a-smith-5712.pdf": "Dear Plain,",
        },
    ]


# -- a build stopped anywhere --------------------------------------------------------------

# The calls that change files on disk: a build stopped by an error at any one of them
# (a full disk, a file another program holds, a bug) must leave a workspace that the
# next build brings to exactly what an uninterrupted build makes.
HOOKED = ("fsync", "replace", "rename", "unlink", "rmdir", "mkdir", "open")


class Stopped(Exception):
    """The error injected at one call."""


@pytest.fixture
def stop_at(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], list[int]]]:
    """``stop_at(n)`` makes the n-th hooked call raise (0: none); returns the call count."""
    count = [0]
    at = [0]
    for name in HOOKED:
        real = getattr(os, name)

        def call(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            count[0] += 1
            if count[0] == at[0]:
                raise Stopped(f"stopped at call {at[0]}")
            return _real(*args, **kwargs)

        monkeypatch.setattr(os, name, call)

    def arm(n: int) -> list[int]:
        count[0], at[0] = 0, n
        return count

    yield arm
    monkeypatch.undo()


def state(root: Path) -> dict[str, str]:
    """Every file of build/, PDFs by what they read, the rest by their bytes."""
    out = root / "build"
    return {
        rel: pdf_text(out / rel) if rel.endswith(".pdf") else data.decode("utf-8", "replace")
        for rel, data in files(out).items()
        if rel != ".lock"
    }


def change(root: Path) -> None:
    """Edits that a rebuild makes many files for, and removes one."""
    body = root / "letters" / "test" / "body.md"
    body.write_text(body.read_text() + "\nA sentence added since the last build.\n")
    recipients = root / "letters" / "test" / "recipients.yaml"
    recipients.write_text(recipients.read_text().replace("A Smith 2", "A Smith Two"))


STOP_POINTS = int(os.environ.get("CAMPAIGN_STOP_POINTS", "8"))  # `make fuzz`: more


def test_a_build_stopped_by_an_error_anywhere_recovers_on_the_next(
    smiths: Path, tmp_path: Path, stop_at: Callable[[int], list[int]]
) -> None:
    assert run("build", "--jobs", "1", workspace=smiths).exit_code == 0
    base = copy_tree(smiths, tmp_path / "base")
    change(smiths)
    calls = stop_at(0)
    assert run("build", "--jobs", "1", workspace=smiths).exit_code == 0
    total, reference = calls[0], state(smiths)
    # One call in each slice of the rebuild's calls, the last one always.
    points = sorted({1 + (n * total) // STOP_POINTS for n in range(STOP_POINTS)} | {total})
    for at in points:
        ws = copy_tree(base, tmp_path / f"stopped{at}")
        change(ws)
        stop_at(at)
        with contextlib.suppress(Stopped):  # or any other ending: the next build recovers
            run("build", "--jobs", "1", workspace=ws)
        stop_at(0)
        result = run("build", "--jobs", "1", workspace=ws)
        assert result.exit_code == 0, f"stopped at call {at}: {result.output}"
        assert state(ws) == reference, f"stopped at call {at}"
        shutil.rmtree(ws)


def test_a_build_killed_anywhere_recovers_on_the_next(tmp_path: Path, smiths: Path) -> None:
    assert run("build", workspace=smiths).exit_code == 0

    def prepare(root: Path) -> None:
        copy_tree(smiths, root)
        change(root)

    scenario = Scenario("smiths", ("build",), prepare, points=KILL_POINTS)
    assert kill_everywhere(tmp_path, scenario).tried == KILL_POINTS


# -- the file name rule, for any names -----------------------------------------------------

NAMES = st.one_of(
    st.sampled_from(["A. Smith", "A Smith", "A-Smith", "a smith", "A Smith 2", "Å Smith"]),
    st.text(alphabet="Aa .-2Å", min_size=1, max_size=8),
)
PEOPLE = st.lists(st.tuples(NAMES, st.sampled_from(["", "Minister"])), max_size=8)


@given(PEOPLE, st.tuples(NAMES, st.sampled_from(["", "Minister"])))
def test_file_names_are_distinct_and_an_added_recipient_renames_no_one(
    people: list[tuple[str, str]], added: tuple[str, str]
) -> None:
    names = file_slugs(people)
    assert len(set(names)) == len(names)
    assert file_slugs([*people, added])[: len(people)] == names


@given(PEOPLE, st.data())
def test_a_removed_recipient_renames_no_one_but_the_next_of_the_same_name(
    people: list[tuple[str, str]], data: st.DataObject
) -> None:
    assume(people and len(set(people)) == len(people))  # no one listed twice
    gone = data.draw(st.integers(0, len(people) - 1))
    names = file_slugs(people)
    rest = people[:gone] + people[gone + 1 :]
    after = dict(zip(rest, file_slugs(rest), strict=True))
    # Only the recipient who took over the removed one's bare name, or one of the very
    # same name (told apart by their other fields, then in order), has a new one.
    renamed = [
        person
        for person, name in zip(people, names, strict=True)
        if person in after and after[person] != name
    ]
    assert all(slugify(p[0]) == names[gone] or p[0] == people[gone][0] for p in renamed), renamed


def test_a_staging_folder_left_by_a_build_is_cleared_by_the_next(
    smiths: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build's last step, removing its staging folder, can fail (it ignores errors).

    The next build must then run and clear it, not replay the last one and leave it.
    """
    assert run("build", "--jobs", "1", workspace=smiths).exit_code == 0
    clean = copy_tree(smiths, tmp_path / "clean")
    for ws in (smiths, clean):
        change(ws)
    assert run("build", "--jobs", "1", workspace=clean).exit_code == 0
    with monkeypatch.context() as held:
        real = shutil.rmtree

        def kept_staging(path: Any, *args: Any, **kwargs: Any) -> None:
            if not str(path).endswith(".staging"):
                real(path, *args, **kwargs)

        held.setattr(shutil, "rmtree", kept_staging)
        assert run("build", "--jobs", "1", workspace=smiths).exit_code == 0
    assert any(name.startswith(".test.staging/") for name in state(smiths))
    assert run("build", "--jobs", "1", workspace=smiths).exit_code == 0
    assert state(smiths) == state(clean)


def test_a_killed_writers_leftovers_beside_any_file_a_build_writes_go_with_the_next(
    smiths: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The build record in .campaign/ was written without clearing what a build killed
    # while writing it had left: the temporary file stayed for good.
    assert run("build", "--jobs", "1", workspace=smiths).exit_code == 0
    base = copy_tree(smiths, tmp_path / "base")
    change(base)
    through = copy_tree(base, tmp_path / "through")
    whole: list[str] = []  # the files the rebuild writes whole: a temporary renamed on
    real_replace = os.replace

    def replace(src: Any, dst: Any, **kwargs: Any) -> None:
        if str(src).endswith(TMP_SUFFIX):
            whole.append(Path(dst).relative_to(through).as_posix())
        real_replace(src, dst, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    assert run("build", "--jobs", "1", workspace=through).exit_code == 0
    monkeypatch.undo()
    assert sorted(whole) == [
        ".campaign/unchanged.json",
        "build/test/.moving.json",
        "build/test/manifest.json",
    ]
    # Each one's writer killed before its rename, in an earlier build from the same start.
    ws = copy_tree(base, tmp_path / "ws")
    for rel in whole:
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).with_name(f".{Path(rel).name}.k1ll3d_x.tmp").write_text("half")
    assert run("build", "--jobs", "1", workspace=ws).exit_code == 0
    assert [rel for rel in files(ws) if rel.endswith(TMP_SUFFIX)] == []
    assert state(ws) == state(through)
