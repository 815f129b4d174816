"""Reproducible PDFs (SOURCE_DATE_EPOCH), and the PDF/A-3b and PDF/UA-1 variants, validated."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pikepdf
import pytest
from pdfcheck import pdfa_problems, pdfua_problems, problems, validator_failures
from pypdf import PdfReader

from campaign.build.check import check
from campaign.drafting.scaffold import EXAMPLE
from campaign.load.workspace import Workspace
from campaign.pdf.render import render_pdf
from campaign.pdf.variants import document_date, fix_stream_ends, save, source_date

from conftest import copy_tree, pdf_text, run, snapshot

SLUG = "japan-hrc-2020"
EPOCH = "1581552000"  # 2020-02-13 00:00:00 UTC
PDFS = [
    "cc/toshimitsu-motegi.pdf",
    "cc/yoshihide-suga.pdf",
    "envelopes.pdf",
    "ja/cc/toshimitsu-motegi.pdf",
    "ja/cc/yoshihide-suga.pdf",
    "ja/envelopes.pdf",
    "ja/labels.pdf",
    "ja/parallel.pdf",
    "ja/print.pdf",
    "ja/signatories.pdf",
    "ja/to/shinzo-abe.pdf",
    "labels.pdf",
    "print.pdf",
    "signatories.pdf",
    "to/shinzo-abe.pdf",
]


def _build(ws: Path, *args: str) -> Path:
    """Build ``ws`` in this process with SOURCE_DATE_EPOCH set; its output folder."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = run("build", *args, workspace=ws)
    assert result.exit_code == 0, result.output
    return ws / "build" / SLUG


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example built without a variant, in one process (--jobs 1)."""
    return _build(copy_tree(EXAMPLE, tmp_path_factory.mktemp("a") / "ws"), "--jobs", "1")


@pytest.fixture(scope="module")
def plain_elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same, from another folder, by another process with other hash seeds and workers."""
    ws = copy_tree(EXAMPLE, tmp_path_factory.mktemp("b") / "deeper" / "campaign")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [sys.executable, "-m", "campaign", "-C", str(ws), "build", "--jobs", "2"],
        check=True,
        capture_output=True,
        env=env,
        # Not the folder pytest runs in: 'python -m' puts it first on the path, and in a
        # checkout it would run the checkout's campaign, not the installed one.
        cwd=ws,
    )
    return ws / "build" / SLUG


@pytest.fixture(scope="module")
def pdfa(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example built as PDF/A-3b."""
    ws = copy_tree(EXAMPLE, tmp_path_factory.mktemp("pdfa") / "ws")
    return _build(ws, "--pdf-variant", "pdf/a-3b")


@pytest.fixture(scope="module")
def pdfua(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example built as PDF/UA-1."""
    ws = copy_tree(EXAMPLE, tmp_path_factory.mktemp("pdfua") / "ws")
    return _build(ws, "--pdf-variant", "pdf/ua-1")


def _pdfs(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.pdf"))


def test_same_inputs_and_epoch_make_the_same_bytes(plain: Path, plain_elsewhere: Path) -> None:
    assert _pdfs(plain) == PDFS
    # Every file: PDFs, CSV, HTML and the manifest.
    assert snapshot(plain) == snapshot(plain_elsewhere)


def test_every_pdf_is_dated_source_date_epoch(plain: Path, pdfa: Path, pdfua: Path) -> None:
    # pdfa and pdfua are built by worker processes, which may have been forked from a
    # server started before SOURCE_DATE_EPOCH was set: the date must reach them anyway.
    epoch = dt.datetime(2020, 2, 13, tzinfo=dt.UTC)
    for folder in (plain, pdfa, pdfua):
        dates = {}
        for name in PDFS:
            meta = PdfReader(folder / name).metadata
            assert meta is not None, name
            dates[name] = (meta.creation_date, meta.modification_date)
        assert dates == dict.fromkeys(PDFS, (epoch, epoch))


def test_a_plain_build_is_neither_pdf_a_nor_pdf_ua(plain: Path) -> None:
    letter = plain / "signatories.pdf"
    assert "no XMP metadata (6.6.2.1)" in pdfa_problems(letter)
    assert any(
        f.startswith("PDFA3B-ID-SCHEMA-001: ") for f in validator_failures(letter, "pdf/a-3b")
    )
    assert "no StructTreeRoot (7.1)" in pdfua_problems(letter, "en-US")
    failures = validator_failures(letter, "pdf/ua-1")
    assert any(f.startswith("PDFUA1-ID-PART-001: ") for f in failures)


def _language(name: str) -> str:
    # parallel.pdf is the original's layout with the translation beside it.
    return "ja" if name.startswith("ja/") and name != "ja/parallel.pdf" else "en-US"


def test_every_pdf_of_a_pdf_a_build_is_pdf_a_3b(pdfa: Path) -> None:
    assert _pdfs(pdfa) == PDFS
    found = {name: validator_failures(pdfa / name, "pdf/a-3b") for name in PDFS}
    assert found == {name: [] for name in PDFS}
    ours = {name: problems(pdfa / name, "pdf/a-3b") for name in PDFS}
    assert ours == {name: [] for name in PDFS}


def test_every_pdf_of_a_pdf_ua_build_is_pdf_ua_1(pdfua: Path) -> None:
    assert _pdfs(pdfua) == PDFS
    found = {name: validator_failures(pdfua / name, "pdf/ua-1") for name in PDFS}
    assert found == {name: [] for name in PDFS}
    ours = {name: problems(pdfua / name, "pdf/ua-1", _language(name)) for name in PDFS}
    assert ours == {name: [] for name in PDFS}


def test_pdf_ua_carries_title_and_language(pdfua: Path) -> None:
    with pikepdf.open(pdfua / "ja" / "to" / "shinzo-abe.pdf") as pdf:
        assert str(pdf.Root.Lang) == "ja"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        meta = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        assert (
            meta["dc:title"] == "北朝鮮の人権侵害への取り組みからの日本の後退に関する共同公開書簡"
        )
    # print.pdf joins three tagged letters: one structure tree, a part per letter.
    with pikepdf.open(pdfua / "print.pdf") as pdf:
        document = pdf.Root.StructTreeRoot.K[0]
        assert [str(part.S) for part in document.K] == ["/Part", "/Part", "/Part"]


def test_variants_read_as_the_plain_build_does(plain: Path, pdfa: Path, pdfua: Path) -> None:
    texts = {name: pdf_text(plain / name) for name in PDFS}
    assert {name: pdf_text(pdfa / name) for name in PDFS} == texts
    assert {name: pdf_text(pdfua / name) for name in PDFS} == texts
    assert "Re:  Joint Open Letter on Japan’s Recent Disengagement" in texts["to/shinzo-abe.pdf"]


def test_the_variant_is_part_of_every_key(example: Path) -> None:
    workspace = Workspace(example)
    keys = {}
    for variant in ("", "pdf/a-3b", "pdf/ua-1"):
        plans, _ = check(workspace, None, variant=variant)
        keys[variant] = [o.key for plan in plans for o in plan.outputs]
        assert plans[0].variant == variant
    assert not set(keys[""]) & set(keys["pdf/a-3b"])
    assert not set(keys[""]) & set(keys["pdf/ua-1"])
    assert not set(keys["pdf/a-3b"]) & set(keys["pdf/ua-1"])
    plans, _ = check(workspace, None, variant="pdf/ua-1")
    every = len(plans[0].composer.to)
    assert plans[0].shared.reasons == (("PDF/UA-1 tags each letter as a whole", every),)


def test_so_is_source_date_epoch(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = Workspace(example)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    before = [o.key for o in check(workspace, None)[0][0].outputs]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1581638400")
    after = [o.key for o in check(workspace, None)[0][0].outputs]
    assert not set(before) & set(after)


def test_campaign_yaml_names_the_variant_and_build_overrides_it(example: Path) -> None:
    settings = example / "campaign.yaml"
    settings.write_text(settings.read_text() + "pdf_variant: pdf/ua-1\n")
    plans, _ = check(Workspace(example), None)
    assert [p.variant for p in plans] == ["pdf/ua-1", "pdf/ua-1"]  # the original and ja
    plans, _ = check(Workspace(example), None, variant="")
    assert [p.variant for p in plans] == ["", ""]


def test_an_unknown_variant_in_campaign_yaml_is_an_error(example: Path) -> None:
    settings = example / "campaign.yaml"
    text = settings.read_text()
    settings.write_text(text + "pdf_variant: pdf/a-2b\n")
    line = text.count("\n") + 1
    result = run("check", workspace=example)
    assert result.exit_code == 1
    assert (
        f"campaign.yaml:{line}: 'pdf_variant' must be one of pdf/a-3b, pdf/ua-1, not 'pdf/a-2b'"
    ) in result.stderr


def test_a_bad_source_date_epoch_is_an_error_and_nothing_is_built(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = run("build", workspace=example)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: SOURCE_DATE_EPOCH: 'yesterday' is not a number of seconds since 1970-01-01\n"
        "  hint: set it to a whole number such as $(git log -1 --format=%ct), or unset it\n"
    )
    assert not (example / "build").exists()


def test_source_date_epoch_reads_as_a_utc_date(monkeypatch: pytest.MonkeyPatch) -> None:
    assert source_date({"SOURCE_DATE_EPOCH": EPOCH}) == "2020-02-13T00:00:00Z"
    assert source_date({"SOURCE_DATE_EPOCH": " "}) == ""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert document_date() == "2020-02-13T00:00:00Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document_date())  # now


def test_a_stream_ending_in_cr_is_wrapped_in_ascii85() -> None:
    pdf = pikepdf.new()
    data = b"BT /F1 12 Tf (x) Tj ET\r"
    stream = pikepdf.Stream(pdf, data)
    pdf.Root.Probe = pdf.make_indirect(stream)
    assert fix_stream_ends(pdf)
    assert stream.read_raw_bytes().endswith(b"~>")
    assert stream.read_bytes() == data
    with pikepdf.open(io.BytesIO(save(pdf, "pdf/a-3b"))) as again:
        assert again.Root.Probe.read_bytes() == data
        assert not again.Root.Probe.read_raw_bytes().endswith(b"\r")


def _png() -> bytes:
    """A one-pixel green PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    pixels = zlib.compress(b"\x00\x00\xff\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("template", ["joint-letter", "formal-letter", "petition"])
def test_each_shipped_template_makes_a_pdf_ua_letter(
    example: Path, tmp_path: Path, template: str
) -> None:
    # The formal letter's signature image is a figure, which needs its alternative text.
    letter = example / "letters" / SLUG / "letter.yaml"
    text = letter.read_text().replace("template: joint-letter", f"template: {template}")
    letter.write_text(text + "signers:\n  - name: Jane Doe\n    signature: signature.png\n")
    (letter.parent / "signature.png").write_bytes(_png())
    plans, _ = check(Workspace(example), [SLUG], variant="pdf/ua-1")
    composer = plans[0].composer
    html = composer.letter_html(composer.to[0])
    assert ('alt="Jane Doe"' in html) == (template == "formal-letter")
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(render_pdf(html, letter.parent, example, "pdf/ua-1"))
    assert validator_failures(pdf, "pdf/ua-1") == []
    assert problems(pdf, "pdf/ua-1", "en-US") == []
