"""Text a template puts after the address in its window moves with the address.

The address stands in a box placed out of the flow (the window): it moves nothing in the
letter's text, so shared pages stamp it on. But what follows it in the window stands
below it, and the master draws that where its own addressee's address ended, over a
longer one. Such a letter must be laid out whole, as it reads laid out whole.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.checks.letters import load_letters
from campaign.compose.composer import Composer
from campaign.load.workspace import Workspace
from campaign.pdf.render import render_pdf

from conftest import pdf_pages, pictures, run

WINDOW = """\
{% extends "builtin/joint-letter/letter.html.j2" %}
{% block window %}
<div class="window" data-fit-frame>
  BEFORE<!--vary--><div class="address vary" data-fit="address" data-fit-lines>\
{{ window.lines | as_lines }}</div><!--/vary-->AFTER
</div>
{% endblock %}
"""
# What stands around the address in the window: before it, after it.
AROUND = {
    "text": ("", '<div class="ref">Our ref: ZZ-REF-123</div>'),
    "a rule": ("", '<div style="border-top: 1px solid black; height: 0"></div>'),
    "a frame as tall as the address": ('<div style="border: 1px solid black">', "</div>"),
}


@pytest.mark.parametrize("around", sorted(AROUND))
def test_what_follows_the_address_in_its_window_stands_below_each_letters_own(
    minimal: Path, around: str
) -> None:
    own = minimal / "templates" / "joint-letter"
    own.mkdir(parents=True)
    before, after = AROUND[around]
    (own / "letter.html.j2").write_text(WINDOW.replace("BEFORE", before).replace("AFTER", after))
    recipients = minimal / "letters" / "test" / "recipients.yaml"
    people = "".join(
        f"  - name: Person {n}\n    salutation: Dear Person,\n"
        f"    address: [{', '.join(['Street', *(f'Floor {k}' for k in range(n))])}, 10117 Berlin]\n"
        for n in range(5)
    )
    recipients.write_text(recipients.read_text().replace("cc:\n", people + "cc:\n"))
    result = run("build", "--jobs", "1", "--verbose", workspace=minimal)
    assert result.exit_code == 0, result.stderr
    # Said with why, and not counted among those that share their pages.
    assert "letters to addressees share their pages" not in result.stdout
    assert (
        "  6 letters to addressees laid out whole: something stands after the address in its "
        "window, where a longer address would run into it\n"
    ) in result.stdout
    bundles, _ = load_letters(Workspace.locate(minimal), None)
    composer, folder = Composer(bundles[0]), bundles[0].letter.folder
    built = sorted((minimal / "build" / "test" / "to").glob("person-*.pdf"))
    assert len(built) == 5
    for n, pdf in enumerate(built):
        whole = minimal / f"whole-{n}.pdf"
        whole.write_bytes(render_pdf(composer.letter_html(composer.to[n + 1]), folder, minimal))
        assert pdf_pages(pdf)[0] == pdf_pages(whole)[0], pdf.name
        assert pictures(pdf, last=1) == pictures(whole, last=1), pdf.name
    if around == "text":  # as a reader sees it: below the address, not over it
        assert "Floor 3\n10117 Berlin\nOur ref: ZZ-REF-123" in pdf_pages(built[4])[0]
