"""A letter like no other is laid out whole (9358b53): what the build says of it must be true.

``compose.composer.sharing`` now drops a group of one letter to addressees and says
why with ``ALONE``, unless the letters already had a reason of their own to be laid
out whole. That reason was said of the letters outside every group; the letter
dropped from its group of one is now said to be laid out whole for it too.
"""

from __future__ import annotations

import re
from pathlib import Path

from campaign.checks.letters import load_letters
from campaign.compose.composer import DEPENDS, Composer, sharing
from campaign.load.catalog import BUILTIN_TEMPLATES
from campaign.load.workspace import Workspace
from campaign.pdf.render import render_pdf

from conftest import pdf_pages, run

# The addressee's rank above the salutation, as its own marked part: an addressee
# without one has an empty part (not one element of class 'vary'), one with a rank
# has a well-marked part.
RANK = (
    '<!--vary-->{% if recipient.title %}<p class="rank vary">{{ recipient.title }}</p>'
    "{% endif %}<!--/vary-->"
)


def ranked() -> str:
    """The shipped joint letter with the rank marked before the salutation."""
    shipped = (BUILTIN_TEMPLATES / "joint-letter" / "letter.html.j2").read_text()
    assert shipped.count("{% block salutation %}") == 1
    return shipped.replace("{% block salutation %}", "{% block salutation %}" + RANK)


RECIPIENTS = """\
to:
  - name: Ada Minister
    title: Minister of Tests
    salutation: Dear Minister,
    address: [Ministry of Tests, Wilhelmstraße 1, 10117 Berlin]
  - name: Bo Member
    salutation: Dear Member,
    address: [Room 301, Tokyo 100-8982]
cc:
  - name: Bob Deputy
    title: Deputy Minister
    address: [Office of the Deputy, Unter den Linden 2, 10117 Berlin]
"""

MALFORMED = (
    "an addressee's <!--vary--> parts are not each one element of class 'vary' (without "
    "headings, links, form controls or table cells marked hidden)"
)


def test_build_v_does_not_blame_a_well_marked_letter_for_anothers_malformed_parts(
    minimal: Path,
) -> None:
    # Ada's marked parts are each one element; Bo's rank is empty. Only Bo's letter
    # is laid out whole for its parts; Ada's is laid out whole because it is alone.
    own = minimal / "templates" / "joint-letter"
    own.mkdir(parents=True)
    (own / "letter.html.j2").write_text(ranked())
    (minimal / "letters" / "test" / "recipients.yaml").write_text(RECIPIENTS)
    result = run("build", "--verbose", "--jobs", "1", workspace=minimal)
    assert result.exit_code == 0, result.output
    # Both letters read as laid out whole.
    bundle = load_letters(Workspace(minimal))[0][0]
    composer = Composer(bundle)
    folder = minimal / "build" / "test"
    for number, piece in enumerate(composer.pieces):
        alone = minimal / f"whole-{number}.pdf"
        alone.write_bytes(render_pdf(composer.piece_html(number), bundle.letter.folder, minimal))
        assert pdf_pages(folder / piece.file) == pdf_pages(alone), piece.file
    assert "Minister of Tests" in pdf_pages(folder / "to" / "ada-minister.pdf")[0]
    # What -v says of the malformed parts is said of one letter, Bo's, not of Ada's.
    blamed = re.findall(
        r"^  (\d+) (?:other )?letters? to addressees laid out (?:one by one|whole): "
        + re.escape(MALFORMED)
        + "$",
        result.stdout,
        re.MULTILINE,
    )
    assert blamed == ["1"], result.stdout
    said = [line for line in result.stdout.splitlines() if "laid out" in line]
    assert said[:2] == [
        f"  1 letter to addressees laid out one by one: {MALFORMED}",
        "  1 letter to addressees laid out one by one: a letter like no other costs no less "
        "from shared pages than laid out whole",
    ], result.stdout


FOUR = """\
to:
  - name: Ada Minister
    title: Minister of Tests
    address: [Ministry of Tests, Wilhelmstraße 1, 10117 Berlin]
  - name: Bo Member
    address: [Room 301, Tokyo 100-8982]
  - name: Cy Member
    address: [Room 302, Tokyo 100-8982]
  - name: Dee Minister
    title: Minister of Checks
    address: [Ministry of Checks, Wilhelmstraße 2, 10117 Berlin]
"""


def test_letters_compared_one_by_one_are_each_said_for_their_own_reason(minimal: Path) -> None:
    # The body names the addressee, so every letter is compared with the others (and
    # none is alike another); Bo's and Cy's rank parts are empty, so those two cannot
    # be stamped at all. Each reason is said of its own letters only.
    own = minimal / "templates" / "joint-letter"
    own.mkdir(parents=True)
    (own / "letter.html.j2").write_text(ranked())
    (minimal / "letters" / "test" / "recipients.yaml").write_text(FOUR)
    body = minimal / "letters" / "test" / "body.md"
    body.write_text(body.read_text() + "\nWe write to you, {{ recipient.name }}.\n")
    composer = Composer(load_letters(Workspace(minimal))[0][0])
    shared = sharing(composer)
    assert shared.groups == ()
    assert shared.reasons == (
        (
            "a <!--vary--> part of the template is not one element of class 'vary' "
            "(without headings, links, form controls or table cells marked hidden)",
            2,
        ),
        (DEPENDS, 2),
    )
    result = run("build", "--verbose", "--jobs", "1", workspace=minimal)
    assert result.exit_code == 0, result.output
    said = [line for line in result.stdout.splitlines() if "laid out" in line]
    assert said == [
        "  2 letters to addressees laid out one by one: a <!--vary--> part of the template "
        "is not one element of class 'vary' (without headings, links, form controls or table "
        "cells marked hidden)",
        f"  2 letters to addressees laid out one by one: {DEPENDS}",
    ], result.stdout
