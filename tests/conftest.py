"""Shared helpers: workspaces in tmp_path, the CLI runner, and reading PDFs back."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISDIR
from typing import Any

import pikepdf
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from smtpbox import Inbox, serve

from campaign.cli.main import cli
from campaign.drafting.scaffold import EXAMPLE
from campaign.model import fields

import pgserver

FIXTURES = Path(__file__).parent / "e2e" / "fixtures"
MM_PER_PT = 25.4 / 72

# Fuzzing (test_fuzz.py). 'default' is what `make test` and CI run: the same examples
# every time, no example database. 'long' (`make fuzz`) runs ten times as many examples,
# random ones, and remembers the failing ones in .hypothesis/. Neither has a deadline:
# timing varies on a busy machine; a watchdog in test_fuzz.py catches real hangs.
_FUZZ = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("default", derandomize=True, database=None, print_blob=True, **_FUZZ)
settings.register_profile("long", derandomize=False, print_blob=True, **_FUZZ)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test in its own folder, so relative paths in messages are predictable."""
    monkeypatch.chdir(tmp_path)
    # The key that seals kept list readings lives in the user's cache folder: a test's
    # own, beside its folder (not in it, where snapshots of the workspace would see it).
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path.parent / f"{tmp_path.name}-cache"))


class Days:
    """The days a test ran on: the one it began on, and the next should it run past midnight.

    A date taken when the test module was imported was wrong for every test run after
    midnight, in a suite that takes twenty minutes (four tests failed so in CI).
    """

    def __init__(self, utc: bool = False) -> None:
        self._utc = utc  # the sign-on page dates signatures in UTC, the CLI in local time
        self.first = self._today()

    def _today(self) -> dt.date:
        return dt.datetime.now(dt.UTC).date() if self._utc else dt.date.today()

    def __iter__(self) -> Iterator[dt.date]:
        return iter(sorted({self.first, self._today()}))

    def __contains__(self, day: object) -> bool:
        return any(day in (each, each.isoformat()) for each in self)


@pytest.fixture
def days() -> Days:
    """The local days this test runs on (``Days``)."""
    return Days()


def copy_tree(source: Path, target: Path) -> Path:
    """Copy a fixture folder over ``target`` (files already there are replaced)."""
    shutil.copytree(source, target, dirs_exist_ok=True)
    return target


# What the wheel ships of the example (pyproject.toml): run from a checkout, EXAMPLE is the
# repository's top, and a copy of all of it (its .venv, its .git) took a gigabyte a test.
EXAMPLE_FILES = ("campaign.yaml", "letters", "signatories")


def copy_example(target: Path) -> Path:
    """Copy the example workspace that ``campaign init`` ships over ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in EXAMPLE_FILES:
        if (EXAMPLE / name).is_dir():
            shutil.copytree(EXAMPLE / name, target / name, dirs_exist_ok=True)
        else:
            shutil.copy2(EXAMPLE / name, target / name)
    return target


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the example workspace that ``campaign init`` ships."""
    return copy_example(tmp_path / "ws")


@pytest.fixture
def fsynced(monkeypatch: pytest.MonkeyPatch) -> list[os.stat_result]:
    """What each ``os.fsync`` flushed from now on, in order (a file's or a folder's stat)."""
    flushed: list[os.stat_result] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        flushed.append(os.fstat(fd))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    return flushed


def kinds(flushed: list[os.stat_result]) -> list[str]:
    """'file' or 'folder' for each of ``flushed``."""
    return ["folder" if S_ISDIR(info.st_mode) else "file" for info in flushed]


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A small workspace with one signatory of every status."""
    return copy_tree(FIXTURES / "minimal", tmp_path / "ws")


# The minimal workspace's settings, and an e-mail address for the sender to send from.
SENDER = (
    "sender:\n  name: Test Coalition\n  address: [1 Test Street, 10115 Berlin]\n"
    "  email: coalition@example.org\nlanguage: en-US\n"
)


# A list of signers for ``campaign notify``, one of every case of consent (tests/e2e/
# test_notify.py); ``signers_of`` takes a few of them.
SIGNERS = """\
signatories:
  - name: Zoë Zimmer
    type: individual
    group: intl
    signed: 2024-04-01
    email: zoe@example.org
    phone: PHONE-MARK
    notes: NOTES-MARK
    source: SOURCE-MARK
    contact: 'yes'
  - name: Émile Abel
    type: individual
    affiliation: University of Tests
    country: France
    group: intl
    signed: 2024-04-02
    email: emile@example.org
    contact: 'yes'
  - name: Withdrawn Person
    type: individual
    group: intl
    signed: 2024-04-02
    status: withdrawn
    withdrawn: 2024-04-10
    email: gone@example.org
    contact: 'yes'
  - name: Pending Person
    type: individual
    group: intl
    status: pending
    email: pending@example.org
    contact: 'yes'
  - name: Nay Sayer
    type: individual
    group: intl
    signed: 2024-04-02
    email: nay@example.org
    contact: 'no'
  - name: Opted Out
    type: individual
    group: intl
    signed: 2024-04-02
    email: out@example.org
    contact: 'yes'
    optout: 2024-04-20
  - name: Never Asked
    type: individual
    group: intl
    signed: 2024-04-02
    email: asked@example.org
  - name: beta Organization
    type: organization
    group: orgs
    signed: 2024-04-03
    email: beta@example.org
    contact: 'yes'
  - name: Alpha Organization
    type: organization
    country: Germany
    group: orgs
    signed: 2024-04-03
    email: alpha@example.org
    contact: 'yes'
  - name: Paper Only
    type: organization
    group: orgs
    signed: 2024-04-03
    contact: 'yes'
"""


def signers_of(names: tuple[str, ...], listed: str = SIGNERS) -> str:
    """``listed`` (a list's YAML) with only the entries named ``names``, in its order."""
    head, *entries = re.split(r"(?m)^(?=  - name: )", listed)
    kept = [entry for entry in entries if entry.split("\n")[0].removeprefix("  - name: ") in names]
    assert len(kept) == len(names), names  # a name not on the list, or on it twice
    return head + "".join(kept)


# A sender whose name and street number a page right to left would turn round if they
# were set in its direction (".e.V Test Coalition", "Test Street 1-3").
LATIN_SENDER = "sender:\n  name: Test Coalition e.V.\n  address: [1-3 Test Street, 10115 Berlin]\n"


def one_letter(
    root: Path,
    language: str,
    *,
    sender: str,
    signatories: tuple[str, str],
    groups: dict[str, str],
    recipients: str,
    body: str,
    extra: str = "",
) -> Path:
    """A workspace of one letter, 'l', in ``language``, signed from ``signatories`` (name, YAML)."""
    letter = root / "letters" / "l"
    letter.mkdir(parents=True)
    (root / "signatories").mkdir()
    (root / "campaign.yaml").write_text(sender, encoding="utf-8")
    list_name, listed = signatories
    headings = "".join(f"    - key: {key}\n      heading: {name}\n" for key, name in groups.items())
    (letter / "letter.yaml").write_text(
        "title: Test title\nsubject: Test subject\ndate: 2020-02-13\n"
        f"language: {language}\nenvelope: din5008-b\n"
        f"signatories:\n  list: {list_name}\n  groups:\n{headings}"
        "closing: Closing line.\n" + extra,
        encoding="utf-8",
    )
    (letter / "recipients.yaml").write_text(recipients, encoding="utf-8")
    (letter / "body.md").write_text(body, encoding="utf-8")
    (root / "signatories" / f"{list_name}.yaml").write_text(listed, encoding="utf-8")
    return root


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """An SMTP server on 127.0.0.1 (CAMPAIGN_SMTP_* point at it), stopped after the test."""
    box = Inbox()
    for _server in serve(monkeypatch, box):
        yield box


@pytest.fixture
def sending(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal workspace (the current folder), whose sender has an address to send from."""
    monkeypatch.chdir(minimal)
    (minimal / "campaign.yaml").write_text(SENDER)
    return minimal


@pytest.fixture
def workspace(sending: Path, inbox: Inbox) -> Path:
    """The sending workspace with the SMTP server running (the sign-on page's tests)."""
    return sending


def chromium(profile: Path, width: int, height: int) -> webdriver.Chrome:
    """Headless Chromium from Debian; nothing is downloaded, nothing reaches the network.

    The viewport is ``width`` × ``height`` at one device pixel per CSS pixel, so sizes are exact.
    """
    options = webdriver.ChromeOptions()
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(
        service=Service(executable_path="/usr/bin/chromedriver"), options=options
    )
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    return driver


def run(*args: str, workspace: Path | None = None, input: str | None = None) -> Result:
    """Run the CLI in-process; stdout and stderr are kept apart."""
    argv = ["--workspace", str(workspace), *args] if workspace else list(args)
    return CliRunner().invoke(cli, argv, obj={}, catch_exceptions=False, input=input)


def imported(list_name: str, rows: str, *options: str) -> Result:
    """``sig import`` into ``list_name`` of ``rows``, a form's CSV written to form.csv here."""
    Path("form.csv").write_text(rows, encoding="utf-8")
    return run("sig", "import", list_name, "form.csv", *options)


def tree_shown(element: ET.Element) -> object:
    """Everything a comparison of parsed trees sees: tag, attributes in order, text, tail."""
    return (
        element.tag if isinstance(element.tag, str) else "#comment",
        list(element.attrib.items()),
        element.text,
        element.tail,
        [tree_shown(child) for child in element],
    )


def pdf_text(path: Path) -> str:
    """What a reader sees, page after page ('\\f' between pages), in reading layout."""
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pictures(pdf: Path | bytes, dpi: int = 60, last: int | None = None) -> list[bytes]:
    """Each page of ``pdf`` (up to ``last``) drawn by pdftoppm at ``dpi``, as PNG bytes."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        if isinstance(pdf, bytes):
            (folder / "in.pdf").write_bytes(pdf)
            pdf = folder / "in.pdf"
        pages = [] if last is None else ["-l", str(last)]
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), *pages, str(pdf), str(folder / "p")], check=True
        )
        # pdftoppm pads the page numbers to one width, so the names sort as the pages do
        drawn = [path.read_bytes() for path in sorted(folder.glob("p-*.png"))]
    assert drawn, f"pdftoppm drew no page of {pdf}"  # else two comparisons of [] would pass
    return drawn


def pdf_pages(path: Path) -> list[str]:
    """The text of each page."""
    return pdf_text(path).split("\f")[:-1]


def body_text(driver: webdriver.Chrome) -> str:
    """What the page in the browser says, as its reader sees it."""
    return str(driver.find_element(By.TAG_NAME, "body").text)


def text_while_loading(driver: webdriver.Chrome) -> str:
    """The page's text for a wait to test, '' while the page is being replaced under the read.

    A click or a reload replaces the document between finding its body and asking for
    that body's text: Chromium says so as a stale element, or as an inspector error
    ("Node with given id does not belong to the document"). Either is a reason to look
    again; any other error is not.
    """
    try:
        return body_text(driver)
    except StaleElementReferenceException:
        return ""
    except WebDriverException as exc:
        if "does not belong to the document" in str(exc.msg or ""):
            return ""
        raise


def audited(said: dict[str, str], lines: dict[str, int]) -> str:
    """The lines 'sig audit' prints after its summary: each name's, in the file's order."""
    return "".join(
        f"line {lines[name]}: {name}: {said[name]}\n"
        for name in sorted(said, key=lambda name: lines[name])
    )


def flat(text: str) -> str:
    """Text with all runs of white space folded to one space."""
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Word:
    """A word on a page, with its box in millimetres from the top-left corner."""

    text: str
    left: float
    top: float
    right: float
    bottom: float


def pdf_words(path: Path, page: int = 1) -> list[Word]:
    """Every word of one page with its position (poppler's bounding boxes)."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    root = ET.fromstring(xhtml)
    words = []
    for el in root.iter():
        if el.tag.endswith("word"):
            box = [float(el.attrib[k]) * MM_PER_PT for k in ("xMin", "yMin", "xMax", "yMax")]
            words.append(Word(el.text or "", *box))
    return words


def page_lines(words: list[Word]) -> list[str]:
    """The page's lines, top to bottom, each its words left to right as they stand."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (round(w.top), w.left)):
        if rows and abs(rows[-1][0].top - word.top) < 1:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [" ".join(w.text for w in sorted(row, key=lambda w: w.left)) for row in rows]


def line_at(words: list[Word], first: str) -> str:
    """The words on the line of the word ``first``, left to right, as they stand."""
    anchor = next(w for w in words if w.text.strip(".") == first.strip("."))
    same = [w for w in words if abs(w.top - anchor.top) < 1]
    return " ".join(w.text for w in sorted(same, key=lambda w: w.left))


def pdf_info(path: Path) -> dict[str, str]:
    """The PDF's metadata as pdfinfo shows it."""
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def snapshot(folder: Path) -> dict[str, str]:
    """Hashes of every file below ``folder``, to prove nothing was touched."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def tiny_png() -> bytes:
    """A valid 1×1 red PNG, made here so the test needs no image file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def everything_in(pdf: Path) -> bytes:
    """The file's bytes, then every stream decoded: what a program can read out of it."""
    parts = [pdf.read_bytes()]
    with pikepdf.open(pdf) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    parts.append(obj.read_bytes())
                except pikepdf.PdfError:  # an image codec qpdf does not decode
                    parts.append(obj.read_raw_bytes())
    return b"\n".join(parts)


_EMAILS = {f.key for table in fields.TABLES.values() for f in table if f.kind == fields.EMAIL}


def with_markers(path: Path, fields: tuple[str, ...], tag: str) -> list[str]:
    """Give every entry of a YAML list a unique marker in each private field."""
    markers: list[str] = []
    lines = []
    for line in path.read_text().splitlines(keepends=True):
        lines.append(line)
        found = re.match(r"(\s*)- name: ", line)
        if found:
            indent = found.group(1) + "  "
            n = len(markers) // len(fields)
            for field in fields:
                value = f"{tag}{n}-{field}-mark"
                value = f"{value}@private.example" if field in _EMAILS else value
                lines.append(f"{indent}{field}: {value}\n")
                markers.append(value)
    path.write_text("".join(lines))
    return markers


@pytest.fixture(scope="session")
def postgres() -> Iterator[pgserver.PostgresServer]:
    """A real PostgreSQL server on 127.0.0.1 for the whole run, started on first use."""
    if pgserver.binaries() is None:
        pytest.skip(pgserver.MISSING)
    with pgserver.running(fast=True) as server:
        yield server


@pytest.fixture
def postgres_url(postgres: pgserver.PostgresServer) -> str:
    """The URL of a new, empty database on that server, for one test."""
    return postgres.create_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that takes it runs twice: on an SQLite file, then on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'signon.sqlite'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def processes(where: int, leader: int) -> list[int]:
    """The live processes (not zombies) whose /proc stat field ``where`` is ``leader``.

    Field 1 is the parent's pid, field 3 the session's: what a test looks for when it
    checks that a stopped command left nothing running.
    """
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[where]) == leader and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def stops_as_in_a_terminal() -> None:
    """A child's Ctrl+C, SIGTERM and SIGHUP at their defaults, as a terminal gives them.

    For ``preexec_fn``: whatever ran the tests may have left them ignored (``nohup``
    ignores SIGHUP, a shell's background job SIGINT), and a child keeps what is ignored.
    """
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)


def run_alone(command: list[str], timeout: float = 120) -> tuple[str, str, int]:
    """``command`` in a session of its own: what it printed and how it ended.

    Returns once every process of the session has let go of its output (any left would
    hold the pipes, and this would wait until ``timeout``), and checks none is left.
    """
    run = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=stops_as_in_a_terminal,
    )
    try:
        out, err = run.communicate(timeout=timeout)
    finally:
        os.killpg(run.pid, signal.SIGKILL) if processes(3, run.pid) else None
        run.wait()
    for _ in range(600):  # one may have closed its end of the pipes but not yet exited (30 s)
        if not processes(3, run.pid):
            break
        time.sleep(0.05)
    assert processes(3, run.pid) == []
    return out, err, run.returncode


def only_the_tracker_speaks(err: str) -> bool:
    """Whether ``err`` holds nothing but multiprocessing's resource tracker's words.

    After a process is killed outright it says it removed the process's semaphores.
    """
    return all("resource_tracker" in line for line in err.splitlines() if line.strip())


def grouped_list(style: str, size: int, groups: int = 6) -> str:
    """A list page: ``groups`` groups of ``size`` names, each under its heading; ``style`` added."""
    body = "".join(
        f"<h3>Group {g}</h3><ul>{''.join(f'<li>Name {g}-{n}</li>' for n in range(size))}</ul>"
        for g in range(groups)
    )
    return (
        f"<html><head><title>t</title><style>body, ul {{ margin: 0 }} {style}</style></head>"
        f'<body><section class="signatures">{body}</section></body></html>'
    )


def read_list_here(path: Path) -> tuple[Any, list[Any], list[Any]]:
    """``read_list`` of ``path`` in this process (never in a child, as for a short list)."""
    from campaign.lists import listfile

    problems: list[Any] = []
    kept: list[Any] = []
    with pytest.MonkeyPatch.context() as here:
        here.setattr(listfile, "APART", 10**12)
        return listfile.read_list(path, problems, kept), problems, kept


def _not_streamed(cls: Any, path: Path, raw: bytes) -> Any:
    from campaign.load.yamlfile import NotStreamed

    raise NotStreamed


def list_file_read_whole(path: Path) -> Any:
    """``ListFile.load(path)`` read whole (never an entry at a time): every key placed."""
    from campaign.lists.listfile import ListFile

    with pytest.MonkeyPatch.context() as whole:
        whole.setattr(ListFile, "streamed", classmethod(_not_streamed))
        return ListFile.load(path)


def list_written(folder: Path, text: str) -> Path:
    """``text`` as signatories/people.yaml of a workspace of its own under ``folder``."""
    root = Path(tempfile.mkdtemp(dir=folder))
    (root / ".campaign").mkdir()
    (root / "signatories").mkdir()
    path = root / "signatories" / "people.yaml"
    path.write_bytes(text.encode())
    return path


def list_saved(path: Path, index: int, **values: Any) -> str:
    """Entry ``index`` of the list at ``path`` changed as ``sig set`` changes it; the text saved."""
    from campaign.lists.listfile import ListFile

    listed = ListFile.load(path)
    listed.update(index, **values)
    listed.save()
    return path.read_text(encoding="utf-8")


def list_refused(folder: Path, text: str, edit: Callable[[Any], Any]) -> list[tuple[int, str]]:
    """``edit`` of the list ``text`` (given its ListFile) refused when saved: each problem's
    line and message; the file is checked to be as it was."""
    from campaign.errors import ProblemsFound
    from campaign.lists.listfile import ListFile

    path = list_written(folder, text)
    listed = ListFile.load(path)
    edit(listed)
    with pytest.raises(ProblemsFound) as raised:
        listed.save()
    assert path.read_bytes() == text.encode(), "a refused edit wrote to the file"
    return [(problem.line, problem.message) for problem in raised.value.problems]


def list_edited(folder: Path, text: str, edit: Callable[[Any], Any]) -> str:
    """The list ``text`` edited by ``edit`` (given its ListFile) and saved: the text written."""
    from campaign.lists.listfile import ListFile

    path = list_written(folder, text)
    listed = ListFile.load(path)
    edit(listed)
    listed.save()
    return path.read_text(encoding="utf-8")


def list_entries(text: str) -> list[dict[str, Any]]:
    """The entries of a list's text as reading it makes them (a plain text stays text)."""
    from campaign.load.yamlfile import compose_as_read, data_as_read

    return [dict(entry) for entry in data_as_read(compose_as_read(text))["signatories"]]


def same_places(kept: list[Any], read: list[Any]) -> bool:
    """Each entry in the same place, and its keys, where ``kept`` has them yet (an entry
    read an entry at a time has its keys placed when an edit needs them)."""
    from dataclasses import replace

    return len(kept) == len(read) and all(
        replace(k, keys=None) == replace(r, keys=None) and k.keys in (None, r.keys)
        for k, r in zip(kept, read, strict=True)
    )
