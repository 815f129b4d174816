"""An overlay batch read by its shapes, attacked: a tag that reaches outside its sheet."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import tinyhtml5

from campaign.checks.letters import load_letters
from campaign.compose.composer import Composer
from campaign.compose.sheettree import sheet_tree
from campaign.load.workspace import Workspace
from campaign.pdf.render import render_pdf

from conftest import pdf_pages, pictures, run, tree_shown

HEAD = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>T</title></head>\n<body>'
)
SHEET = '<div data-sheet="0"><div data-sheet><p class="vary">Dear {name},{inner}</p></div></div>'


@pytest.mark.parametrize(
    "inner",
    [
        '<body class="x"/>',  # a second <body> gives the document's body its attributes
        '<body style="color: red"></body>',
        '<html data-x="y"/>',  # a second <html> gives the root its attributes
        '<span><html dir="rtl"></html></span>',
    ],
)
def test_a_tag_giving_the_body_or_root_attributes_is_read_as_the_parser_reads_it(
    inner: str,
) -> None:
    html = HEAD + "".join(SHEET.format(name=f"N{n}", inner=inner) for n in range(6))
    html += "</body>\n</html>\n"
    whole = tinyhtml5.parse(io.StringIO(html), namespace_html_elements=False)
    tree = sheet_tree(html)
    assert tree is None or tree_shown(tree) == tree_shown(whole)


def test_a_salutation_that_styles_the_body_prints_as_the_letter_laid_out_whole(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(minimal)
    own = minimal / "templates" / "joint-letter"
    own.mkdir(parents=True)
    (own / "letter.html.j2").write_text(
        '{% extends "builtin/joint-letter/letter.html.j2" %}\n'
        '{% block salutation %}<!--vary--><p class="salutation vary">'
        '<body style="color: #c00"/>{{ recipient.salutation }}</p><!--/vary-->{% endblock %}\n'
    )
    names = [f"Addressee Number{n}" for n in range(6)]
    (minimal / "letters" / "test" / "recipients.yaml").write_text(
        "to:\n"
        + "".join(f"  - name: {n}\n    address: [Room {i}, Berlin]\n" for i, n in enumerate(names))
    )
    result = run("build", "--verbose", "--jobs", "1", workspace=minimal)
    assert result.exit_code == 0, result.output
    assert "  6 letters to addressees share their pages" in result.stdout
    bundle = load_letters(Workspace(minimal))[0][0]
    composer = Composer(bundle)
    for number, piece in enumerate(composer.pieces):
        whole = minimal / f"whole-{number}.pdf"
        whole.write_bytes(render_pdf(composer.piece_html(number), bundle.letter.folder, minimal))
        built = minimal / "build" / "test" / piece.file
        assert pdf_pages(built) == pdf_pages(whole)
        assert pictures(built, last=1) == pictures(whole, last=1), piece.file
