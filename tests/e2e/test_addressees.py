"""A letter to several addressees: every copy, the web edition and the e-mail name them all."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_send import Inbox, serve, text_of

from campaign.paper.envelopes import WINDOWS

from conftest import flat, pdf_text, pdf_words, run

TWO = """\
to:
  - name: Maria Fernandes
    title: Minister of Justice
    salutation: Dear Minister Fernandes,
    address: [Ministry of Justice, 1 Justice Square, Lisbon]
  - name: João Silva
    title: Minister of Foreign Affairs
    salutation: Dear Minister Silva,
    address: [Ministry of Foreign Affairs, 2 Palace Road, Lisbon]
cc:
  - name: Bob Deputy
    title: Deputy Minister
    email: bob@example.org
    address: [Office of the Deputy, Unter den Linden 2, 10117 Berlin]
"""


def two_addressees(ws: Path, language: str = "") -> Path:
    """The test letter sent to two ministers, with one person in copy."""
    folder = ws / "letters" / "test"
    (folder / "recipients.yaml").write_text(TWO)
    if language:
        letter = folder / "letter.yaml"
        letter.write_text(letter.read_text() + f"language: {language}\n")
    return folder


def test_a_copy_names_every_addressee(minimal: Path) -> None:
    two_addressees(minimal)
    result = run("build", "--jobs", "1", workspace=minimal)
    assert result.exit_code == 0, result.output
    text = flat(pdf_text(minimal / "build" / "test" / "cc" / "bob-deputy.pdf"))
    assert (
        "Copy of the letter sent to Maria Fernandes, Minister of Justice and "
        "João Silva, Minister of Foreign Affairs." in text
    )


def test_a_french_copy_lists_the_addressees_the_french_way(minimal: Path) -> None:
    two_addressees(minimal, "fr")
    result = run("build", "--jobs", "1", workspace=minimal)
    assert result.exit_code == 0, result.output
    text = flat(pdf_text(minimal / "build" / "test" / "cc" / "bob-deputy.pdf"))
    assert (
        "Copie de la lettre adressée à Maria Fernandes, Minister of Justice et "
        "João Silva, Minister of Foreign Affairs." in text
    )


def test_the_web_edition_greets_every_addressee(minimal: Path) -> None:
    two_addressees(minimal)
    result = run("build", "--jobs", "1", workspace=minimal)
    assert result.exit_code == 0, result.output
    html = (minimal / "build" / "test" / "letter.html").read_text()
    assert '<p class="salutation">Dear Minister Fernandes,<br>Dear Minister Silva,</p>' in html


def test_the_copy_by_e_mail_names_every_addressee(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_addressees(minimal)
    (minimal / "campaign.yaml").write_text(
        "sender:\n  name: Test Coalition, Berlin\n  email: coalition@example.org\n"
    )
    inbox = Inbox()
    for _ in serve(monkeypatch, inbox):
        result = run("send", "test", "--send", workspace=minimal)
    assert result.exit_code == 0, result.output
    [copy] = inbox.messages
    assert copy["From"] == '"Test Coalition, Berlin" <coalition@example.org>'
    assert (
        "sent on May 2, 2024 to Maria Fernandes, Minister of Justice and João Silva, "
        "Minister of Foreign Affairs."
    ) in flat(text_of(copy))


def test_the_salutation_hint_speaks_the_letters_language(minimal: Path) -> None:
    folder = two_addressees(minimal, "ko")
    recipients = folder / "recipients.yaml"
    recipients.write_text(
        recipients.read_text().replace("    salutation: Dear Minister Silva,\n", "")
    )
    result = run("check", workspace=minimal)
    assert result.exit_code == 0, result.output
    assert (
        "ws/letters/test/recipients.yaml:6: warning: addressee 'João Silva' has no salutation, "
        "so the letter opens 'João Silva 귀하'\n"
        "  hint: add 'salutation: ...' as you would greet them, e.g. '존경하는 국무총리님께'\n"
    ) in result.stderr


FROM_ABROAD = """\
to:
  - name: Maria Fernandes
    title: Special Rapporteur
    organization: Office of the High Commissioner
    salutation: Dear Ms Fernandes,
    address: [Palais des Nations, 1211 Geneva 10, Switzerland]
"""


def test_check_names_the_us_window_that_holds_mail_from_abroad(minimal: Path) -> None:
    folder = minimal / "letters" / "test"
    (folder / "recipients.yaml").write_text(FROM_ABROAD)
    letter = folder / "letter.yaml"
    letter.write_text(letter.read_text() + "paper: letter\n")
    result = run("check", workspace=minimal)
    assert result.exit_code == 1
    assert result.stderr == (
        "ws/letters/test/recipients.yaml:2: the address of 'Maria Fernandes' needs 6 lines "
        "in the us-10 window, which holds 5\n"
        "  hint: use envelope: us-10-intl in letter.yaml (its window holds 6 lines, in smaller "
        "type), or shorten the title, join address lines (street and district on one line), "
        "or leave out the organization\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )
    letter.write_text(letter.read_text() + "envelope: us-10-intl\n")
    result = run("build", "--jobs", "1", workspace=minimal)
    assert result.exit_code == 0, result.output
    words = pdf_words(minimal / "build" / "test" / "to" / "maria-fernandes.pdf")
    window = WINDOWS["us-10-intl"]
    inside = [
        w.text
        for w in words
        if window.left <= w.left
        and w.right <= window.left + window.width
        and window.top + window.return_line <= w.top
        and w.bottom <= window.top + window.height
    ]
    assert " ".join(inside) == (
        "Maria Fernandes Special Rapporteur Office of the High Commissioner "
        "Palais des Nations 1211 Geneva 10 Switzerland"
    )


def test_the_e_mail_speaks_the_letters_language_and_spelling(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_addressees(minimal, "en-GB")
    (minimal / "campaign.yaml").write_text(
        "sender:\n  name: Test Coalition\n  email: coalition@example.org\n"
    )
    inbox = Inbox()
    for _ in serve(monkeypatch, inbox):
        result = run("send", "test", "--send", workspace=minimal)
    assert result.exit_code == 0, result.output
    assert text_of(inbox.messages[0]) == (
        "Dear Bob Deputy,\n\n"
        "Please find attached, for your information, a copy of the joint open\n"
        "letter that 4 organisations and individuals sent on 2 May 2024 to Maria\n"
        "Fernandes, Minister of Justice and João Silva, Minister of Foreign\n"
        "Affairs.\n\n"
        "The letter and the full list of its signatories are in the attached PDF.\n\n"
        "Test Coalition\ncoalition@example.org\n"
    )
    french = minimal / "letters" / "test" / "letter.yaml"
    text = french.read_text().replace("language: en-GB", "language: fr")
    french.write_text(text.replace("subject: Test subject line", "subject: L'avis des ONG"))
    (minimal / "build" / "test" / "sent.jsonl").unlink()  # the same copy, sent again
    inbox = Inbox()
    for _ in serve(monkeypatch, inbox):
        result = run("send", "test", "--send", workspace=minimal)
    assert result.exit_code == 0, result.output
    [message] = inbox.messages
    assert message["Subject"] == "L’avis des ONG (copie)"
    assert flat(text_of(message)) == (
        "Madame, Monsieur, Veuillez trouver ci-joint, pour information, une copie de la lettre "
        "ouverte commune que 4 organisations et personnes ont adressée le 2 mai 2024 à "
        "Maria Fernandes, Minister of Justice et João Silva, Minister of Foreign Affairs. "
        "La lettre et la liste complète de ses signataires figurent dans le PDF ci-joint. "
        "Test Coalition coalition@example.org"
    )
