"""``campaign preview``: a local web server showing one letter, recomposed as its files change.

The letter is composed exactly as ``campaign build`` composes it; in HTML mode the
browser lays it out in page-sized sheets (``static/preview.js``), in PDF mode
the server lays out the real PDF with WeasyPrint. A watcher thread polls the
letter's inputs and bumps a version number that the page polls, so the page
reloads itself. Problems never stop the server: the page lists them instead.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socketserver import TCPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from campaign.compose.composer import Composer
from campaign.compose.templating import TemplateFailed
from campaign.errors import CampaignError, Problem, ProblemsFound, display_path
from campaign.load.workspace import Workspace
from campaign.paper.envelopes import WINDOWS, page_geometry
from campaign.paper.sizes import FIRST_PAGE_TOP, PAPERS
from campaign.paths import MAX_BINARY, read_bytes, resolved
from campaign.preview.watching import Watcher

HOST = "127.0.0.1"
POLL_SECONDS = 0.3
ASSETS = Path(__file__).parent / "static"
ASSET_TYPES = {
    "preview.css": "text/css; charset=utf-8",
    "preview.js": "text/javascript; charset=utf-8",
}
# Only pictures are served from the letter folder: it also holds recipients.yaml,
# whose private fields must never leave the machine's files.
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
# Relative links in the letter (images beside letter.yaml) resolve below this path,
# as they resolve from the letter folder when WeasyPrint lays out the PDF.
LETTER_FILES = "/letter/"
# The page: the only script that runs is the preview's own (a template's <script> or
# a script of the letter folder is not); frames only from here, and every response
# but the page itself forbids scripts when framed (SANDBOXED).
CSP = (
    "default-src 'none'; script-src {script}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; "
    "base-uri 'self'; form-action 'none'; frame-ancestors 'self'"
)
PREVIEW_SCRIPT = "/_preview/preview.js"
# Every other response: an SVG opened in a frame (<iframe src="evil.svg">) is a page of
# its own, whose scripts would run with the preview's origin; 'sandbox' stops them.
SANDBOXED = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; sandbox; frame-ancestors 'self'"
)
# The PDF (--pdf): Chromium's viewer does not show a sandboxed PDF; it runs no page scripts.
PDF_CSP = "default-src 'self'; script-src 'none'; frame-ancestors 'self'"
# Connections served at once: a browser needs a handful; 300 slow ones took 300 threads.
MAX_CONNECTIONS = 16
# Seconds a connection may stay silent before it is closed.
CONNECTION_TIMEOUT = 10.0


@dataclass(frozen=True)
class Shown:
    """One problem as the page lists it: where, what, and the hint."""

    where: str
    message: str
    hint: str = ""
    warning: bool = False

    @classmethod
    def of(cls, problem: Problem, root: Path) -> Shown:
        """``problem`` with its path relative to the workspace, as the CLI would print it."""
        path = problem.path
        if path.is_absolute() and resolved(path).is_relative_to(root):
            path = resolved(path).relative_to(root)
        where = f"{path.as_posix()}:{problem.line}" if problem.line else path.as_posix()
        return cls(where, problem.message, problem.hint, problem.warning)

    @property
    def line(self) -> str:
        """``where: message``, on one line."""
        return f"{self.where}: {'warning: ' if self.warning else ''}{self.message}"


@dataclass(frozen=True)
class Page:
    """What the server shows for one version of the letter."""

    version: int
    html: bytes
    pdf: bytes | None = None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class Preview:
    """Serves one letter on 127.0.0.1 and recomposes it whenever one of its files changes."""

    def __init__(
        self,
        workspace: Workspace,
        slug: str,
        pdf: bool = False,
        log: Callable[[str], None] = _stderr,
        interval: float = POLL_SECONDS,
    ) -> None:
        self.workspace, self.slug, self.pdf, self.log = workspace, slug, pdf, log
        self.interval = interval
        self.root = workspace.root
        self.folder = self.root / "letters" / slug
        if not os.path.lexists(self.folder / "letter.yaml"):
            known = ", ".join(workspace.slugs()) or "none"
            raise CampaignError(f"no letter '{slug}' in {self.root / 'letters'} (letters: {known})")
        self.watcher = Watcher(self.root, slug)
        self.page = Page(0, b"")  # replaced whole, so a request never sees half an update
        self._stop = threading.Event()
        self._server: _Server | None = None
        self._threads: list[threading.Thread] = []
        self.rebuild()

    def rebuild(self) -> Page:
        """Compose the letter again (and lay out its PDF in PDF mode); publish a new version."""
        started = time.monotonic()
        version = self.page.version + 1
        try:
            composer, text, warnings = self._compose()
            problems = [Shown.of(p, self.root) for p in warnings]
            pdf = None
            if self.pdf:
                from campaign.pdf.render import render_pdf

                pdf = render_pdf(text, self.folder, self.root)
            shown = self._letter_page(composer, text, version, problems)
            page = Page(version, shown, pdf)
            warned = f" ({_plural(len(problems), 'warning')})" if problems else ""
            made = "built" if version == 1 else "rebuilt"
            self.log(f"{made} in {time.monotonic() - started:.2f} s{warned}")
        except Exception as exc:
            problems = self._problems(exc)
            page = Page(version, self._problems_page(version, problems))
            errors = [p for p in problems if not p.warning]
            self.log(f"{_plural(len(errors), 'problem')}: {errors[0].line}")
        self.page = page
        return page

    def _problems(self, exc: Exception) -> list[Shown]:
        """What went wrong, as the page lists it (always at least one error)."""
        if isinstance(exc, ProblemsFound):
            return [Shown.of(p, self.root) for p in exc.problems]
        if isinstance(exc, TemplateFailed):
            return [Shown.of(p, self.root) for p in exc.problems]
        if isinstance(exc, CampaignError):
            message, _, hint = exc.message.partition("\n  hint: ")
            return [Shown(f"letters/{self.slug}", message, hint)]
        # A half-saved file can fail in ways nobody foresaw; the server lives on.
        return [Shown(f"letters/{self.slug}", f"unexpected error: {exc!r}")]

    def _compose(self) -> tuple[Composer, str, list[Problem]]:
        """The letter's composer, its letter to the first addressee, and the warnings."""
        from campaign.build.check import check

        plans, warnings = check(self.workspace, [self.slug], every=False)
        composer = plans[0].composer  # the original; translations come after it
        if not composer.to:
            raise CampaignError("the letter has no addressee to preview it for (to: is empty)")
        return composer, composer.letter_html(composer.to[0]), warnings

    def _letter_page(
        self, composer: Composer, text: str, version: int, problems: list[Shown]
    ) -> bytes:
        config = _config(version, "pdf" if self.pdf else "html", self.slug, problems)
        if self.pdf:
            body = f'<iframe class="preview-pdf" src="/letter.pdf?v={version}"></iframe>'
            return _document(self.slug, config, body)
        return inject(text, config | geometry(composer)).encode()

    def _problems_page(self, version: int, problems: list[Shown]) -> bytes:
        errors = [p for p in problems if not p.warning]
        items = "".join(
            f'<li class="{"preview-warning" if p.warning else "preview-error"}">'
            f"<code>{html.escape(p.where)}:</code> "
            f"{'warning: ' if p.warning else ''}{html.escape(p.message)}"
            + (f'<div class="preview-hint">hint: {html.escape(p.hint)}</div>' if p.hint else "")
            + "</li>"
            for p in sorted(problems, key=lambda p: p.warning)  # errors first
        )
        body = (
            '<main class="preview-problems">'
            f"<h1>{_plural(len(errors), 'problem')} in "
            f"letters/{html.escape(self.slug)}</h1>"
            "<p>Fix and save: this page reloads by itself.</p>"
            f"<ul>{items}</ul></main>"
        )
        return _document(self.slug, _config(version, "problems", self.slug, []), body)

    def start(self, port: int = 8000) -> str:
        """Listen on 127.0.0.1:``port`` (0: any free port) and watch; returns the page's URL."""
        try:
            server = _Server((HOST, port), _Handler)
        except OSError as exc:
            raise CampaignError(
                f"cannot listen on {HOST}:{port}: {exc.strerror}\n"
                "  hint: pick another port with --port N, or --port 0 for any free one"
            ) from exc
        server.preview = self
        self._server = server
        self._threads = [
            threading.Thread(target=server.serve_forever, name="preview-http", daemon=True),
            threading.Thread(target=self._watch, name="preview-watch", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self.url

    @property
    def url(self) -> str:
        """The address of the page."""
        assert self._server is not None, "start() first"
        return f"http://{HOST}:{self._server.server_address[1]}/"

    def wait(self) -> None:
        """Block until ``shutdown`` (Ctrl+C interrupts the wait)."""
        while not self._stop.wait(1.0):
            pass

    def shutdown(self) -> None:
        """Stop serving and watching."""
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=10)

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            if self.watcher.changed():
                self.rebuild()


def _config(version: int, mode: str, slug: str, problems: list[Shown]) -> dict[str, Any]:
    """What preview.js needs in every mode: the version to poll against, the warnings."""
    return {
        "version": version,
        "mode": mode,
        "slug": slug,
        "warnings": [p.line for p in problems],
    }


def geometry(composer: Composer) -> dict[str, Any]:
    """The letter's paper, margins and envelope window in millimetres, for the paginator."""
    letter = composer.bundle.letter
    window = page_geometry(letter.paper, letter.envelope)["window"]
    envelope = WINDOWS[letter.envelope]
    return {
        "paper": (PAPERS[letter.paper].width, PAPERS[letter.paper].height),
        "margin": PAPERS[letter.paper].margins,
        "firstTop": FIRST_PAGE_TOP,
        # Relative to page 1's page area, like the letter's own absolute boxes.
        "window": {key: window[key] for key in ("left", "top", "width", "height")},
        "windowLabel": f"{envelope.envelope} envelope window ({envelope.name})",
        "pageOf": composer.labels["page_of"],
    }


def inject(letter: str, config: dict[str, Any]) -> str:
    """The letter's HTML with the preview's base URL, style sheet, settings and script."""
    head = (
        '<link rel="stylesheet" href="/_preview/preview.css">'
        f'<script type="application/json" id="campaign-preview">{_json(config)}</script>'
    )
    script = '<script src="/_preview/preview.js"></script>'
    # <base> comes first in <head>, so that every relative link after it uses it.
    letter, found = re.subn(
        r"<head\b[^>]*>", lambda m: f'{m.group(0)}<base href="{LETTER_FILES}">', letter, count=1
    )
    if not found:
        head = f'<base href="{LETTER_FILES}">' + head
    letter = (
        letter.replace("</head>", head + "</head>", 1) if "</head>" in letter else head + letter
    )
    if "</body>" not in letter:
        return letter + script
    return letter.replace("</body>", script + "</body>", 1)


def _json(value: Any) -> str:
    """JSON safe inside a <script> element: no '<' to close it early."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _document(slug: str, config: dict[str, Any], body: str) -> bytes:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(slug)} – campaign preview</title>"
        '<link rel="stylesheet" href="/_preview/preview.css">'
        f'<script type="application/json" id="campaign-preview">{_json(config)}</script>'
        f'</head><body class="preview-mode-{config["mode"]}">{body}'
        '<script src="/_preview/preview.js"></script></body></html>\n'
    ).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    preview: Preview

    def __init__(self, address: tuple[str, int], handler: Any) -> None:
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve the connection on a thread of its own, unless too many are open: close it."""
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Serve one connection, then free its place."""
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line, not a traceback; a browser that hangs up (reloading) is no error at all."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError):
            self.preview.log(f"a request failed: {exc!r}")

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host's name up (getfqdn), which can hang
        # on a machine without DNS; the name is never used here.
        TCPServer.server_bind(self)
        self.server_name, self.server_port = HOST, int(self.server_address[1])


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = CONNECTION_TIMEOUT  # a client that sends nothing does not keep its thread

    def do_GET(self) -> None:
        """The page, its version, its PDF, the preview's assets, pictures of the letter."""
        preview = self.server.preview
        port = self.server.server_address[1]
        # A page elsewhere could point its own host name at 127.0.0.1 (DNS rebinding)
        # and read the letter; only requests addressed to this server are answered.
        if self.headers.get("Host", "") not in (f"{HOST}:{port}", f"localhost:{port}"):
            self._send(HTTPStatus.FORBIDDEN, b"forbidden\n", "text/plain")
            return
        page = preview.page
        path = unquote(urlsplit(self.path).path)
        if path == "/":
            self._send(HTTPStatus.OK, page.html, "text/html; charset=utf-8")
        elif path == "/version":
            self._send(HTTPStatus.OK, str(page.version).encode(), "text/plain")
        elif path == "/letter.pdf" and page.pdf is not None:
            self._send(HTTPStatus.OK, page.pdf, "application/pdf")
        elif path.startswith("/_preview/") and path[10:] in ASSET_TYPES:
            name = path[10:]
            self._send(HTTPStatus.OK, read_bytes(ASSETS / name), ASSET_TYPES[name])
        elif path.startswith(LETTER_FILES) and (picture := _picture(preview.folder, path)):
            try:
                body = read_bytes(picture, MAX_BINARY)
            except OSError as exc:  # a pipe, a file too big: the build says so at its path
                why = f"{display_path(picture)}: {exc.strerror}\n"
                self._send(HTTPStatus.NOT_FOUND, why.encode(), "text/plain; charset=utf-8")
                return
            self._send(HTTPStatus.OK, body, IMAGE_TYPES[picture.suffix.lower()])
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")

    def _send(self, status: HTTPStatus, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", self._policy(kind))
        self.end_headers()
        self.wfile.write(body)

    def _policy(self, kind: str) -> str:
        """The Content-Security-Policy of a response of type ``kind``."""
        if kind.startswith("text/html"):
            port = self.server.server_address[1]
            script = " ".join(
                f"http://{host}:{port}{PREVIEW_SCRIPT}" for host in (HOST, "localhost")
            )
            return CSP.format(script=script)
        return PDF_CSP if kind == "application/pdf" else SANDBOXED

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal shows one line per rebuild, not every poll of /version."""


def _picture(folder: Path, path: str) -> Path | None:
    """The picture ``path`` names inside the letter folder, if it is one; else None."""
    try:
        # resolved() follows symlinks, so a link pointing out of the folder is refused too.
        target = resolved(folder / path[len(LETTER_FILES) :])
        inside = target.is_relative_to(resolved(folder))
        if inside and target.suffix.lower() in IMAGE_TYPES and target.is_file():
            return target
    except (OSError, ValueError):  # a name no file can have (NUL, far too long)
        pass
    return None
