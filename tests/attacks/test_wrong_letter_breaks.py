"""Letters, envelopes that the fast build makes otherwise than a whole layout of each.

Shared pages are laid out once with the addressee's parts hidden (``visibility: hidden``)
and each addressee's parts are stamped on page 1. What a hidden part still does to the
rest of the master (a ``string-set`` read in every page's margin, a bookmark, a
``:has()`` rule that styles the text by what the part holds) is the first addressee's
in every letter; a part laid out alone in its overlay no longer meets the float that
narrows its lines in the letter. Envelopes laid out in parts count their pages per part.

Each test builds the workspace as a user would (``campaign build``) and reads the PDFs
as a reader would: each letter must read as the same letter laid out whole and alone.

Found on 5 December by an attack on d345368, each test failing then. Mended at their
mechanisms: a master whose hidden parts show anything elsewhere, or whose parts are set
by what stands around them, is not stamped on (pdf/render.parts_apart; build -v says
why); letters share a layer only with letters whose parts are marked up alike
(compose/composer._markup); envelopes and labels whose pages count the pages, or look
by their place among them, are laid out as one document (compose/pagestate.py, as a
long list is).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
from bounded_run import campaign

from campaign.load.catalog import BUILTIN_TEMPLATES

from conftest import pdf_pages, pdf_text, pictures

LETTER = Path("letters") / "japan-hrc-2020"
OWN = Path("templates") / "joint-letter"


def _english_only(ws: Path) -> None:
    """The example without its Japanese translation (a quicker build), with the
    template's files in the workspace, as ``campaign init`` leaves them."""
    shutil.copytree(BUILTIN_TEMPLATES / "joint-letter", ws / OWN, dirs_exist_ok=True)
    letter = ws / LETTER
    for path in [*letter.glob("body.*.md"), *letter.glob("recipients.*.yaml")]:
        path.unlink()
    text = (letter / "letter.yaml").read_text(encoding="utf-8")
    (letter / "letter.yaml").write_text(text[: text.index("# The same letter in Japanese")])


def _addressees(ws: Path, people: list[tuple[str, str, str]], first: int = 0) -> None:
    """``to:`` each of ``people`` (name, salutation, organisation), no cc; ``first``: the
    first one's place in a longer list (their rooms are numbered by it)."""
    lines = ["to:\n"]
    for n, (name, salutation, organization) in enumerate(people, first):
        lines.append(f"  - name: {name}\n    title: Minister\n    salutation: {salutation}\n")
        if organization:
            lines.append(f"    organization: {organization}\n")
        lines.append(f'    address: [Room {300 + n}, "Chiyoda-ku, Tokyo 100-8962", Japan]\n')
    (ws / LETTER / "recipients.yaml").write_text("".join(lines), encoding="utf-8")


def _add_css(ws: Path, css: str) -> None:
    sheet = ws / OWN / "letter.css"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\n" + css, encoding="utf-8")


def _build(ws: Path) -> str:
    ran = campaign(ws, "build", "--verbose", timeout=300, SOURCE_DATE_EPOCH="1600000000")
    assert ran.code == 0, ran.err[-3000:]
    return ran.out


def _whole(ws: Path) -> None:
    """``ws`` built again, everything laid out whole (a tagged PDF is never stamped)."""
    ran = campaign(
        ws, "build", "--force", "--pdf-variant", "pdf/ua-1", timeout=300,
        SOURCE_DATE_EPOCH="1600000000",
    )  # fmt: skip
    assert ran.code == 0, ran.err[-3000:]


def _raw_pages(pdf: Path) -> list[str]:
    """Each page's text in the order it is drawn (overprinted text stays apart)."""
    ran = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True)
    return ran.stdout.decode().split("\f")[:-1]


def _said(out: str, why: str) -> None:
    """The build said the letters were laid out whole for ``why`` (a key of UNSHARED)."""
    from campaign.pdf.workers import UNSHARED

    assert f"3 letters to addressees laid out whole: {UNSHARED[why]}" in out, out


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


PEOPLE = [
    ("Ann Lee", "Dear Ann Lee,", ""),
    ("Cy Ng", "Dear Cy Ng,", ""),
    ("Dolores Umbridge", "Dear Dolores Umbridge,", ""),
]


def test_a_running_header_set_from_the_salutation_names_each_letters_own_addressee(
    example: Path,
) -> None:
    """``string-set`` on the salutation, read in the page's margin: every letter's header
    (on every page) names the first addressee. Laid out whole, each names its own."""
    _english_only(example)
    _addressees(example, PEOPLE)
    _add_css(
        example,
        ".salutation { string-set: addressee content(); }\n"
        '@page { @top-center { content: "To: " string(addressee); font: 8pt sans-serif; } }\n',
    )
    _said(_build(example), "exports")
    wrong = {}
    for name, _, _ in PEOPLE:
        pdf = example / "build" / LETTER.name / "to" / f"{_slug(name)}.pdf"
        # The header's first word after "Dear" (a long one wraps beside the running title).
        headers = re.findall(r"To: Dear (\w+)", pdf_text(pdf))
        if not headers or set(headers) != {name.split()[0]}:
            wrong[name] = sorted(set(headers))
    # Found: {'Cy Ng': ['Ann'], 'Dolores Umbridge': ['Ann']}
    assert not wrong, f"letters whose running header names another addressee: {wrong}"


def test_each_letters_outline_names_its_own_addressee(example: Path) -> None:
    """A bookmark made of the salutation stays the master's (the first addressee's)."""
    _english_only(example)
    _addressees(example, PEOPLE)
    _add_css(example, ".salutation { bookmark-level: 1; bookmark-label: content(); }\n")
    _build(example)
    wrong = {}
    for name, salutation, _ in PEOPLE:
        pdf = example / "build" / LETTER.name / "to" / f"{_slug(name)}.pdf"
        with pikepdf.open(pdf) as opened, opened.open_outline() as outline:
            titles = [item.title for item in outline.root]
        if salutation not in titles:
            wrong[name] = titles
    assert not wrong, f"letters whose bookmarks name another addressee: {wrong}"


def test_the_closing_a_rule_picks_by_the_salutation_is_each_letters_own(example: Path) -> None:
    """``:has()`` styles the shared text by what the addressee's part holds.

    British usage: a letter to 'Dear Sir or Madam' closes 'Yours faithfully', one to a
    named person 'Yours sincerely'. The salutation (a marked part) says which by a class;
    the shared pages were laid out for the first addressee, so every letter closes as
    hers does.
    """
    _english_only(example)
    _addressees(
        example,
        [PEOPLE[0], ("Cy Ng", "Dear Sir or Madam,", "Ministry of Justice"), PEOPLE[2]],
    )
    own = example / OWN / "letter.html.j2"
    html = own.read_text(encoding="utf-8")
    part = '<!--vary--><p class="salutation vary">'
    assert part in html
    own.write_text(
        html.replace(
            part,
            '<!--vary--><p class="salutation vary'
            '{% if recipient.organization %} to-office{% endif %}">',
        ),
        encoding="utf-8",
    )
    _add_css(
        example,
        '.closing::after { display: block; margin-top: 1em; content: "Yours sincerely,"; }\n'
        'body:has(.salutation.to-office) .closing::after { content: "Yours faithfully,"; }\n',
    )
    out = _build(example)
    # A :has() rule reads what follows the salutation: no letter is made from shared
    # pages (the overlay holds page 1 alone). Without it, Cy Ng's parts are marked up
    # otherwise: his letter would share no layer with the others (composer._markup).
    assert "3 letters to addressees laid out one by one: a style sheet picks" in out, out
    text = pdf_text(example / "build" / LETTER.name / "to" / "cy-ng.pdf")
    assert "Dear Sir or Madam," in text
    # Found: 'Yours sincerely,' (Ann Lee's closing). Laid out whole: 'Yours faithfully,'.
    assert "Yours faithfully," in text and "Yours sincerely," not in text


def test_a_salutation_beside_a_float_wraps_as_in_the_letter_laid_out_whole(
    example: Path, tmp_path: Path
) -> None:
    """The subject floated right: the salutation's lines are shorter beside it.

    In its overlay the salutation is laid out alone, where the float is not: a long one
    stays on one line (the master's room, so it is stamped) and is printed across the
    subject, while laid out whole it wraps onto two lines and moves the text below.
    """
    long = "Dear Bartholomew Featherstonehaugh-Montgomery and Colleagues,"
    people = [PEOPLE[0], ("Bartholomew Montgomery", long, ""), PEOPLE[1]]
    css = ".letter-start h1.subject { float: right; width: 70mm; margin: 0 0 2mm 5mm; }\n"
    _english_only(example)
    _addressees(example, people)
    _add_css(example, css)
    _said(_build(example), "beside")
    # The same letter laid out whole: a letter like no other is (build -v says so).
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "ws").mkdir()
    shutil.copytree(
        example, alone / "ws", dirs_exist_ok=True, ignore=shutil.ignore_patterns("build")
    )
    _addressees(alone / "ws", [people[1]], first=1)
    said = _build(alone / "ws")
    assert "laid out whole" in said or "share their pages" not in said
    stamped = example / "build" / LETTER.name / "to" / "bartholomew-montgomery.pdf"
    whole = alone / "ws" / "build" / LETTER.name / "to" / "bartholomew-montgomery.pdf"
    # Laid out whole the salutation wraps: 'Montgomery and Colleagues,' starts a line.
    assert re.search(r"^\s*Montgomery and Colleagues,", pdf_pages(whole)[0], re.M)
    # Found: one line, 'Dear Bartholomew Featherstonehaugh-Montgomery and Colleagues,'
    # printed over 'Re: Joint Open Letter', the text below one line higher than whole.
    assert re.search(r"^\s*Montgomery and Colleagues,", pdf_pages(stamped)[0], re.M)
    assert pictures(stamped) == pictures(whole)


def test_envelopes_numbered_by_page_count_every_envelope_once(example: Path) -> None:
    """A workspace's envelopes numbered 'No. N of M' (for the print shop's count).

    Laid out whole, envelope 51 of 55 says 'No. 51 of 55'. In the build the shared
    envelope (one page) says 'No. 1 of 1' under every envelope, the addresses' part
    over it 'No. N of 50' (its own count), and envelope 51 starts again at 'No. 1 of 5'.
    """
    _english_only(example)
    count = 55
    _addressees(example, [(f"Person {n}", f"Dear Person {n},", "") for n in range(count)])
    own = example / OWN / "envelopes.html.j2"
    html = own.read_text(encoding="utf-8")
    rule = "@page { size: {{ envelope.width }}mm {{ envelope.height }}mm; margin: 0; }"
    assert rule in html
    own.write_text(
        html.replace(
            rule,
            rule + '\n@page { margin: 0 0 8mm 0; @bottom-right { content: "No. " counter(page) '
            '" of " counter(pages); font: 7pt sans-serif; } }',
        ),
        encoding="utf-8",
    )
    _build(example)
    pages = _raw_pages(example / "build" / LETTER.name / "envelopes.pdf")
    assert len(pages) == count
    wrong = {}
    for n, page in enumerate(pages, 1):
        numbers = re.findall(r"No\. (\d+) of (\d+)", page)
        if numbers != [(str(n), str(count))]:
            wrong[n] = numbers
    # Found: {1: [('1', '1'), ('1', '50')], ..., 51: [('1', '1'), ('1', '5')], ...}
    shown = {n: wrong[n] for n in (1, 50, 51, count) if n in wrong}
    assert not wrong, f"{len(wrong)} envelopes numbered otherwise than laid out whole: {shown}"


def test_the_first_line_style_of_the_letter_reaches_the_salutation(example: Path) -> None:
    """The salutation before the subject (a template's own order), and the first line of
    the letter's opening set in red capitals (``.letter-start::first-line``).

    Laid out whole, that first line is the salutation: 'DEAR ANN LEE,' in red. Stamped,
    the salutation is laid out alone, out of the flow, where no first line reaches it:
    'Dear Ann Lee,' in black, in every letter (the first addressee's too).
    """
    _english_only(example)
    _addressees(example, PEOPLE)
    own = example / OWN / "letter.html.j2"
    html = own.read_text(encoding="utf-8")
    start = html.index("{% block subject %}")
    end = html.index("{% endblock %}", start) + len("{% endblock %}")
    subject, html = html[start:end], html[:start] + html[end:]
    after = html.index("{% endblock %}", html.index("{% block salutation %}"))
    after += len("{% endblock %}")
    own.write_text(html[:after] + "\n" + subject + html[after:], encoding="utf-8")
    _add_css(example, ".letter-start::first-line { color: #c00; text-transform: uppercase; }\n")
    _said(_build(example), "beside")
    wrong = {}
    for name, salutation, _ in PEOPLE:
        page = pdf_pages(example / "build" / LETTER.name / "to" / f"{_slug(name)}.pdf")[0]
        if salutation.upper() not in page:
            wrong[name] = [line.strip() for line in page.splitlines() if "Dear" in line]
    # Found: every letter, e.g. {'Ann Lee': ['Dear Ann Lee,'], ...}
    assert not wrong, f"salutations not set as the letter's first line: {wrong}"


def test_label_sheets_numbered_by_page_count_each_sheet_once(example: Path) -> None:
    """A workspace's label sheets numbered 'Sheet N of M': laid out whole, the seventh
    of seven sheets says 'Sheet 7 of 7'. Labels are laid out in parts of six sheets,
    each counting its own pages: sheets 1-6 say 'of 6', sheet 7 'Sheet 1 of 1'."""
    _english_only(example)
    count = 130  # 21 labels to an A4 sheet: 7 sheets
    _addressees(example, [(f"Person {n}", f"Dear Person {n},", "") for n in range(count)])
    own = example / OWN / "labels.html.j2"
    html = own.read_text(encoding="utf-8")
    rule = "@page { size: {{ page.size }}; margin: 0; }"
    assert rule in html
    own.write_text(
        html.replace(
            rule,
            rule + '\n@page { margin-bottom: 6mm; @bottom-center { content: "Sheet " '
            'counter(page) " of " counter(pages); font: 7pt sans-serif; } }',
        ),
        encoding="utf-8",
    )
    _build(example)
    pages = _raw_pages(example / "build" / LETTER.name / "labels.pdf")
    assert len(pages) == 7
    said = [re.findall(r"Sheet (\d+) of (\d+)", page) for page in pages]
    # Found: [[('1', '6')], ..., [('6', '6')], [('1', '1')]]
    assert said == [[(str(n), "7")] for n in range(1, 8)], said


def test_a_salutation_running_in_the_margins_is_each_letters_own(example: Path) -> None:
    """The salutation moved into every page's header (``position: running()``): each
    letter's pages are headed with its own addressee's, as laid out whole."""
    _english_only(example)
    _addressees(example, PEOPLE)
    _add_css(
        example,
        ".salutation { position: running(who); font: 8pt sans-serif; }\n"
        "@page { @top-center { content: element(who); } }\n",
    )
    _build(example)
    wrong = {}
    for name, salutation, _ in PEOPLE:
        pdf = example / "build" / LETTER.name / "to" / f"{_slug(name)}.pdf"
        pages = pdf_pages(pdf)
        shown = [page.count(salutation) for page in pages]
        others = [s for _, s, _ in PEOPLE if s != salutation and s in "".join(pages)]
        if others or not all(shown):
            wrong[name] = (shown, others)
    assert not wrong, f"letters headed with another addressee's salutation: {wrong}"
