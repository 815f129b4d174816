"""The sign-on page as a Flask application: the letter, its signers, and the form.

``create_app`` is the WSGI entry point: ``campaign signon serve`` runs it with
gunicorn (server.py), and a coalition can run it with any WSGI server (docs/signon.md).
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import logging
import multiprocessing
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from markupsafe import Markup
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from campaign.errors import CampaignError
from campaign.files.atomic import create_atomic, read_regular
from campaign.signon import form
from campaign.signon.letter import LetterPage, load_page
from campaign.signon.store import Store, Submission, Unavailable, default_url

log = logging.getLogger("campaign.signon")

# A form of ten short fields is a few kilobytes; anything far larger is refused whole
# (413) before a byte of it is parsed or stored.
MAX_REQUEST = 64 * 1024
# How long the public list and the counts are reused before the database is asked again.
LIST_SECONDS = 1.0
ENV_PREFIX = "CAMPAIGN_"


@dataclass
class Signon:
    """What the application holds between requests."""

    page: LetterPage
    store: Store
    public_url: str
    host: str
    confirm_links: URLSafeTimedSerializer
    withdraw_links: URLSafeTimedSerializer
    wake: threading.Event = field(default_factory=threading.Event)
    _listed: tuple[float, Any, Markup] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # When the last confirmation or withdrawal was, in memory shared with the processes
    # the server forks: one that confirms tells the others' cached listing it is stale.
    # No lock: a process killed -9 holding one would hang every other's page forever.
    # Each writes the clock (the same in every process, and new each time), so that two
    # writing at once still leave a value no cached listing was made under; an aligned
    # 8-byte word is read and written whole.
    _changes: Any = field(default_factory=lambda: multiprocessing.RawValue("Q", 0))

    def link(self, kind: str, token: str) -> str:
        """The absolute URL of a confirm or withdraw link."""
        return f"{self.public_url}/{kind}/{token}"

    def listing(self) -> Markup:
        """The counts and the public list, rendered; reused for LIST_SECONDS.

        Not once the list in git has changed (a pull, an approval): that shows at once.
        """
        moment = time.monotonic()
        stamp = (self.page.list_stamp(), self._changes.value)
        cached = self._listed
        if cached is not None and moment - cached[0] < LIST_SECONDS and cached[1] == stamp:
            return cached[2]
        confirmed, withdrawn = self.store.confirmed(self.page.slug)
        block = self.page.signatures(confirmed, withdrawn)
        html = Markup(render_template("listing.html", block=block, words=self.page.words))
        with self._lock:
            self._listed = (moment, stamp, html)
        return html

    def mail(self, s: Submission) -> tuple[str, str]:
        """The subject and text of the e-mail a submission gets: confirm, or signed already."""
        page, words = self.page, self.page.words
        withdraw = self.link("withdraw", self.withdraw_links.dumps([s.id, s.nonce]))
        title = page.letter.title
        if s.confirmed is not None:
            subject = words["signon_mail_already_subject"].format(title=title)
            body = words["signon_mail_already"].format(
                title=title, signer=page.signer(s), withdraw=withdraw
            )
        else:
            confirm = self.link("confirm", self.confirm_links.dumps([s.id, s.nonce]))
            subject = words["signon_mail_confirm_subject"].format(title=title)
            body = words["signon_mail_confirm"].format(
                title=title,
                signer=page.signer(s),
                days=page.settings.confirm_days,
                confirm=confirm,
                withdraw=withdraw,
            )
        return subject, body + "\n"

    def forget_listing(self) -> None:
        """Show the next visitor what just changed, whichever process answers."""
        with self._lock:
            self._listed = None
        self._changes.value = time.monotonic_ns()


def _env(name: str, given: Any) -> Any:
    return given if given not in (None, "") else os.environ.get(ENV_PREFIX + name) or None


def secret_key(root: Path) -> str:
    """CAMPAIGN_SECRET_KEY, else the workspace's own key (made on first use, private)."""
    given = os.environ.get(ENV_PREFIX + "SECRET_KEY")
    if given:
        return given
    folder = private_folder(root)
    path = folder / "secret_key"
    if not path.exists():
        # Two instances starting at once end with one key, not two, and none reads it
        # half written.
        create_atomic(path, secrets.token_urlsafe(48) + "\n")
    # Only a file: a FIFO planted in a workspace handed over must not hang the page.
    kept = read_regular(path, 4096)
    key = kept.decode("ascii", "replace").strip() if kept is not None else ""
    if len(key) < 32:
        raise CampaignError(f"{path} holds no usable key; delete it to make a new one")
    return key


def private_folder(root: Path) -> Path:
    """``.campaign/`` in the workspace: local databases and keys, never committed."""
    folder = root / ".campaign"
    folder.mkdir(mode=0o700, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Made by campaign: local data, never to be committed.\n*\n")
    return folder


def create_app(
    workspace: str | Path | None = None,
    slug: str | None = None,
    database: str | None = None,
    public_url: str | None = None,
    *,
    store: Store | None = None,
    threads: int = 8,
    db_timeout: float = 10.0,
) -> Flask:
    """The sign-on page of one letter, as a WSGI application.

    Each argument left out is read from the environment: CAMPAIGN_WORKSPACE (else the
    current folder's workspace), CAMPAIGN_LETTER, CAMPAIGN_DATABASE (else SQLite in
    the workspace's .campaign/), CAMPAIGN_PUBLIC_URL, and CAMPAIGN_SECRET_KEY (else a
    key kept in .campaign/). The e-mails are sent by a worker (``campaign signon
    worker``, or the one ``campaign signon serve`` runs).
    """
    from campaign.load.workspace import Workspace

    where = _env("WORKSPACE", workspace)
    root = Workspace(Path(where)).root if where else Workspace.find(Path.cwd()).root
    slug = _env("LETTER", slug)
    if not slug:
        raise CampaignError("which letter? give its slug, or set CAMPAIGN_LETTER")
    url = _env("PUBLIC_URL", public_url)
    if not url:
        raise CampaignError(
            "the sign-on page needs its public address for the links it mails\n"
            "  hint: --public-url https://sign.example.org, or set CAMPAIGN_PUBLIC_URL"
        )
    public = public_address(url)
    page = load_page(root, slug)
    if store is None:
        private_folder(root)
        store = Store(_env("DATABASE", database) or default_url(root), threads + 2, db_timeout)
        store.prepare()
    key = secret_key(root)
    state = Signon(
        page=page,
        store=store,
        public_url=public.rstrip("/"),
        host=urlsplit(public).netloc.lower(),
        # A link is good on its own letter's page only: the letters of a workspace
        # share its key and its database, whose rows a link names by number.
        confirm_links=URLSafeTimedSerializer(key, salt=f"campaign-signon-confirm:{page.slug}"),
        withdraw_links=URLSafeTimedSerializer(key, salt=f"campaign-signon-withdraw:{page.slug}"),
    )
    app = Flask(__name__)
    app.session_interface = _Sessions()
    app.config.update(
        SECRET_KEY=key,
        MAX_CONTENT_LENGTH=MAX_REQUEST,
        MAX_FORM_MEMORY_SIZE=MAX_REQUEST,
        SESSION_COOKIE_NAME="campaign_signon",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=public.startswith("https://"),
        SESSION_COOKIE_PATH=urlsplit(public).path.rstrip("/") or "/",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(days=1),
    )
    app.extensions["campaign_signon"] = state
    if page.settings.proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=page.settings.proxies, x_proto=page.settings.proxies
        )
    _routes(app, state)
    return app


class _Sessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, their serializer made once, not on every request."""

    _serializer: URLSafeTimedSerializer | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if self._serializer is None:
            self._serializer = super().get_signing_serializer(app)
        return self._serializer


def public_address(url: str) -> str:
    """The public URL, checked: http(s), a host, no query."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise CampaignError(
            f"'{url}' is not a public address for the page\n"
            "  hint: give its URL as visitors type it, e.g. https://sign.example.org"
        )
    return url


def _routes(app: Flask, state: Signon) -> None:
    page = state.page
    words = page.words

    def answer(status: int, title: str, message: str, extra: str = "") -> Response:
        html = render_template(
            "message.html", page=page, words=words, title=title, message=message, extra=extra
        )
        return Response(html, status, content_type="text/html; charset=utf-8")

    @app.before_request
    def _checked_host() -> Response | None:
        if request.path == "/healthz":  # a load balancer asks by its own name for the host
            return None
        if request.host.lower() != state.host:
            return answer(400, words["signon_problem_title"], words["signon_wrong_host"])
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"  # the links carry tokens
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(Unavailable)
    def _unavailable(exc: Unavailable) -> Response:
        log.error("database unavailable (%s %s): %s", request.method, request.path, exc)
        return answer(503, words["signon_problem_title"], words["signon_unavailable"])

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(_exc: RequestEntityTooLarge) -> Response:
        return answer(413, words["signon_problem_title"], words["signon_too_large"])

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        code = exc.code or 500
        if code == 404:
            return answer(404, words["signon_not_found"], words["signon_not_found"])
        return answer(code, words["signon_problem_title"], exc.name)

    def csrf_token() -> str:
        token = session.get("csrf")
        if not isinstance(token, str):
            token = secrets.token_urlsafe(24)
            session["csrf"] = token
        return token

    def csrf_sent() -> bool:
        given = session.get("csrf")
        sent = request.form.get("csrf_token", "").encode()
        return isinstance(given, str) and hmac.compare_digest(given.encode(), sent)

    def show(
        values: dict[str, str], errors: dict[str, str], status: int, note: str = ""
    ) -> Response:
        html = render_template(
            "page.html",
            page=page,
            words=words,
            listing=state.listing(),
            values=values,
            errors=errors,
            note=note,
            csrf=csrf_token(),
            countries=page.countries,
        )
        return Response(html, status, content_type="text/html; charset=utf-8")

    @app.get("/")
    def index() -> Response:
        return show(form.EMPTY, {}, 200)

    @app.post("/")
    def submit() -> Response:
        raw = {name: request.form.get(name, "") for name in form.FIELDS}
        if not csrf_sent():
            return show(form.shown(raw), {}, 400, words["signon_form_expired"])
        if raw["homepage"]:
            # A robot filled in the field people are asked to leave empty: it is told
            # what anyone is told, and nothing is kept or sent.
            log.info("honeypot: a submission was dropped")
            return checked_inbox()
        found = form.read(raw, page, words)
        if found.errors:
            return show(form.shown(raw), found.errors, 400, words["signon_form_problems"])
        if not submitted(found.values, client_of(request.remote_addr or "")):
            return answer(429, words["signon_problem_title"], words["signon_rate_limited"])
        state.wake.set()
        return checked_inbox()

    inbox: list[str] = []

    def checked_inbox() -> Response:
        # Every accepted submission (and every one refused without saying so) gets this same
        # page: made once, it is a sixth less work per submission under load.
        if not inbox:
            title = words["signon_check_inbox_title"]
            inbox.append(
                render_template(
                    "message.html",
                    page=page,
                    words=words,
                    title=title,
                    message=words["signon_check_inbox"],
                    extra="",
                )
            )
        return Response(inbox[0], 200, content_type="text/html; charset=utf-8")

    def submitted(values: dict[str, Any], client: str) -> bool:
        """Store the submission and its e-mail in one transaction; False over the client's limit."""
        settings = page.settings
        hour_ago = _utc_now() - dt.timedelta(hours=1)
        with state.store.writing() as c:
            held = [f"client:{client}"] if settings.per_address else []
            state.store.serialize(c, *held, f"mailbox:{page.slug}:{values['mailbox']}")
            if settings.per_address and (
                state.store.arrived(c, client, hour_ago) > settings.per_address
            ):
                # The refused try counts too (it is committed): hammering keeps it refused.
                log.info("rate limit: a client address reached %d an hour", settings.per_address)
                return False
            limit = (hour_ago, settings.per_email) if settings.per_email else None
            found = state.store.add(c, page.slug, values, client, limit)
            if found is None:
                # Over the limit per address; answered as any other submission: the page
                # must not tell that this address was given before. Its inbox gets
                # nothing more this hour.
                return True
            subject, body = state.mail(found)
            state.store.queue(c, page.slug, found.mailbox, client, found.email, subject, body)
        return True

    def token_of(
        serializer: URLSafeTimedSerializer, token: str, days: int
    ) -> tuple[int, str] | Response:
        try:
            ident, nonce = serializer.loads(token, max_age=days * 86400)
            return int(ident), str(nonce)
        except SignatureExpired:
            return answer(410, words["signon_problem_title"], words["signon_link_expired"])
        except (BadData, ValueError, TypeError):
            return answer(400, words["signon_problem_title"], words["signon_link_invalid"])

    def asked(
        ask: str, button: str, status: int = 200, signer: str = "", csrf: str = "", note: str = ""
    ) -> Response:
        html = render_template(
            "ask.html",
            page=page,
            words=words,
            ask=ask,
            button=button,
            signer=signer,
            csrf=csrf,
            note=note,
        )
        return Response(html, status, content_type="text/html; charset=utf-8")

    @app.route("/confirm/<token>", methods=["GET", "POST"])
    def confirm(token: str) -> Response:
        found = token_of(state.confirm_links, token, page.settings.confirm_days)
        if isinstance(found, Response):
            return found
        submission = state.store.get(found[0])
        if submission is None or submission.nonce != found[1]:
            return answer(400, words["signon_problem_title"], words["signon_link_invalid"])
        if request.method == "GET" or not csrf_sent():
            # Asked first: a mail gateway that opens every link in incoming mail must not
            # confirm a signature someone else submitted with an employee's address.
            if submission.confirmed is None and (
                submission.withdrawn is None or submission.pulled is not None
            ):
                expired = request.method == "POST"
                return asked(
                    words["signon_confirm_ask"],
                    words["signon_confirm_button"],
                    400 if expired else 200,
                    signer=submission.name,
                    csrf=csrf_token(),
                    note=words["signon_confirm_expired"] if expired else "",
                )
            outcome = "withdrawn" if submission.withdrawn is not None else "already"
        else:
            outcome = state.store.confirm(*found)
        if outcome == "confirmed":
            state.forget_listing()
            return answer(200, words["signon_confirmed"], words["signon_confirmed"])
        if outcome == "already":
            return answer(200, words["signon_already_confirmed"], words["signon_already_confirmed"])
        if outcome == "withdrawn":
            return answer(200, words["signon_already_withdrawn"], words["signon_already_withdrawn"])
        return answer(400, words["signon_problem_title"], words["signon_link_invalid"])

    @app.route("/withdraw/<token>", methods=["GET", "POST"])
    def withdraw(token: str) -> Response:
        found = token_of(state.withdraw_links, token, page.settings.withdraw_days)
        if isinstance(found, Response):
            return found
        if request.method == "GET" or not csrf_sent():
            # Asked first: a mail scanner that opens every link must not withdraw anyone,
            # and the button's form token, not the link alone, withdraws: another site
            # must not withdraw a signature by posting to a link it has seen.
            submission = state.store.get(found[0])
            if submission is None or submission.nonce != found[1]:
                return answer(400, words["signon_problem_title"], words["signon_link_invalid"])
            if submission.withdrawn is not None:
                return answer(
                    200, words["signon_already_withdrawn"], words["signon_already_withdrawn"]
                )
            expired = request.method == "POST"
            return asked(
                words["signon_withdraw_ask"],
                words["signon_withdraw_button"],
                400 if expired else 200,
                csrf=csrf_token(),
                note=words["signon_withdraw_expired"] if expired else "",
            )
        outcome = state.store.withdraw(*found)
        if outcome == "withdrawn":
            state.forget_listing()
            return answer(200, words["signon_withdrawn"], words["signon_withdrawn"])
        if outcome == "already":
            return answer(200, words["signon_already_withdrawn"], words["signon_already_withdrawn"])
        return answer(400, words["signon_problem_title"], words["signon_link_invalid"])

    @app.get("/healthz")
    def healthz() -> Response:
        try:
            state.store.ping()
        except Unavailable as exc:
            log.error("health check: database unavailable: %s", exc)
            return Response("database unavailable\n", 503, content_type="text/plain")
        return Response("ok\n", 200, content_type="text/plain")


def client_of(address: str) -> str:
    """Who the limit per client counts: an IPv4 address, or the /64 of an IPv6 address.

    One IPv6 connection is given a /64 network: counted address by address, anyone
    could sign from a new address each time.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def state_of(app: Flask) -> Signon:
    """The sign-on state ``create_app`` attached to ``app``."""
    found: Signon = app.extensions["campaign_signon"]
    return found


Clock = Callable[[], float]
