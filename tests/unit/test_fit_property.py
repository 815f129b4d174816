"""For every envelope preset, any address either fits its window or is refused by name.

Addresses of 1-12 lines of 10-90 characters (Latin, accented, Japanese, Korean) are laid
out as the build lays out page 1's address (the overlay layer), then read back with
``pdftotext -bbox``: every word inside the window, or a refusal naming the addressee at
their line of recipients.yaml. ``make fuzz`` runs ten times as many examples.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from campaign.build.fit import misfit_problems
from campaign.checks.letters import load_letters
from campaign.compose.composer import Composer
from campaign.load.workspace import Workspace
from campaign.paper.envelopes import WINDOWS
from campaign.pdf.render import DoesNotFit, render_pdf

from conftest import FIXTURES, copy_tree, pdf_words

SCALE = 10 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 1
SLACK_MM = 0.5  # poppler's word boxes are the font's, a little taller than the line

LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-,."
ACCENTED = "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßœŒĀāČčĐđĞğŁłŃńŐőŘřŚśŠšŢţŪūŽž"
CJK = "東京都千代田区霞が関丁目番号外務省大臣官房서울특별시종로구세종대로청와대"
LINE = st.text(
    alphabet=st.sampled_from(LATIN + ACCENTED + CJK + "    "), min_size=10, max_size=90
).map(lambda s: " ".join(s.split()) or "x" * 10)

GREETING = "Greetings,"  # the salutation, shown on the overlay page below the window
RECIPIENT_LINE = 2  # the addressee's line in the recipients.yaml written below


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_tree(FIXTURES / "minimal", tmp_path_factory.mktemp("fit") / "ws")


# Without shrinking: a failing example is printed as found (a shrink lays out hundreds).
@settings(max_examples=6 * SCALE, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(
    envelope=st.sampled_from(sorted(WINDOWS)),
    lines=st.lists(LINE, min_size=1, max_size=12),
)
def test_every_address_fits_its_window_or_is_refused_by_name(
    workspace: Path, envelope: str, lines: list[str]
) -> None:
    window = WINDOWS[envelope]
    letter = workspace / "letters" / "test"
    text = (FIXTURES / "minimal" / "letters" / "test" / "letter.yaml").read_text()
    (letter / "letter.yaml").write_text(f"{text}paper: {window.paper}\nenvelope: {envelope}\n")
    (letter / "recipients.yaml").write_text(
        "to:\n"
        "  - name: Ada Minister\n"
        f"    salutation: {GREETING}\n"
        f"    address: {json.dumps(lines, ensure_ascii=False)}\n"
    )
    bundles, problems = load_letters(Workspace.locate(workspace), None)
    assert not [p for p in problems if not p.warning], problems
    composer = Composer(bundles[0])
    html = composer.letter_html(composer.to[0], layer="overlay")
    try:
        pdf = render_pdf(html, letter, workspace)
    except DoesNotFit as exc:
        found = [(composer.pieces[0].file, m) for m in exc.misfits]  # the file it was for
        said = [p.format() for p in misfit_problems(composer, found)]
        assert said, exc.misfits
        for each in said:
            assert each.startswith(
                f"{letter / 'recipients.yaml'}:{RECIPIENT_LINE}: the address of 'Ada Minister' "
            ), each
            assert f"in the {envelope} window" in each, each
        return
    out = workspace / "page1.pdf"
    out.write_bytes(pdf)
    words = [w for w in pdf_words(out) if w.text != GREETING]
    assert words
    for word in words:
        assert window.left - SLACK_MM <= word.left, (word, window)
        assert word.right <= window.left + window.width + SLACK_MM, (word, window)
        assert window.top - SLACK_MM <= word.top, (word, window)
        assert word.bottom <= window.top + window.height + SLACK_MM, (word, window)
