"""Every box that must fit is checked as laid out: the window, the envelopes, the labels.

The cases of issue 16 §2, exactly as written, read back from the PDFs.
"""

from __future__ import annotations

from pathlib import Path

from campaign.envelopes import WINDOWS

from conftest import pdf_words, run, snapshot

MOTEGI_BEFORE = """    title: Foreign Minister
    address:
      - Ministry of Foreign Affairs
"""
MOTEGI_AFTER = """    title: Minister for Foreign Affairs and Special Envoy for Human Rights in Asia
    address:
      - Ministry of Foreign Affairs
      - International Cooperation Bureau
      - Human Rights and Humanitarian Affairs Division
"""
GENEVA_BEFORE = (
    "  name: Joint Letter Secretariat\n  address: [PO Box 0000, Tokyo 100-0000, Japan]\n"
)
GENEVA_AFTER = (
    "  name: Geneva NGO Coalition for Human Rights in the DPRK\n"
    "  address: [Secretariat, Rue de Varembé 3, 1202 Geneva, Switzerland]\n"
)
GENEVA_SHORT = "Geneva NGO Coalition for Human Rights in the DPRK · 1202 Geneva · Switzerland"
MOTEGI_REFUSED = (
    "ws/letters/japan-hrc-2020/recipients.yaml:14: the address of 'Toshimitsu Motegi' needs "
    "10 lines in the din5008-b window, which holds 9\n"
    "  hint: shorten the title, join address lines (street and district on one line), "
    "or leave out the organization\n"
)


def _init(tmp_path: Path) -> Path:
    result = run("init", str(tmp_path / "ws"))
    assert result.exit_code == 0, result.output
    return tmp_path / "ws"


def _edit(path: Path, before: str, after: str) -> None:
    text = path.read_text()
    assert before in text
    path.write_text(text.replace(before, after))


def test_a_long_title_that_wraps_past_the_window_stops_the_build_by_name(tmp_path: Path) -> None:
    ws = _init(tmp_path)
    _edit(ws / "letters" / "japan-hrc-2020" / "recipients.yaml", MOTEGI_BEFORE, MOTEGI_AFTER)
    before = snapshot(ws)
    result = run("build", "--jobs", "1", workspace=ws)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        MOTEGI_REFUSED + "Error: 1 problem in 1 file; nothing was written\n"
    ), result.stderr
    assert snapshot(ws) == before  # nothing written, not even a build folder


def _return_line(pdf: Path, envelope: str) -> tuple[str, float]:
    """The return line's words on page 1, and how far right the last one reaches (mm)."""
    window = WINDOWS[envelope]
    words = [
        w
        for w in pdf_words(pdf)
        if window.top - 0.5 <= w.top and w.bottom <= window.top + window.return_line + 0.5
    ]
    return " ".join(w.text for w in words), max(w.right for w in words)


def test_a_long_return_line_is_set_smaller_then_shortened_inside_the_window(
    tmp_path: Path,
) -> None:
    ws = _init(tmp_path)
    _edit(ws / "campaign.yaml", GENEVA_BEFORE, GENEVA_AFTER)
    result = run("build", "--jobs", "1", workspace=ws)
    assert result.exit_code == 0, result.output
    out = ws / "build" / "japan-hrc-2020"
    letters = [(p, "din5008-b") for p in sorted(out.glob("[tc][oc]/*.pdf"))]
    letters += [(p, "jp-chou3") for p in sorted(out.glob("ja/[tc][oc]/*.pdf"))]
    assert len(letters) == 6
    for pdf, envelope in letters:
        text, right = _return_line(pdf, envelope)
        window = WINDOWS[envelope]
        assert (
            text == "Geneva NGO Coalition for Human Rights in the DPRK · 1202 Geneva · Switzerland"
        )
        assert right <= window.left + window.width, (pdf, right)


def test_check_finds_the_same_without_building_a_letter(tmp_path: Path) -> None:
    ws = _init(tmp_path)
    _edit(ws / "letters" / "japan-hrc-2020" / "recipients.yaml", MOTEGI_BEFORE, MOTEGI_AFTER)
    result = run("check", workspace=ws)
    assert result.exit_code == 1
    assert result.stderr == MOTEGI_REFUSED + "Error: 1 problem in 1 file; nothing was written\n"
    assert not (ws / "build").exists()
