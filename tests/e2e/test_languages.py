"""Letters in six languages, Japanese and Korean names, faces, order and translations."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import LATIN_SENDER, flat, line_at, one_letter, pdf_pages, pdf_text, pdf_words, run

# Bidi marks that pdftotext puts around lines; a reader never sees them.
_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

CJK_LIST = """\
signatories:
  - name: 増元照明
    name_latin: Teruaki Masumoto
    type: individual
    sort_as: ますもと てるあき
    group: people
  - name: 安倍晴子
    type: individual
    sort_as: アベ ハルコ
    group: people
  - name: 石川一郎
    type: individual
    sort_as: いしかわ いちろう
    group: people
  - name: Zoe Adams
    type: individual
    group: people
  - name: 북한인권시민연합
    name_latin: "Citizens' Alliance for North Korean Human Rights"
    type: organization
    group: orgs
  - name: 한반도평화네트워크
    type: organization
    group: orgs
  - name: 가나다인권모임
    type: organization
    group: orgs
  - name: ひまわりの会
    type: organization
    sort_as: ひまわりのかい
    group: orgs
  - name: Amnesty Test
    type: organization
    group: orgs
"""

BODY = "We write on behalf of {{ signatories.count }} signatories.\n"
SENDER = "sender:\n  name: Test Coalition\n  address: [1 Test Street, 10115 Berlin, Germany]\n"
# The two recipients of the letters below: each has an honorific for the Japanese layout.
RECIPIENTS = textwrap.dedent("""\
    to:
      - name: Ada Minister
        title: Minister
        honorific: 様
        address: [Ministry, 1 Road, 10117 Berlin]
    cc:
      - name: Bob Deputy
        title: Deputy
        honorific: 様
        address: [Office, 2 Road, 10117 Berlin]
    """)


def workspace(
    root: Path,
    language: str,
    *,
    body: str = BODY,
    signatories: str = CJK_LIST,
    recipients: str = "",
    extra: str = "",
    sender: str = SENDER,
) -> Path:
    """A one-letter workspace in ``language`` with the Japanese and Korean list."""
    return one_letter(
        root,
        language,
        sender=sender,
        signatories=("cjk", signatories),
        groups={"people": "People", "orgs": "Organizations"},
        recipients=recipients or RECIPIENTS,
        body=body,
        extra=extra,
    )


def build(root: Path, *args: str) -> Path:
    result = run("build", *args, workspace=root)
    assert result.exit_code == 0, result.output
    return root / "build" / "l"


def clean(text: str) -> str:
    """pdftotext's output without its bidi marks, white space folded."""
    return flat(_MARKS.sub("", text.replace("\u00a0", " ")))


def glyph_fonts(path: Path) -> list[tuple[str, str]]:
    """(character, font name) for every character drawn in a PDF."""
    drawn: list[tuple[str, str]] = []

    def visit(text: str, _cm: object, _tm: object, font: object, _size: object) -> None:
        name = str(font.get("/BaseFont", "")) if isinstance(font, dict) else ""
        drawn.extend((char, name) for char in text if not char.isspace())

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return drawn


# Each language's date, "Re:", "cc:", copy mark, page numbers and "as of" heading.
LANGUAGES = {
    "en-US": (
        "February 13, 2020",
        "Re: Test subject",
        "cc:",
        "COPY FOR BOB DEPUTY",
        "Page 1 of 1",
        "Signatories (as of February 13, 2020)",
    ),
    "en-GB": (
        "13 February 2020",
        "Re: Test subject",
        "cc:",
        "COPY FOR BOB DEPUTY",
        "Page 1 of 1",
        "Signatories (as of 13 February 2020)",
    ),
    "fr": (
        "13 février 2020",
        "Objet : Test subject",
        "Copie à :",
        "COPIE POUR BOB DEPUTY",
        "Page 1 sur 1",
        "Signataires (au 13 février 2020)",
    ),
    "es": (
        "13 de febrero de 2020",
        "Asunto: Test subject",
        "Con copia a:",
        "COPIA PARA BOB DEPUTY",
        "Página 1 de 1",
        "Firmantes (a fecha de 13 de febrero de 2020)",
    ),
    "de": (
        "13. Februar 2020",
        "Betreff: Test subject",
        "Kopie an:",
        "KOPIE FÜR BOB DEPUTY",
        "Seite 1 von 1",
        "Unterzeichnende (Stand: 13. Februar 2020)",
    ),
    "ja": (
        "2020年2月13日",
        "Test subject",  # the Japanese layout centres the subject, with no label
        "写し送付先：",
        "写し（BOB DEPUTY 宛）",
        "1 / 1 ページ",
        "署名者（2020年2月13日現在）",
    ),
    "ko": (
        "2020년 2월 13일",
        "제목: Test subject",
        "참조:",
        "사본: BOB DEPUTY 귀하",
        "1쪽 중 1쪽",
        "서명자 (2020년 2월 13일 기준)",
    ),
}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_dates_and_fixed_words_in_each_language(tmp_path: Path, language: str) -> None:
    date, subject, cc, copy_mark, page, as_of = LANGUAGES[language]
    out = build(workspace(tmp_path, language))
    letter = clean(pdf_text(out / "to" / "ada-minister.pdf"))
    assert date in letter
    assert subject in letter
    assert cc in letter
    copy = clean(pdf_text(out / "cc" / "bob-deputy.pdf"))
    assert copy_mark in copy
    signatories = clean(pdf_text(out / "signatories.pdf"))
    assert page in signatories
    assert as_of in signatories
    # An English word that a translation forgot would show here.
    if not language.startswith("en"):
        for english in ("Re:", "Page 1 of", "as of", "Copy for"):
            assert english not in letter + copy + signatories


def test_default_salutation_follows_the_language(tmp_path: Path) -> None:
    recipients = textwrap.dedent("""\
        to:
          - name: Ada Minister
            address: [Ministry, 1 Road, 10117 Berlin]
        """)
    for language, expected in (("en-US", "Dear Ada Minister,"), ("ko", "Ada Minister 귀하")):
        root = workspace(tmp_path / language, language, recipients=recipients)
        assert expected in clean(pdf_text(build(root) / "to" / "ada-minister.pdf"))


def names_in_order(path: Path, names: list[str]) -> list[str]:
    """``names`` in the order they are printed."""
    text = clean(pdf_text(path))
    for name in names:
        assert text.count(name) == 1, name
    return sorted(names, key=text.index)


def test_japanese_order_follows_the_kana_readings(tmp_path: Path) -> None:
    out = build(workspace(tmp_path, "ja"))
    people = ["Adams", "安倍晴子", "石川一郎", "増元照明"]
    # Latin letters first, then gojūon order of the readings: アベ (katakana) before
    # いしかわ (hiragana); comparing code points would put every hiragana reading first.
    assert names_in_order(out / "signatories.pdf", people) == people
    assert sorted(["アベ ハルコ", "いしかわ いちろう"]) == ["いしかわ いちろう", "アベ ハルコ"]


def test_korean_order_is_ganada_with_hangul_first(tmp_path: Path) -> None:
    out = build(workspace(tmp_path, "ko"))
    orgs = [
        "가나다인권모임",
        "북한인권시민연합",
        "한반도평화네트워크",
        "Amnesty Test",
        "ひまわりの会",
    ]
    assert names_in_order(out / "signatories.pdf", orgs) == orgs


def test_english_letter_prints_latin_names_and_orders_by_them(tmp_path: Path) -> None:
    out = build(workspace(tmp_path, "en-US"))
    text = clean(pdf_text(out / "signatories.pdf"))
    assert "Teruaki Masumoto" in text and "増元照明" not in text
    assert "Citizens' Alliance for North Korean Human Rights" in text
    # Family names: Adams, then 安倍 / 石川 (written family name first), Masumoto.
    people = ["Zoe Adams", "Teruaki Masumoto", "安倍晴子", "石川一郎"]
    assert names_in_order(out / "signatories.pdf", people) == people


def test_korean_text_is_set_in_a_korean_face(tmp_path: Path) -> None:
    out = build(workspace(tmp_path, "en-US"))
    drawn = glyph_fonts(out / "signatories.pdf")
    korean = [(c, f) for c, f in drawn if "\uac00" <= c <= "\ud7a3"]
    japanese = [(c, f) for c, f in drawn if "\u3040" <= c <= "\u30ff"]
    assert len(korean) == len("가나다인권모임한반도평화네트워크")
    assert {f for _, f in korean} == {"/" + f.split("/")[-1] for _, f in korean}
    assert all("CJK-KR" in f for _, f in korean), korean
    assert japanese and all("CJK-JP" in f for _, f in japanese), japanese
    # Chinese characters take the face of the run they stand in: 安倍 is Japanese here.
    assert all("CJK-JP" in f for c, f in drawn if c in "安倍晴子")


def test_korean_letter_sets_chinese_characters_in_the_korean_face(tmp_path: Path) -> None:
    body = "國際 인권 단체 {{ signatories.count }}곳이 서명했습니다.\n"
    out = build(workspace(tmp_path, "ko", body=body))
    drawn = glyph_fonts(out / "to" / "ada-minister.pdf")
    assert all("CJK-KR" in f for c, f in drawn if c in "國際인권")
    assert "國際 인권 단체 9곳이 서명했습니다." in clean(pdf_text(out / "to" / "ada-minister.pdf"))


def test_arabic_names_render_and_extract(tmp_path: Path) -> None:
    signatories = CJK_LIST + (
        "  - name: منظمة حقوق الإنسان\n"
        "    type: organization\n"
        "    country: Lebanon\n"
        "    group: orgs\n"
    )
    out = build(workspace(tmp_path, "en-US", signatories=signatories))
    text = clean(pdf_text(out / "signatories.pdf"))
    assert "منظمة حقوق الإنسان" in text  # logical order, letters joined as written
    drawn = glyph_fonts(out / "signatories.pdf")
    assert all("Arabic" in f for c, f in drawn if "\u0600" <= c <= "\u06ff")


def test_arabic_letter_runs_right_to_left(tmp_path: Path) -> None:
    body = "نكتب إليكم باسم {{ signatories.count }} من الموقعين.\n"
    out = build(workspace(tmp_path, "ar", body=body))
    letter = out / "to" / "ada-minister.pdf"
    text = clean(pdf_text(letter))
    # Each Arabic run extracts in reading order; poppler lists the runs of a line that
    # mixes directions (Arabic, the digit 9) in the order they stand on the page.
    assert "نكتب إليكم باسم" in text and "من الموقعين" in text
    assert "الموضوع" in text and "حضرة" in text  # "Re:" and "Dear", in Arabic
    # Right to left: the first word of the paragraph stands at the right margin
    # (poppler's word boxes spell Arabic words in the order of their glyphs).
    words = [w for w in pdf_words(letter) if "نكتب" in (w.text, w.text[::-1])]
    assert words and words[0].right > 185


def test_a_latin_name_starting_with_a_number_is_proven_in_a_letter_right_to_left(
    tmp_path: Path,
) -> None:
    """Found on 5 December: on a page right to left, "1969 KAL Association" stood as
    "KAL Association 1969", and the build's proof said the name was missing. Each name is
    now isolated (below) and stands as written; the proof reads either order."""
    signatories = CJK_LIST + (
        "  - name: 1969 KAL Abductees' Families Association\n"
        "    type: organization\n"
        "    group: orgs\n"
    )
    out = build(workspace(tmp_path, "ar", signatories=signatories))
    text = clean(pdf_text(out / "signatories.pdf"))
    assert "1969 KAL Abductees' Families Association" in text


RIGHT_TO_LEFT_RECIPIENTS = """\
to:
  - name: Ada Minister
    title: Minister
    address: [Cabinet Office Inc., 1-2-3 Nagatacho, "Chiyoda-ku, Tokyo 100-8968", Japan]
cc:
  - name: Bob Deputy
    title: Deputy
    address: [Office Ltd., 2-1 Road, 10117 Berlin]
"""


def test_names_and_address_lines_stand_as_written_on_a_page_right_to_left(
    tmp_path: Path,
) -> None:
    """Found on 5 December (noticed, left), mended on the 5th in the evening: on a page
    right to left, a line of Latin text was set by the page's direction, and a reader saw
    "Nagatacho 1-2-3" for "1-2-3 Nagatacho" and ".Example Inc" for "Example Inc.": in the
    letter's window, letterhead, list and cc block, in signatories.pdf, on the envelopes
    and the labels, with exit 0. Each name and address line is now isolated (the
    ``isolated`` and ``as_lines`` filters): it runs in the direction of its first letter."""
    signatories = CJK_LIST + "".join(
        f"  - name: {name}\n    type: organization\n    group: orgs\n"
        for name in ("Example Inc.", "منظمة 2020", "Human Rights منظمة")
    )
    root = workspace(
        tmp_path,
        "ar",
        body="نكتب إليكم.\n",
        signatories=signatories,
        recipients=RIGHT_TO_LEFT_RECIPIENTS,
        sender=LATIN_SENDER,
    )
    out = build(root)
    letter = pdf_words(out / "to" / "ada-minister.pdf")
    for written in ("Cabinet Office Inc.", "1-2-3 Nagatacho", "Chiyoda-ku, Tokyo 100-8968"):
        assert line_at(letter, written.split()[0]) == written  # the window
    assert line_at(letter, "Example") == "Example Inc."  # the list under the letter
    assert line_at(letter, "Ltd.") == "Office Ltd."  # the cc block
    assert line_at(letter, "e.V.") == "Test Coalition e.V."  # the letterhead
    assert line_at(letter, "1-3") == "1-3 Test Street"
    assert line_at(pdf_words(out / "signatories.pdf"), "Example") == "Example Inc."
    envelope = pdf_words(out / "envelopes.pdf")
    assert line_at(envelope, "1-2-3") == "1-2-3 Nagatacho"
    assert line_at(envelope, "1-3") == "1-3 Test Street"
    labels = pdf_words(out / "labels.pdf")
    assert "1-2-3 Nagatacho" in line_at(labels, "1-2-3")
    assert "2-1 Road" in line_at(labels, "2-1")


def test_an_arabic_name_with_a_number_is_proven_on_a_page_right_to_left(tmp_path: Path) -> None:
    """Found on 5 December: "منظمة 2020" in an Arabic letter stopped the build, "out of
    order in the printed list" (exit 1). poppler reads that line back as its runs in the
    order they stand, each as written ("2020 منظمة"), a form the proof did not know."""
    signatories = CJK_LIST + "  - name: منظمة 2020\n    type: organization\n    group: orgs\n"
    out = build(workspace(tmp_path, "ar", signatories=signatories))
    assert "2020 منظمة" in clean(pdf_text(out / "signatories.pdf"))


def test_text_of_the_japanese_example_equals_its_source(example: Path) -> None:
    result = run("build", workspace=example)
    assert result.exit_code == 0, result.output
    folder = example / "letters" / "japan-hrc-2020"
    out = example / "build" / "japan-hrc-2020" / "ja"
    source = (folder / "body.ja.md").read_text()
    source = re.sub(r"\{#.*?#\}\n", "", source, flags=re.DOTALL)
    source = source.replace("{{ signatories.count }}", "51")
    text = "".join(clean(pdf_text(out / "to" / "shinzo-abe.pdf")).split())
    for paragraph in source.split("\n\n"):
        assert "".join(paragraph.split()) in text
    # The addressee block: from the postal code down to title, name and honorific.
    window = [w for w in pdf_words(out / "to" / "shinzo-abe.pdf") if w.left < 112 and w.top < 57]
    lines = sorted(window, key=lambda w: (round(w.top), w.left))
    assert " ".join(w.text for w in lines).endswith(
        "〒100-8968 東京都千代田区永田町1-6-1 内閣官房 内閣総理大臣 安倍晋三 様"
    )
    names = ["天目石要一郎", "北朝鮮帰国者の生命と人権を守る会", "北朝鮮難民救援基金", "黒坂真"]
    assert names_in_order(out / "signatories.pdf", names) == names


def test_japanese_layout(example: Path) -> None:
    run("build", workspace=example)
    letter = example / "build" / "japan-hrc-2020" / "ja" / "to" / "shinzo-abe.pdf"
    words = pdf_words(letter)
    date = next(w for w in words if w.text == "2020年2月13日")
    assert date.top < 20 and date.right > 185  # top right
    # 長形3号 window: 22 mm from the left, 12 mm from the top, 90 × 45 mm.
    address = [w for w in words if w.text in ("〒100-8968", "内閣官房", "安倍晋三", "様")]
    assert len(address) == 4
    assert all(22 <= w.left <= 112 and 12 <= w.top <= 57 for w in address)
    assert [w.text for w in sorted(address, key=lambda w: w.top)][:2] == ["〒100-8968", "内閣官房"]
    subject = next(w for w in words if w.text.startswith("北朝鮮の人権侵害"))
    assert abs((subject.left + subject.right) / 2 - (25 + 190) / 2) < 2  # centred
    text = clean(pdf_text(letter))
    assert "拝啓" in text and text.index("幸いです。 敬具") > text.index("拝啓")


def test_side_by_side_edition_pairs_each_paragraph(example: Path) -> None:
    run("build", workspace=example)
    out = example / "build" / "japan-hrc-2020"
    pages = [clean(p) for p in pdf_pages(out / "ja" / "parallel.pdf")]
    english = (example / "letters" / "japan-hrc-2020" / "body.md").read_text().split("\n\n")
    japanese = (example / "letters" / "japan-hrc-2020" / "body.ja.md").read_text().split("\n\n")
    assert len(english) == len(japanese) == 6
    for en, ja in zip(english[1:], japanese[1:], strict=True):
        # Each pair starts on the same page.
        en_start, ja_start = flat(en)[:40], ja[:20]
        en_pages = [n for n, p in enumerate(pages) if en_start in p]
        ja_pages = [n for n, p in enumerate(pages) if ja_start in "".join(p.split())]
        assert len(en_pages) == len(ja_pages) == 1
        assert en_pages == ja_pages
    whole = " ".join(pages)
    assert whole.count("Signatories (as of") == 1  # one signature block
    assert "English 日本語" in whole


def test_following_edition_puts_the_translation_after_the_closing(tmp_path: Path) -> None:
    extra = textwrap.dedent("""\
        translations:
          ko:
            title: 시험 제목
            subject: 시험 주제
            closing: 감사합니다.
            headings: {people: 개인, orgs: 단체}
            parallel: following
        """)
    root = workspace(tmp_path, "en-US", extra=extra)
    (root / "letters" / "l" / "body.ko.md").write_text(
        "서명자 {{ signatories.count }}명을 대신하여.\n"
    )
    out = build(root)
    korean = clean(pdf_text(out / "ko" / "to" / "ada-minister.pdf"))
    assert "제목: 시험 주제" in korean and "서명자 9명을 대신하여." in korean
    assert "개인 (4)" in korean and "Ada Minister 귀하" in korean  # Korean default salutation
    pages = [clean(p) for p in pdf_pages(out / "ko" / "parallel.pdf")]
    first = next(n for n, p in enumerate(pages) if "Closing line." in p)
    translation = next(n for n, p in enumerate(pages) if "번역 · 한국어" in p)
    assert translation == first + 1  # from a new page, after the original's closing
    assert "서명자 9명을 대신하여. 감사합니다." in pages[translation]
    assert sum(p.count("Signatories (as of") for p in pages) == 1


def test_removed_translation_leaves_nothing_behind(tmp_path: Path) -> None:
    extra = (
        "translations:\n  de: {title: Titel, subject: Betreff, headings: {people: P, orgs: O}}\n"
    )
    root = workspace(tmp_path, "en-US", extra=extra)
    (root / "letters" / "l" / "body.de.md").write_text("Text.\n")
    out = build(root)
    assert (out / "de" / "to" / "ada-minister.pdf").is_file()
    letter = root / "letters" / "l" / "letter.yaml"
    letter.write_text(letter.read_text().replace(extra, ""))
    (root / "letters" / "l" / "body.de.md").unlink()
    build(root)
    assert not (out / "de").exists()


def test_font_preflight_names_file_line_and_character(tmp_path: Path) -> None:
    signatories = CJK_LIST.replace("name: Amnesty Test", "name: Amnesty Test 🇯🇵")
    root = workspace(tmp_path, "en-US", signatories=signatories, body="Hello 🇰🇷.\n")
    result = run("check", workspace=root)
    assert result.exit_code == 0
    assert result.stderr == (
        "letters/l/body.md:1: warning: no installed font has "
        "'🇰' (U+1F1F0 REGIONAL INDICATOR SYMBOL LETTER K), "
        "'🇷' (U+1F1F7 REGIONAL INDICATOR SYMBOL LETTER R) in the text\n"
        "  hint: it would print as an empty box: install a font that has it "
        "(Debian: apt-cache search fonts-noto), or write the text without it\n"
        "letters/l/recipients.yaml:2: warning: addressee 'Ada Minister' has no salutation, "
        "so the letter opens 'Dear Ada Minister,'\n"
        "  hint: add 'salutation: ...' as you would greet them, e.g. 'Dear Prime Minister,'\n"
        "signatories/cjk.yaml:32: warning: no installed font has "
        "'🇯' (U+1F1EF REGIONAL INDICATOR SYMBOL LETTER J), "
        "'🇵' (U+1F1F5 REGIONAL INDICATOR SYMBOL LETTER P) in signatory 'Amnesty Test 🇯🇵'\n"
        "  hint: it would print as an empty box: install a font that has it "
        "(Debian: apt-cache search fonts-noto), or write the text without it\n"
    )
    assert run("check", "--strict", workspace=root).exit_code == 1


def test_language_checks(tmp_path: Path) -> None:
    signatories = CJK_LIST.replace("    sort_as: ますもと てるあき\n", "")
    extra = "translations:\n  fr: {title: Titre}\n"
    root = workspace(tmp_path, "ja", signatories=signatories, extra=extra)
    recipients = root / "letters" / "l" / "recipients.yaml"
    recipients.write_text(recipients.read_text().replace("    honorific: 様\n", "", 1))
    (root / "letters" / "l" / "body.pt.md").write_text("Texto.\n")
    result = run("check", workspace=root)
    assert result.exit_code == 1
    assert result.stderr == (
        "letters/l/body.pt.md: warning: body.pt.md is not built: "
        "letter.yaml lists no translation 'pt'\n"
        "  hint: add to letter.yaml:  translations: {pt: {title: ..., subject: ...}}\n"
        "letters/l/letter.yaml:15: translation 'fr' has no 'subject'\n"
        "  hint: the subject line in 'fr'\n"
        "letters/l/letter.yaml:15: warning: translation 'fr' has no heading for group "
        "'people', 'orgs'; the original heading prints\n"
        "  hint: add them under 'headings:', e.g. headings: {people: ..., orgs: ...}\n"
        "letters/l/letter.yaml:15: translation 'fr' has no text: "
        "letters/l/body.fr.md is missing\n"
        "  hint: write the translated letter there, or remove the translation\n"
        "letters/l/recipients.yaml:2: warning: 'Ada Minister' has no honorific; "
        "a Japanese letter prints one after the name\n"
        "  hint: add 'honorific: 様' (or 殿, 御中 for an organisation)\n"
        "signatories/cjk.yaml:2: warning: '増元照明' is written in kanji and has no "
        "reading: in a Japanese letter it sorts by character code, not in gojūon order\n"
        "  hint: add its reading in kana, e.g. sort_as: あべ しんぞう\n"
        "Error: 2 problems in 1 file; nothing was written\n"
    )


def test_a_language_without_fixed_words_is_named(tmp_path: Path) -> None:
    result = run("check", workspace=workspace(tmp_path, "pt"))
    assert result.exit_code == 0
    assert result.stderr.startswith(
        "letters/l/letter.yaml:4: warning: the fixed words ('Re:', 'cc:', 'Page 1 of 2') "
        "are not translated into 'pt' yet; they print in English\n"
    )


def test_runs_of_other_scripts_are_marked_and_markup_is_left_alone() -> None:
    from campaign.text.scripts import mark_scripts

    html = (
        '<html lang="en"><head><title>한국</title><style>a > b { content: "한" }</style></head>'
        '<body><p title="한국">Alliance 북한인권 2020 연합, 増元照明 and ひまわりの会 &amp; '
        "مرحبا بكم.</p></body></html>"
    )
    assert mark_scripts(html, "en-US") == (
        '<html lang="en"><head><title>한국</title><style>a > b { content: "한" }</style></head>'
        '<body><p title="한국">Alliance <bdi lang="ko">북한인권 2020 연합</bdi>, 増元照明 and '
        '<bdi lang="ja">ひまわりの会</bdi> &amp; <bdi lang="ar">مرحبا بكم</bdi>.</p>'
        "</body></html>"
    )
    # In a Korean letter, Korean needs no mark; Japanese still does.
    assert mark_scripts("<p>북한 ひまわり</p>", "ko") == '<p>북한 <bdi lang="ja">ひまわり</bdi></p>'
    assert mark_scripts("<p>북한のひまわり</p>", "en") == (
        '<p><bdi lang="ko">북한</bdi><bdi lang="ja">のひまわり</bdi></p>'
    )
    assert mark_scripts("<SCRIPT>'북한'</SCRIPT>", "en") == "<SCRIPT>'북한'</SCRIPT>"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en-US", "Shinzo Abe"), ("fr", "Shinzo Abe"), ("ja", "安倍晋三"), ("ko", "安倍晋三")],
)
def test_printed_name_follows_the_language(language: str, expected: str) -> None:
    from campaign.text.scripts import printed_name

    assert printed_name("安倍晋三", "Shinzo Abe", language) == expected
    assert printed_name("이양희", "Yanghee Lee", "ja") == "Yanghee Lee"  # Hangul: not in ja
    assert printed_name("Yanghee Lee", "", "ko") == "Yanghee Lee"


def test_check_names_each_edition(example: Path) -> None:
    result = run("check", workspace=example)
    assert result.exit_code == 0
    assert result.stdout == (
        "japan-hrc-2020: 51 signatories as of 2020-02-13, 1 addressee, 2 in cc\n"
        "japan-hrc-2020 (ja): 51 signatories as of 2020-02-13, 1 addressee, 2 in cc\n"
        "No problems found in 1 letter.\n"
    )
    assert result.stderr == ""


def test_a_name_in_latin_letters_can_duplicate_a_native_one(tmp_path: Path) -> None:
    signatories = CJK_LIST + (
        "  - name: Teruaki Masumoto\n    type: individual\n    group: people\n"
    )
    result = run("check", workspace=workspace(tmp_path, "en-US", signatories=signatories))
    assert result.exit_code == 1
    assert (
        "signatories/cjk.yaml:35: 'Teruaki Masumoto' has the same name as the signatory on line 2\n"
    ) in result.stderr


def test_sign_on_commands_know_a_name_by_its_latin_spelling(tmp_path: Path) -> None:
    root = workspace(tmp_path, "en-US")
    form = tmp_path / "form.csv"
    form.write_text(
        "name,type,group\nCitizens' Alliance for North Korean Human Rights,organization,orgs\n"
    )
    result = run("sig", "import", "cjk", str(form), workspace=root)
    assert result.exit_code == 0
    assert "form.csv:2: already on the list: 북한인권시민연합 (signatories/cjk.yaml:18)\n" in (
        result.stdout
    )
    result = run("sig", "withdraw", "cjk", "teruaki masumoto", workspace=root)
    assert result.exit_code == 0
    assert result.stdout.startswith("withdrawn: 増元照明 (signatories/cjk.yaml:2)")


def test_an_address_line_mixing_scripts_stays_one_line(tmp_path: Path) -> None:
    recipients = textwrap.dedent("""\
        to:
          - name: Ada Minister
            address: [Ministry, Seoul 03171 서울 Korea]
        """)
    out = build(workspace(tmp_path, "en-US", recipients=recipients))
    for name in ("to/ada-minister.pdf", "labels.pdf", "envelopes.pdf"):
        lines = [flat(line) for line in pdf_text(out / name).splitlines()]
        assert any(line.endswith("Seoul 03171 서울 Korea") for line in lines), name


TRANSLATED = textwrap.dedent("""\
    translations:
      ja:
        title: 題
        subject: 件
        headings: {people: 個人, orgs: 団体}
        parallel: side-by-side
    """)


def test_a_translation_without_its_own_recipients(tmp_path: Path) -> None:
    recipients = textwrap.dedent("""\
        to:
          - name: Ada Minister
            salutation: Dear Minister,
            honorific: 様
            address: [Ministry, 1 Road, 10117 Berlin, Germany]
        """)
    root = workspace(tmp_path, "en-US", recipients=recipients, extra=TRANSLATED)
    (root / "letters" / "l" / "body.ja.md").write_text("本文です。\n")
    result = run("check", workspace=root)
    assert "letters/l/recipients.yaml:2: warning: translation 'ja' greets 'Ada Minister' " in (
        result.stderr
    )
    out = build(root)
    pages = pdf_pages(out / "ja" / "to" / "ada-minister.pdf")
    text = clean("".join(pages))
    assert "Dear Minister," not in text and "拝啓 本文です。" in text and "敬具" in text
    # A Western address keeps its order in a Japanese letter: the country stays last.
    window = [  # DIN 5008 form B: 20 mm from the left, 45 mm from the top, 85 × 45 mm
        w
        for w in pdf_words(out / "ja" / "to" / "ada-minister.pdf")
        if w.left < 105 and 45 < w.top < 90
    ]
    assert [w.text for w in sorted(window, key=lambda w: (round(w.top), w.left))][-1] == ("Germany")


def test_korean_in_the_english_half_of_a_parallel_edition(tmp_path: Path) -> None:
    extra = TRANSLATED.replace("ja:", "ko:").replace("個人", "개인").replace("団体", "단체")
    root = workspace(tmp_path, "en-US", extra=extra)
    (root / "letters" / "l" / "body.ko.md").write_text("본문.\n")
    out = build(root)
    drawn = glyph_fonts(out / "ko" / "parallel.pdf")
    assert all("CJK-KR" in f for c, f in drawn if "\uac00" <= c <= "\ud7a3")


def test_outputs_and_rebuilds_follow_the_translation(tmp_path: Path) -> None:
    root = workspace(tmp_path, "en-US", extra=TRANSLATED)
    (root / "letters" / "l" / "body.ja.md").write_text("本文です。\n")
    out = build(root)
    assert (out / "ja" / "parallel.pdf").is_file()
    # Editing the Japanese text remakes the Japanese files, not the English ones.
    (root / "letters" / "l" / "body.ja.md").write_text("本文を直しました。\n")
    result = run("build", workspace=root)
    assert "build/l/: 0 files made, 10 up to date" in result.stdout
    # Without 'parallel:', the parallel edition goes: it must not be mailed by mistake.
    letter = root / "letters" / "l" / "letter.yaml"
    letter.write_text(letter.read_text().replace("    parallel: side-by-side\n", ""))
    build(root)
    assert not (out / "ja" / "parallel.pdf").exists()
    assert (out / "ja" / "to" / "ada-minister.pdf").is_file()


def test_translation_recipients_are_compared_and_tags_checked(tmp_path: Path) -> None:
    extra = TRANSLATED + "  to: {title: x, subject: y}\n"
    root = workspace(tmp_path, "en-US", extra=extra)
    (root / "letters" / "l" / "body.ja.md").write_text("本文です。\n")
    (root / "letters" / "l" / "recipients.ja.yaml").write_text(
        "to:\n  - name: 大臣\n    honorific: 様\n    address: [東京都]\n"
    )
    result = run("check", workspace=root)
    assert result.exit_code == 1
    assert (
        "letters/l/letter.yaml:20: translation 'to' cannot have a folder of its own in build/: "
        "build/<slug>/to/ holds the letters\n" in result.stderr
    )
    assert (
        "letters/l/recipients.ja.yaml:1: warning: 'cc' lists 0 people here and 1 in "
        "recipients.yaml; someone would get the letter in one language only\n" in result.stderr
    )
    assert (
        "letters/l/recipients.ja.yaml:2: warning: '大臣' has no name_latin; their files are "
        "named 'da-chen.pdf', spelt by machine\n" in result.stderr
    )


@pytest.mark.parametrize(("language", "face"), [("zh", "CJK-SC"), ("zh-Hant", "CJK-TC")])
def test_chinese_letters_use_their_own_forms(tmp_path: Path, language: str, face: str) -> None:
    out = build(workspace(tmp_path, language, body="人權組織 {{ signatories.count }}。\n"))
    drawn = glyph_fonts(out / "to" / "ada-minister.pdf")
    assert all(face in f for c, f in drawn if c in "人權組織")
