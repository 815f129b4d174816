"""Names and address lines on a page right to left, after 160d2d7 and 0eb83d3 (attack).

160d2d7 wraps each name and address line in Unicode's first strong isolate (U+2068 ...
U+2069), so that a Latin line on an Arabic page stands as written. Each test builds a
workspace (Arabic, but for the last) as a user would (``campaign build``) and reads
the PDFs as a reader would (poppler's word boxes); each fails on 0eb83d3:

- a name or address line holding a POP DIRECTIONAL ISOLATE (U+2069) it never opened
  (a name pasted from a web page, whose opening mark was left behind) closed the
  isolate around it: the rest of the line ran in the page's direction again, and the
  window read "Nagatacho 1-2-3" for "1-2-3 Nagatacho", with exit 0 and no word said;
  such a signatory's name stopped the build as missing from the list (exit 1);
- a line too long for its box, wrapped, lost its isolate after the break: WeasyPrint
  sets the rest of a broken line as a text of its own, without the U+2068 before it,
  so the envelope read ".Ltd 1-2-3" for the end of "... Long Names 1-2-3 Ltd." (exit
  0), and a long Latin signatory's name, whose 'Ltd.' stood as '.Ltd' on a line of its
  own, stopped the build as missing (exit 1);
- on a page left to right the marks did not set an Arabic name right to left at all:
  its full stop stood at its right, before the name as an Arabic reader reads it (and
  the marks changed the line spacing of every address in a Japanese letter).

Each line is now set in its own direction on an element (``<bdi dir>``), where that
is not the page's: the direction holds on every line of it.
"""

from __future__ import annotations

from pathlib import Path

from conftest import LATIN_SENDER, one_letter, page_lines, pdf_words, run


def _workspace(root: Path, address: list[str], names: list[str], language: str = "ar") -> Path:
    """A letter (in Arabic) to one addressee at ``address``, signed by ``names``."""
    lines = "".join(f'      - "{line}"\n' for line in address)
    listed = "".join(
        f'  - name: "{name}"\n    type: organization\n    group: orgs\n' for name in names
    )
    return one_letter(
        root,
        language,
        sender=LATIN_SENDER,
        signatories=("people", f"signatories:\n{listed}"),
        groups={"orgs": "Organizations"},
        recipients=f"to:\n  - name: Ada Minister\n    title: Minister\n    address:\n{lines}",
        body="نكتب إليكم.\n",
    )


def test_a_closing_mark_never_opened_does_not_undo_the_isolate(tmp_path: Path) -> None:
    root = _workspace(
        tmp_path,
        ["Cabinet Office Inc.", "1-2-3\u2069 Nagatacho", "Chiyoda-ku, Tokyo 100-8968", "Japan"],
        ["Example\u2069 Inc.", "Zoe Adams"],
    )
    result = run("build", workspace=root)
    assert result.exit_code == 0, result.output
    assert (
        "signatories/people.yaml:2: warning: 'name' closes a text direction control "
        "(U+2069) that it never opened\n"
        "  hint: it is left out, so it cannot set the rest of the line in the page's "
        "direction; remove it\n"
    ) in result.output
    assert (
        "letters/l/recipients.yaml:4: warning: 'address' closes a text direction control "
        "(U+2069) that it never opened\n"
    ) in result.output
    letter = page_lines(pdf_words(tmp_path / "build" / "l" / "to" / "ada-minister.pdf"))
    assert "1-2-3 Nagatacho" in letter  # the window; it read "Nagatacho 1-2-3"
    assert "Example Inc." in letter  # the list under the letter
    listed = page_lines(pdf_words(tmp_path / "build" / "l" / "signatories.pdf"))
    assert "Example Inc." in listed


LONG_LINE = "Cabinet Office Incorporated Department of Long Names 1-2-3 Ltd."
LONG_NAME = (
    "Citizens' Alliance for North Korean Human Rights and Democracy in East Asia "
    "and the Pacific, 1-2-3 Ltd."
)


def test_a_wrapped_address_line_stands_as_written_after_its_break(tmp_path: Path) -> None:
    root = _workspace(
        tmp_path,
        [LONG_LINE, "1-2-3 Nagatacho", "Chiyoda-ku, Tokyo 100-8968", "Japan"],
        ["Example Inc."],
    )
    result = run("build", workspace=root)
    assert result.exit_code == 0, result.output
    out = tmp_path / "build" / "l"
    envelope = page_lines(pdf_words(out / "envelopes.pdf"))
    at = envelope.index("Cabinet Office Incorporated Department of Long Names")
    assert envelope[at + 1] == "1-2-3 Ltd."  # it read ".Ltd 1-2-3"
    letter = page_lines(pdf_words(out / "to" / "ada-minister.pdf"))
    at = letter.index("Cabinet Office Incorporated Department of")
    assert letter[at + 1] == "Long Names 1-2-3 Ltd."  # it read ".Long Names 1-2-3 Ltd"


def test_a_wrapped_name_stands_as_written_and_is_proven(tmp_path: Path) -> None:
    root = _workspace(tmp_path, ["Cabinet Office Inc.", "Japan"], [LONG_NAME, "Zoe Adams"])
    result = run("build", workspace=root)
    assert result.exit_code == 0, result.output  # the name was 'missing' (exit 1)
    out = tmp_path / "build" / "l"
    first = LONG_NAME.removesuffix(" Ltd.")
    letter = page_lines(pdf_words(out / "to" / "ada-minister.pdf"))
    assert letter[letter.index(first) + 1] == "Ltd."  # the list, wrapped; it read ".Ltd"
    listed = page_lines(pdf_words(out / "signatories.pdf"))
    assert listed[listed.index(first) + 1] == "Ltd."


def test_an_arabic_name_ends_at_its_left_on_a_page_left_to_right(tmp_path: Path) -> None:
    # What 160d2d7 said it did ("an Arabic name's full stop stands at its end on a page
    # left to right"), and did not: the isolate marks left it at the right, before the
    # name as an Arabic reader reads it. poppler's word boxes spell each Arabic word in
    # the order of its glyphs.
    root = _workspace(tmp_path, ["1 Road", "10117 Berlin"], ["منظمة حقوق الإنسان."], "en-US")
    result = run("build", workspace=root)
    assert result.exit_code == 0, result.output
    listed = page_lines(pdf_words(tmp_path / "build" / "l" / "signatories.pdf"))
    assert ". ناسنإلا قوقح ةمظنم" in listed  # it stood "ناسنإلا قوقح ةمظنم."
