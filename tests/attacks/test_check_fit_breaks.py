"""``check`` measures page 1's addressee parts alone, as the build lays them out: breaks."""

from __future__ import annotations

from pathlib import Path

from conftest import run

# Ten lines (name, title and eight address lines): one more than the din5008-b window
# holds, as many as the DL envelope does.
TEN = "[Floor 3, Room 12, Wing B, Block C, Annex D, Wilhelmstraße 1, 10117 Berlin, Germany]"

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


def _people(count: int, long: int) -> str:
    text = "to:\n"
    for n in range(count):
        address = TEN if n == long else f"[Ministry {n}, Wilhelmstraße 1, 10117 Berlin]"
        text += f"  - name: Person {n}\n    title: Minister {n}\n"
        text += f"    salutation: Dear Minister,\n    address: {address}\n"
    return text


def _said(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if not line.startswith("  hint:")]


def test_a_part_inside_its_fit_box_is_measured_when_laid_out_alone(minimal: Path) -> None:
    # The overlay places the part absolutely: the box around it kept no text of its own,
    # and check said nothing while the build stamped the address past the window.
    own = minimal / "templates" / "joint-letter"
    own.mkdir(parents=True)
    (own / "letter.html.j2").write_text(AROUND)
    (minimal / "letters" / "test" / "recipients.yaml").write_text(_people(3, 2))
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
