"""``check`` measures page 1's addressee parts alone, as the build lays them out: breaks."""

from __future__ import annotations

from pathlib import Path

from conftest import run

# Ten lines (name, title and eight address lines): one more than the din5008-b window
# holds, as many as the DL envelope does.
TEN = "[Floor 3, Room 12, Wing B, Block C, Annex D, Wilhelmstraße 1, 10117 Berlin, Germany]"

# A salutation that wraps: the build lays its letter out whole.
WRAPS = (
    "Dear Minister, Member of the Committee on Tests, Chair of the Subcommittee on Testing "
    "and Rapporteur of the Working Group on Tests of the Tests,"
)

# The window of a workspace's own template: the box marked data-fit holds the addressee's
# part, rather than being it.
AROUND = """{% extends "builtin/joint-letter/letter.html.j2" %}
{% block window %}
<div class="window" data-fit-frame>
  <div class="return-line" data-fit="return-line">{{ sender.name }}</div>
  <div class="recipient" data-fit="address"><!--vary--><div class="address vary" data-fit-lines>
{{- window.lines | as_lines }}</div><!--/vary--></div>
</div>
{% endblock %}
"""


def _people(count: int, long: set[int], wraps: frozenset[int] = frozenset()) -> str:
    text = "to:\n"
    for n in range(count):
        address = TEN if n in long else f"[Ministry {n}, Wilhelmstraße 1, 10117 Berlin]"
        salutation = WRAPS if n in wraps else "Dear Minister,"
        text += f"  - name: Person {n}\n    title: Minister {n}\n"
        text += f"    salutation: {salutation}\n    address: {address}\n"
    return text


def _said(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if not line.startswith("  hint:")]


def test_a_part_inside_its_fit_box_is_measured_when_laid_out_alone(minimal: Path) -> None:
    # The overlay places the part absolutely: the box around it kept no text of its own,
    # and check said nothing while the build stamped the address past the window.
    own = minimal / "templates" / "joint-letter"
    own.mkdir(parents=True)
    (own / "letter.html.j2").write_text(AROUND)
    (minimal / "letters" / "test" / "recipients.yaml").write_text(_people(3, {2}))
    expected = [
        "ws/letters/test/recipients.yaml:10: the address of 'Person 2' needs 10 lines in "
        "the din5008-b window, which holds 9",
        "Error: 1 problem in 1 file; nothing was written",
    ]
    checked = run("check", workspace=minimal)
    assert (checked.exit_code, _said(checked.stderr)) == (1, expected)
    built = run("build", "--jobs", "1", workspace=minimal)
    assert (built.exit_code, _said(built.stderr)[1:]) == (1, expected)
    assert not (minimal / "build" / "test").exists()


# A box marked data-fit around the part, with a line of the template's own above it: the
# build measures the parts alone (the template's line not among them) otherwise than a
# page 1 whole.
WITH_LINE = AROUND.replace(
    '<div class="recipient" data-fit="address">',
    '<div class="recipient" data-fit="address"><div class="attn">Personal</div>',
)


def test_a_letter_laid_out_whole_is_not_said_again_when_its_parts_do_not_fit(
    minimal: Path,
) -> None:
    # Person 3's salutation wraps (the build would lay that letter out whole), but its
    # parts alone do not fit: the build stops there, and says it once. Check said it
    # twice, as laid out alone and as laid out whole.
    own = minimal / "templates" / "joint-letter"
    own.mkdir(parents=True)
    (own / "letter.html.j2").write_text(WITH_LINE)
    recipients = minimal / "letters" / "test" / "recipients.yaml"
    # Enough letters that check lays out their shared pages, as the build does.
    recipients.write_text(_people(24, {2, 3}, frozenset({3})))
    expected = [
        f"ws/letters/test/recipients.yaml:{line}: the address of 'Person {n}' needs 10 lines "
        "in the din5008-b window, which holds 8"
        for line, n in ((10, 2), (14, 3))
    ] + ["Error: 2 problems in 1 file; nothing was written"]
    built = run("build", "--jobs", "1", workspace=minimal)
    assert (built.exit_code, _said(built.stderr)[1:]) == (1, expected)
    checked = run("check", workspace=minimal)
    assert (checked.exit_code, _said(checked.stderr)) == (1, expected)
