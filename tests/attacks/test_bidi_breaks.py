"""Names and address lines on a page right to left, after 160d2d7 and 0eb83d3 (attack).

160d2d7 wraps each name and address line in Unicode's first strong isolate (U+2068 ...
U+2069), so that a Latin line on an Arabic page stands as written. Each test builds an
Arabic workspace as a user would (``campaign build``) and reads the PDFs as a reader
would (poppler's word boxes); each fails on 0eb83d3:

- a name or address line holding a POP DIRECTIONAL ISOLATE (U+2069) it never opened
  (a name pasted from a web page, whose opening mark was left behind) closed the
  isolate around it: the rest of the line ran in the page's direction again, and the
  window read "Nagatacho 1-2-3" for "1-2-3 Nagatacho", with exit 0 and no word said;
  such a signatory's name stopped the build as missing from the list (exit 1);
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import Word, pdf_words, run

ARABIC = textwrap.dedent("""\
    title: Test title
    subject: Test subject
    date: 2020-02-13
    language: ar
    envelope: din5008-b
    signatories:
      list: people
      groups:
        - key: orgs
          heading: Organizations
    closing: Closing line.
    """)


def _workspace(root: Path, address: list[str], names: list[str]) -> Path:
    """An Arabic letter to one addressee at ``address``, signed by ``names``."""
    letter = root / "letters" / "l"
    letter.mkdir(parents=True)
    (root / "signatories").mkdir()
    (root / "campaign.yaml").write_text(
        "sender:\n  name: Test Coalition e.V.\n  address: [1-3 Test Street, 10115 Berlin]\n",
        encoding="utf-8",
    )
    (letter / "letter.yaml").write_text(ARABIC, encoding="utf-8")
    lines = "".join(f'      - "{line}"\n' for line in address)
    (letter / "recipients.yaml").write_text(
        f"to:\n  - name: Ada Minister\n    title: Minister\n    address:\n{lines}",
        encoding="utf-8",
    )
    (letter / "body.md").write_text("نكتب إليكم.\n", encoding="utf-8")
    (root / "signatories" / "people.yaml").write_text(
        "signatories:\n"
        + "".join(
            f'  - name: "{name}"\n    type: organization\n    group: orgs\n' for name in names
        ),
        encoding="utf-8",
    )
    return root


def _lines(words: list[Word]) -> list[str]:
    """The page's lines, top to bottom, each its words left to right as they stand."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (round(w.top), w.left)):
        if rows and abs(rows[-1][0].top - word.top) < 1:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [" ".join(w.text for w in sorted(row, key=lambda w: w.left)) for row in rows]


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
    letter = _lines(pdf_words(tmp_path / "build" / "l" / "to" / "ada-minister.pdf"))
    assert "1-2-3 Nagatacho" in letter  # the window; it read "Nagatacho 1-2-3"
    assert "Example Inc." in letter  # the list under the letter
    listed = _lines(pdf_words(tmp_path / "build" / "l" / "signatories.pdf"))
    assert "Example Inc." in listed
