"""Every box that must fit is checked as laid out: the window, the envelopes, the labels.

The cases of issue 16 §2, exactly as written, read back from the PDFs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from campaign.errors import CampaignError
from campaign.paper.envelopes import WINDOWS
from campaign.pdf.proof import names_in_order, verify
from campaign.pdf.render import render_pdf

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
GENEVA_SENDER = (
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
    settings = ws / "campaign.yaml"
    # The example's sender, name and address, whichever way its list is written.
    text, found = re.subn(
        r"  name: Joint Letter Secretariat\n  address:.*?(?=  email:)",
        GENEVA_SENDER,
        settings.read_text(),
        flags=re.S,
    )
    assert found == 1
    settings.write_text(text)
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


def test_build_ends_with_its_proof_and_writes_proof_json(tmp_path: Path) -> None:
    ws = _init(tmp_path)
    result = run("build", "--jobs", "1", workspace=ws)
    assert result.exit_code == 0, result.output
    proof = "  proof: 3 letters, every address inside its window; 51 names in each list\n"
    assert result.stdout.count(proof) == 2  # the letter and its Japanese edition
    written = json.loads((ws / "build" / "japan-hrc-2020" / "proof.json").read_text())
    assert written["letters"] == 3 and written["names"] == 51
    # signatories.pdf, the letters sharing their pages (read once), each cc copy.
    assert sorted(written["lists_read"]) == [
        "cc/toshimitsu-motegi.pdf",
        "cc/yoshihide-suga.pdf",
        "signatories.pdf",
        "to/shinzo-abe.pdf",
    ]
    assert set(written["lists_read"].values()) == {51}


def _list_pdf(tmp_path: Path, names: list[str]) -> Path:
    items = "".join(f"<li>{name}, Somewhere</li>" for name in names)
    pdf = tmp_path / "list.pdf"
    pdf.write_bytes(render_pdf(f"<ul>{items}</ul>", tmp_path, tmp_path))
    return pdf


def test_a_name_out_of_order_or_missing_in_a_printed_list_stops_the_build(
    tmp_path: Path,
) -> None:
    computed = ["Alton, David", "Bae Jin-ho", "山田 花子", "Zhou Wei"]
    assert names_in_order(_list_pdf(tmp_path, computed), computed) == 4
    swapped = _list_pdf(tmp_path, [computed[1], computed[0], *computed[2:]])
    with pytest.raises(CampaignError) as caught:
        names_in_order(swapped, computed)
    assert caught.value.message == (
        "list.pdf: 'Bae Jin-ho' is out of order in the printed list of signatories; "
        "nothing was written\n"
        "  hint: a template that prints the list itself must print signatories.groups' "
        "members in order"
    )
    with pytest.raises(CampaignError) as caught:
        names_in_order(_list_pdf(tmp_path, computed[:3]), computed)
    assert caught.value.message.startswith("list.pdf: 'Zhou Wei' is missing in the printed")


def test_a_character_no_font_has_never_prints_as_an_empty_box(tmp_path: Path) -> None:
    with pytest.raises(CampaignError) as caught:
        render_pdf("<p>Private use: \ue000</p>", tmp_path, tmp_path)
    assert caught.value.message == (
        "no installed font has '\\ue000' (U+E000): it would print as an empty box; "
        "nothing was written\n"
        "  hint: install a font that has it (fonts-noto covers most scripts), "
        "or write the text without it"
    )


# The window block as workspaces copied it before the boxes were marked data-fit.
OLD_WINDOW = """{% extends "builtin/joint-letter/letter.html.j2" %}
{% block window %}
<div class="window">
{% if sender %}
  <div class="return-line">{{ sender.name }}{% for line in sender.address %} · {{ line }}
  {%- endfor %}</div>
{% endif %}
  <!--vary--><div class="address vary">
{% for line in window.lines %}
    <span>{{ line }}</span>
{% endfor %}
  </div><!--/vary-->
</div>
{% endblock %}
"""


def test_a_window_copied_before_it_was_marked_is_measured_all_the_same(minimal: Path) -> None:
    own = minimal / "templates" / "joint-letter"
    own.mkdir(parents=True)
    (own / "letter.html.j2").write_text(OLD_WINDOW)
    recipients = minimal / "letters" / "test" / "recipients.yaml"
    _edit(
        recipients,
        "address: [Ministry of Tests, Wilhelmstraße 1, 10117 Berlin]",
        "address: [Ministry of Tests, Floor 3, Room 12, Building B, Wilhelmstraße 1, "
        "Mitte, Berlin, 10117 Berlin, Germany]",
    )
    result = run("check", workspace=minimal)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "ws/letters/test/recipients.yaml:2: the address of 'Ada Minister' needs 11 lines in "
        "the din5008-b window, which holds 9\n"
    ), result.stderr


def test_lists_are_read_back_without_poppler_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed = ["Alton, David", "Bae Jin-ho", "山田 花子", "Zhou Wei"]
    pdf = _list_pdf(tmp_path, computed)
    monkeypatch.setattr("campaign.pdf.proof.shutil.which", lambda _name: None)  # pypdf reads it
    assert names_in_order(pdf, computed) == 4
    with pytest.raises(CampaignError):
        names_in_order(pdf, list(reversed(computed)))


def test_build_says_every_address_that_does_not_fit_in_one_pass(minimal: Path) -> None:
    recipients = minimal / "letters" / "test" / "recipients.yaml"
    for short in (
        "[Ministry of Tests, Wilhelmstraße 1, 10117 Berlin]",
        "[Office of the Deputy, Unter den Linden 2, 10117 Berlin]",
    ):
        longer = short.replace(", ", ", Floor 3, Room 12, Building B, Mitte, ", 1)
        _edit(recipients, short, longer.replace("]", ", Germany]"))
    result = run("build", "--jobs", "1", workspace=minimal)
    assert result.exit_code == 1
    said = [line for line in result.stderr.splitlines() if not line.startswith("  hint:")]
    assert said[1:] == [  # after the progress bar's label
        "ws/letters/test/recipients.yaml:2: the address of 'Ada Minister' needs 10 lines in "
        "the din5008-b window, which holds 9",
        "ws/letters/test/recipients.yaml:8: the address of 'Bob Deputy' needs 10 lines in "
        "the din5008-b window, which holds 9",
        "Error: 2 problems in 1 file; nothing was written",
    ]
    assert not (minimal / "build" / "test").exists()


LONG = (
    "[Floor 3, Room 12, Wing B, Block C, Annex D, Gate E, Wilhelmstraße 1, 10117 Berlin, Germany]"
)
WRAPS = (
    "Dear Minister, Member of the Committee on Tests, Chair of the Subcommittee on Testing "
    "and Rapporteur of the Working Group on Tests of the Tests,"
)


def _people(role: str, count: int, long: set[int], wraps: set[int] = frozenset()) -> str:
    text = f"{role}:\n"
    for n in range(count):
        text += f"  - name: {role.title()} Person {n}\n    title: Minister {n}\n"
        if role == "to":
            text += f"    salutation: {WRAPS if n in wraps else 'Dear Minister,'}\n"
        address = LONG if n in long else f"[Ministry {n}, Wilhelmstraße 1, 10117 Berlin]"
        text += f"    address: {address}\n"
    return text


def test_check_lays_out_the_parts_alone_as_the_build_does_and_finds_what_it_finds(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import weasyprint  # noqa: F401  (with it imported, check lays out in this process)

    from campaign.build import fit

    # Person 2's address is too long for the window and the envelope; so is person 4's,
    # whose salutation wraps (the build lays that letter out whole); so is copy 1's.
    recipients = minimal / "letters" / "test" / "recipients.yaml"
    recipients.write_text(_people("to", 24, {2, 4}, {4}) + _people("cc", 3, {1}))
    whole: list[str] = []  # the pieces whose page 1 check laid out whole
    sheets: list[int] = []  # the letters of each batch laid out as parts alone
    run_fit, run_sheets = fit.run_fit, fit.run_sheets

    def counted_fit(job: fit.FitJob) -> list[list[fit.Misfit]]:
        whole.extend(ref for html in job.documents for ref in re.findall(r"piece-\d+", html))
        return run_fit(job)

    def counted_sheets(job: fit.SheetsJob) -> tuple[list[tuple[int, fit.Misfit]], list[int]]:
        sheets.append(job.count)
        return run_sheets(job)

    monkeypatch.setattr(fit, "run_fit", counted_fit)
    monkeypatch.setattr(fit, "run_sheets", counted_sheets)
    checked = run("check", workspace=minimal)
    assert checked.exit_code == 1
    expected = [
        f"ws/letters/test/recipients.yaml:{line}: the address of '{name}' needs 11 lines "
        f"{where}, which holds {holds}"
        for line, name in ((10, "To Person 2"), (18, "To Person 4"), (102, "Cc Person 1"))
        for where, holds in (("in the din5008-b window", 9), ("on the DL envelope", 10))
    ]
    said = [line for line in checked.stderr.splitlines() if not line.startswith("  hint:")]
    assert said == [*expected, "Error: 6 problems in 1 file; nothing was written"]
    # The letters' parts alone, placed as on their shared pages, in one batch.
    assert sheets == [24]
    # Their page 1 whole: the copies, too few to pay for laying out their shared pages.
    # Not person 4's, whose salutation takes other room than on the shared pages: its
    # parts alone do not fit, which stops the build before it would lay it out whole.
    assert whole == ["piece-24", "piece-25", "piece-26"]
    built = run("build", "--jobs", "1", workspace=minimal)
    assert built.exit_code == 1
    said = [line for line in built.stderr.splitlines() if not line.startswith("  hint:")]
    assert said[1:] == [*expected, "Error: 6 problems in 1 file; nothing was written"]


def test_check_lays_out_no_shared_pages_for_a_few_letters(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import weasyprint  # noqa: F401  (with it imported, check lays out in this process)

    from campaign.build import fit

    # Three letters of a list printed in them: the shared pages would cost more than the
    # three page 1s (a 10,000-name letter's took 9 s against 0.1 s).
    recipients = minimal / "letters" / "test" / "recipients.yaml"
    recipients.write_text(_people("to", 3, {1}) + _people("cc", 2, set()))

    def refused(job: fit.SharedJob) -> None:
        raise AssertionError("shared pages laid out for three letters")

    monkeypatch.setattr(fit, "run_shared", refused)
    checked = run("check", workspace=minimal)
    assert checked.exit_code == 1
    said = [line for line in checked.stderr.splitlines() if not line.startswith("  hint:")]
    assert said == [
        "ws/letters/test/recipients.yaml:6: the address of 'To Person 1' needs 11 lines in the "
        "din5008-b window, which holds 9",
        "ws/letters/test/recipients.yaml:6: the address of 'To Person 1' needs 11 lines on the "
        "DL envelope, which holds 10",
        "Error: 2 problems in 1 file; nothing was written",
    ]


def test_letters_laid_out_whole_say_every_address_that_does_not_fit_in_one_pass(
    minimal: Path,
) -> None:
    # Tagged PDFs are laid out whole, each letter; with one process the letters go to
    # it in one job, which stopped at the first that did not fit: the windows of the
    # two after it were never measured.
    recipients = minimal / "letters" / "test" / "recipients.yaml"
    recipients.write_text(_people("to", 3, {0, 2}) + _people("cc", 1, {0}))
    result = run("build", "--jobs", "1", "--pdf-variant", "pdf/ua-1", workspace=minimal)
    assert result.exit_code == 1
    said = [line for line in result.stderr.splitlines() if not line.startswith("  hint:")]
    assert said[1:] == [  # after the progress bar's label
        f"ws/letters/test/recipients.yaml:{line}: the address of '{name}' needs 11 lines "
        f"{where}, which holds {holds}"
        for line, name in ((2, "To Person 0"), (10, "To Person 2"), (15, "Cc Person 0"))
        for where, holds in (("in the din5008-b window", 9), ("on the DL envelope", 10))
    ] + ["Error: 6 problems in 1 file; nothing was written"]
    assert not (minimal / "build" / "test").exists()


def test_the_proof_reads_each_file_as_soon_as_it_is_finished(tmp_path: Path) -> None:
    """A build's proof reads a list while later letters are laid out, not once all are."""
    names = ["Ada Lovelace", "Grace Hopper", "Mary Somerville"]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    made = {"signatories.pdf": _list_pdf(tmp_path / "a", names)}
    made["to/x.pdf"] = _list_pdf(tmp_path / "b", names)
    folder = tmp_path / "build"
    (folder / "to").mkdir(parents=True)
    waited: list[str] = []

    def ready(path: Path) -> None:
        # Each file is made as the proof waits for it: read before, it would be missing.
        name = path.relative_to(folder).as_posix()
        waited.append(name)
        made[name].rename(path)

    letter, listing = folder / "to/x.pdf", folder / "signatories.pdf"
    verified = verify([letter], listing, names, {}, folder, ready=ready)
    assert waited == ["signatories.pdf", "to/x.pdf"]
    assert verified == {"names": 3, "lists_read": {"signatories.pdf": 3, "to/x.pdf": 3}}
