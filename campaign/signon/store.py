"""The sign-on page's database: submissions and the outbox of their e-mails (SQLAlchemy Core).

The only module of campaign that talks to a database. SQLite (WAL) by default,
PostgreSQL for several instances behind one load balancer. Every write is one
transaction: a submission and the e-mail that confirms it are stored together or not
at all, so a page that says "check your inbox" means both are on disk.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import os
import secrets
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    bindparam,
    case,
    create_engine,
    event,
    func,
    insert,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy import delete as delete_rows
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    NoSuchModuleError,
)

from campaign.errors import CampaignError

# The schema this code reads and writes. A database made by a newer campaign says a
# higher number and is refused rather than misread; an older one is brought up to date.
SCHEMA_VERSION = 1

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, nullable=False),
)

submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("letter", String(200), nullable=False),
    # The address as one mailbox (case, Unicode forms, IDNA folded): one signature each.
    Column("mailbox", String(320), nullable=False),
    Column("email", String(320), nullable=False),  # private: as typed
    Column("name", String(400), nullable=False),
    Column("kind", String(20), nullable=False),  # individual | organization (the list's words)
    Column("affiliation", String(400), nullable=False, default=""),
    Column("country", String(8), nullable=False, default=""),  # ISO 3166 code
    Column("grp", String(200), nullable=False),
    Column("contact_consent", Boolean, nullable=False, default=False),  # private
    Column("client", String(64), nullable=False, default=""),  # private: purged with the row
    Column("nonce", String(32), nullable=False),  # changes when the row is signed anew
    Column("created", DateTime, nullable=False),  # UTC, naive
    Column("confirmed", DateTime),
    Column("withdrawn", DateTime),
    Column("pulled", DateTime),  # when sig pull put the confirmed signature in the list
    Column("withdrawal_pulled", DateTime),  # when sig pull marked the withdrawal in the list
    UniqueConstraint("letter", "mailbox", name="one_signature_per_mailbox"),
)
Index("submissions_listing", submissions.c.letter, submissions.c.confirmed)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("letter", String(200), nullable=False),
    Column("mailbox", String(320), nullable=False),
    Column("client", String(64), nullable=False, default=""),
    Column("recipient", String(320), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("created", DateTime, nullable=False),
    Column("due", DateTime, nullable=False),  # next try
    Column("attempts", Integer, nullable=False, default=0),
    Column("claimed", DateTime),  # a worker is sending it since then
    Column("sent", DateTime),
    Column("failed", Text),  # the last error; with 'given_up', why it will not be sent
    Column("given_up", DateTime),
)
Index("outbox_by_client", outbox.c.client, outbox.c.created)
Index("outbox_by_mailbox", outbox.c.mailbox, outbox.c.created)
Index("outbox_due", outbox.c.sent, outbox.c.due)

# Every submission stored or answered, by client address: what the rate limit counts.
arrivals = Table(
    "arrivals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client", String(64), nullable=False),
    Column("created", DateTime, nullable=False),
)
Index("arrivals_by_client", arrivals.c.client, arrivals.c.created)

# Sending stops after this many failures; the coordinator sees them in the log.
MAX_ATTEMPTS = 8
# A claim older than this is taken to be a worker that died while sending.
CLAIM_TIMEOUT = dt.timedelta(minutes=5)
# The e-mails a worker takes at once: what a worker killed while sending can leave held.
CLAIM_BATCH = 50
# Outbox rows (and the client addresses on them) are kept this long for the rate limits.
KEEP_MAIL = dt.timedelta(days=2)


class Unavailable(Exception):
    """The database did not answer (down, locked too long, unreachable)."""


def now() -> dt.datetime:
    """The current time in UTC, naive, as the database keeps it."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def default_url(root: Path) -> str:
    """``sqlite:///<workspace>/.campaign/signon.sqlite``, refused if a link leads elsewhere."""
    path = root / ".campaign" / "signon.sqlite"
    # A workspace handed over brings its .campaign/: a link planted there must not make
    # SQLite create or write a database outside the workspace. --database names one.
    if path.is_symlink():
        raise CampaignError(
            f"{path} is a link to {os.readlink(path)}: the sign-on database of a workspace "
            "is kept in it; nothing was changed\n"
            "  hint: remove the link, or name the database with --database"
        )
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class Submission:
    """One row of ``submissions``."""

    id: int
    letter: str
    mailbox: str
    email: str
    name: str
    kind: str
    affiliation: str
    country: str
    group: str
    contact_consent: bool
    nonce: str
    created: dt.datetime
    confirmed: dt.datetime | None
    withdrawn: dt.datetime | None
    pulled: dt.datetime | None
    withdrawal_pulled: dt.datetime | None


@dataclass(frozen=True)
class Mail:
    """One e-mail waiting in the outbox."""

    id: int
    recipient: str
    subject: str
    body: str
    attempts: int
    claimed: dt.datetime | None = None  # when this worker claimed it (Store.claim)


_FIELDS = (
    "id", "letter", "mailbox", "email", "name", "kind", "affiliation", "country", "grp",
    "contact_consent", "nonce", "created", "confirmed", "withdrawn", "pulled",
    "withdrawal_pulled",
)  # fmt: skip


# The statements of a submission, built once: building one costs more than running it.
_FIND = select(*[submissions.c[name] for name in _FIELDS]).where(
    submissions.c.letter == bindparam("letter"), submissions.c.mailbox == bindparam("mailbox")
)
_ARRIVE = insert(arrivals).values(client=bindparam("client"), created=bindparam("created"))
_ARRIVED = (
    select(func.count())
    .select_from(arrivals)
    .where(arrivals.c.client == bindparam("client"), arrivals.c.created >= bindparam("since"))
)
_MAILED = (
    select(func.count())
    .select_from(outbox)
    .where(outbox.c.mailbox == bindparam("mailbox"), outbox.c.created >= bindparam("since"))
)
_QUEUE = insert(outbox)
# The columns of a submission as the page sends them (form.read), with its letter.
_INSERTED = (
    "letter", "mailbox", "email", "name", "kind", "affiliation", "country", "grp",
    "contact_consent",
)  # fmt: skip


# A withdrawal of a signature the list has, not yet marked in the list.
_WITHDRAWAL_WAITING = and_(
    submissions.c.withdrawn.is_not(None),
    submissions.c.pulled.is_not(None),
    submissions.c.withdrawal_pulled.is_(None),
)
# What sig pull has to do: confirmed signatures not in the list yet, and the withdrawals
# above (whose row may be unconfirmed again: its address was sent anew since).
_TO_PULL = or_(
    and_(
        submissions.c.confirmed.is_not(None),
        submissions.c.withdrawn.is_(None),
        submissions.c.pulled.is_(None),
    ),
    _WITHDRAWAL_WAITING,
)


def _withdrawal_waiting(s: Submission) -> bool:
    """Whether ``s`` is a withdrawal the list has not had yet (as _WITHDRAWAL_WAITING)."""
    return s.withdrawn is not None and s.pulled is not None and s.withdrawal_pulled is None


def _submission(row: Any) -> Submission:
    values = dict(zip(_FIELDS, row, strict=True))
    values["group"] = values.pop("grp")
    return Submission(**values)


def _new_submission(ident: int, values: dict[str, Any]) -> Submission:
    """The Submission just inserted with ``values``."""
    return Submission(
        id=ident,
        letter=values["letter"],
        mailbox=values["mailbox"],
        email=values["email"],
        name=values["name"],
        kind=values["kind"],
        affiliation=values["affiliation"],
        country=values["country"],
        group=values["grp"],
        contact_consent=values["contact_consent"],
        nonce=values["nonce"],
        created=values["created"],
        confirmed=None,
        withdrawn=None,
        pulled=None,
        withdrawal_pulled=None,
    )


def _columns() -> list[Any]:
    return [submissions.c[name] for name in _FIELDS]


def _open_turn(path: Path) -> int:
    """The file of the turn to write, opened; never through a link nor anything but a file.

    It lies in .campaign/, which a workspace handed over brings along: a link planted
    there must not make campaign create or lock a file outside the workspace, and a
    FIFO must not hang it.
    """
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        reason = exc.strerror
    else:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return fd
        os.close(fd)
        reason = "it is not a regular file"
    raise Unavailable(
        f"{path}, the file that passes the turn to write, cannot be opened: {reason}\n"
        "  hint: remove it; campaign makes it again"
    )


class Store:
    """The database of one workspace's sign-on pages (each row names its letter)."""

    def __init__(self, url: str, pool_size: int = 8, timeout: float = 10.0) -> None:
        self.url = url
        self.engine = _engine(url, pool_size, timeout)
        self.sqlite = self.engine.dialect.name == "sqlite"
        self._write_turn = threading.Lock()
        self.timeout = timeout
        database = make_url(url).database if self.sqlite else None
        # Beside an SQLite file: the file whose lock passes the turn to write between
        # processes (the server's, the mail worker's, sig pull's).
        self._turn_path = Path(f"{database}-turn") if database and database != ":memory:" else None
        self._turn_file: tuple[int, int] | None = None  # (pid, fd): each process its own

    @functools.cached_property
    def _insert_new(self) -> Any:
        """INSERT ... ON CONFLICT DO NOTHING, in the database's own words."""
        from sqlalchemy.dialects import postgresql, sqlite

        statement: sqlite.Insert | postgresql.Insert
        if self.sqlite:
            statement = sqlite.insert(submissions).on_conflict_do_nothing(
                index_elements=["letter", "mailbox"]
            )
        else:
            statement = postgresql.insert(submissions).on_conflict_do_nothing(
                index_elements=["letter", "mailbox"]
            )
        return statement.returning(submissions.c.id)

    def close(self) -> None:
        """Close every pooled connection (and the file of the turn to write)."""
        self.engine.dispose()
        held, self._turn_file = self._turn_file, None
        if held is not None and held[0] == os.getpid():
            os.close(held[1])

    # -- transactions ---------------------------------------------------------------

    @contextmanager
    def _transaction(self, writing: bool) -> Iterator[Connection]:
        """One transaction; a database that does not answer raises Unavailable.

        SQLite's writers take turns in this process on a lock first: waiting on SQLite's
        own lock is polling with sleeps, which under load left requests waiting for
        seconds (and some past the timeout).
        """
        turn = self._write_turn if writing and self.sqlite else None
        # Bounded like SQLite's own wait: behind a writer that is stuck, each thread would
        # otherwise wait for every one before it to time out in turn.
        deadline = time.monotonic() + self.timeout
        if turn is not None and not turn.acquire(timeout=self.timeout):
            raise Unavailable(f"no turn to write in {self.timeout:g} s: the database is busy")
        try:
            if turn is not None and self._turn_path is not None:
                self._take_file_turn(deadline)
            with self.engine.connect() as connection:
                connection.execution_options(writing=writing)
                with connection.begin():
                    yield connection
        except IntegrityError:
            raise
        except DBAPIError as exc:
            raise Unavailable(_reason(exc)) from None
        finally:
            if turn is not None:
                if self._turn_file is not None and self._turn_file[0] == os.getpid():
                    fcntl.flock(self._turn_file[1], fcntl.LOCK_UN)
                turn.release()

    def _take_file_turn(self, deadline: float) -> None:
        """Take the turn to write from the other processes on this SQLite file.

        SQLite's own wait for a busy database sleeps 1, 2, 5 ... 100 ms between tries:
        under load, one server process kept the turn while another's writers slept
        (p99 over 800 ms with two processes). This lock is asked again within a
        millisecond, and the kernel drops it with a process that dies.
        """
        held = self._turn_file
        if held is None or held[0] != os.getpid():  # a forked process opens its own
            assert self._turn_path is not None
            held = (os.getpid(), _open_turn(self._turn_path))
            self._turn_file = held
        pause = 0.0001
        while True:
            try:
                fcntl.flock(held[1], fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
            if time.monotonic() > deadline:
                raise Unavailable(f"no turn to write in {self.timeout:g} s: the database is busy")
            time.sleep(pause)
            pause = min(pause * 2, 0.002)

    # -- the schema -----------------------------------------------------------------

    def prepare(self) -> None:
        """Create the tables on first use; refuse a database of an unknown version."""
        try:
            with self._transaction(writing=True) as c:
                tables = set(inspect(c).get_table_names())
                if "schema_version" not in tables:
                    metadata.create_all(c)
                    c.execute(insert(schema_version).values(version=SCHEMA_VERSION))
                    return
                found = c.execute(select(func.max(schema_version.c.version))).scalar()
        except Unavailable as exc:
            raise CampaignError(
                f"cannot open the sign-on database {self.shown_url}: {exc}"
            ) from None
        if found is None or found > SCHEMA_VERSION:
            raise CampaignError(
                f"the sign-on database {self.shown_url} has schema version {found}, which this "
                f"campaign ({SCHEMA_VERSION}) does not know; nothing was changed\n"
                "  hint: upgrade campaign, or give --database another database"
            )

    @property
    def shown_url(self) -> str:
        """The database's URL without its password."""
        return make_url(self.url).render_as_string(hide_password=True)

    def ping(self) -> None:
        """Raise Unavailable unless the database answers."""
        with self._transaction(writing=False) as c:
            c.execute(select(func.count()).select_from(schema_version))

    # -- submitting -----------------------------------------------------------------

    def arrived(self, c: Connection, client: str, since: dt.datetime) -> int:
        """Count a submission from ``client``; returns how many came from it since ``since``."""
        c.execute(_ARRIVE, {"client": client, "created": now()})
        return int(c.execute(_ARRIVED, {"client": client, "since": since}).scalar_one())

    def mailed(self, c: Connection, mailbox: str, since: dt.datetime) -> int:
        """How many e-mails the outbox holds for ``mailbox`` since ``since``."""
        return int(c.execute(_MAILED, {"mailbox": mailbox, "since": since}).scalar_one())

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction, for a submission and its e-mail together."""
        with self._transaction(writing=True) as c:
            yield c

    def serialize(self, c: Connection, *keys: str) -> None:
        """Hold the transaction's turn for each key (a client, a mailbox) until it commits.

        So that two submissions at once cannot both pass a rate limit. SQLite's writes
        take their turn already (BEGIN IMMEDIATE); PostgreSQL's are told to, in the
        order given, which every caller keeps (no deadlock).
        """
        if self.sqlite:
            return
        for key in keys:
            c.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))

    @functools.cached_property
    def _insert_new_within(self) -> Any:
        """_insert_new, but only while the outbox holds fewer than :limit e-mails to the
        mailbox since :since: the limit per address and the insert in one statement."""
        from sqlalchemy.dialects import postgresql, sqlite

        names = [*_INSERTED, "client", "nonce", "created"]
        row = select(*[bindparam(name, type_=submissions.c[name].type) for name in names])
        guarded = row.where(_MAILED.scalar_subquery() < bindparam("limit"))
        statement: sqlite.Insert | postgresql.Insert
        if self.sqlite:
            statement = sqlite.insert(submissions).from_select(names, guarded)
        else:
            statement = postgresql.insert(submissions).from_select(names, guarded)
        return statement.on_conflict_do_nothing(index_elements=["letter", "mailbox"]).returning(
            submissions.c.id
        )

    def add(
        self,
        c: Connection,
        letter: str,
        fields: dict[str, Any],
        client: str,
        mail_limit: tuple[dt.datetime, int] | None = None,
    ) -> Submission | None:
        """Store a new submission, or return the confirmed one this mailbox already has.

        A mailbox not confirmed yet, or that withdrew, signs anew: its row takes the new
        fields, unconfirmed, with a new nonce. With ``mail_limit`` (since, count): None,
        and nothing stored, when the outbox holds that many e-mails to the mailbox since.
        """
        moment = now()
        values = {
            **fields,
            "letter": letter,
            "client": client,
            "nonce": secrets.token_hex(8),
            "created": moment,
        }
        # Most submissions are new: stored at once, and the unique constraint decides
        # (without an error, so without a savepoint) when another was first.
        if mail_limit is None:
            added = c.execute(self._insert_new, values).first()
        else:
            since, limit = mail_limit
            added = c.execute(
                self._insert_new_within, {**values, "since": since, "limit": limit}
            ).first()
        if added is not None:
            return _new_submission(int(added[0]), values)
        if (
            mail_limit is not None
            and self.mailed(c, fields["mailbox"], mail_limit[0]) >= (mail_limit[1])
        ):
            return None
        found = self._find(c, letter, fields["mailbox"])
        assert found is not None
        if found.confirmed is None or found.withdrawn is not None:
            # The newest submission of an address not signed (yet, or any more) is the
            # one its owner means: it replaces the fields, and a new nonce makes the
            # links mailed for the older one void (each link confirms what it showed).
            fresh_values: dict[str, Any] = {
                **fields,
                "client": client,
                "nonce": secrets.token_hex(8),
                "created": moment,
                "confirmed": None,
            }
            if found.withdrawn is not None and not _withdrawal_waiting(found):
                fresh_values.update(withdrawn=None, pulled=None, withdrawal_pulled=None)
            # else the withdrawal stays until sig pull has put it in the list: anyone can
            # send the form with an address, and that must not undo its owner's withdrawal
            # (confirm() ends it once the owner confirms signing anew).
            c.execute(
                update(submissions).where(submissions.c.id == found.id).values(**fresh_values)
            )
            fresh = self._find(c, letter, fields["mailbox"])
            assert fresh is not None
            return fresh
        return found

    def _find(self, c: Connection, letter: str, mailbox: str) -> Submission | None:
        row = c.execute(_FIND, {"letter": letter, "mailbox": mailbox}).first()
        return _submission(row) if row else None

    def queue(
        self,
        c: Connection,
        letter: str,
        mailbox: str,
        client: str,
        to: str,
        subject: str,
        body: str,
    ) -> None:
        """Put an e-mail in the outbox (in the caller's transaction)."""
        moment = now()
        c.execute(
            _QUEUE,
            {
                "letter": letter,
                "mailbox": mailbox,
                "client": client,
                "recipient": to,
                "subject": subject,
                "body": body,
                "created": moment,
                "due": moment,
                "attempts": 0,
            },
        )

    # -- links ----------------------------------------------------------------------

    def get(self, ident: int) -> Submission | None:
        """The submission with this id."""
        with self._transaction(writing=False) as c:
            row = c.execute(select(*_columns()).where(submissions.c.id == ident)).first()
        return _submission(row) if row else None

    def confirm(self, ident: int, nonce: str) -> str:
        """Confirm a submission: 'confirmed', 'already', 'withdrawn' or 'unknown'.

        A signature sent anew while its withdrawal waited for the list ends that
        withdrawal, and the next pull takes it again: if the list has the withdrawal
        already, as a new signature; if not, into the entry the list still has, with
        the answers its owner gave this time (a consent taken back is taken back).
        """
        with self._transaction(writing=True) as c:
            done = c.execute(
                update(submissions)
                .where(
                    submissions.c.id == ident,
                    submissions.c.nonce == nonce,
                    submissions.c.confirmed.is_(None),
                    or_(submissions.c.withdrawn.is_(None), submissions.c.pulled.is_not(None)),
                )
                .values(
                    confirmed=now(),
                    withdrawn=None,
                    withdrawal_pulled=None,
                    pulled=case(
                        (
                            and_(
                                submissions.c.withdrawal_pulled.is_(None),
                                submissions.c.withdrawn.is_(None),
                            ),
                            submissions.c.pulled,
                        ),
                        else_=None,
                    ),
                )
            ).rowcount
            if done:
                return "confirmed"
            row = c.execute(
                select(submissions.c.confirmed, submissions.c.withdrawn).where(
                    submissions.c.id == ident, submissions.c.nonce == nonce
                )
            ).first()
        if row is None:
            return "unknown"
        return "withdrawn" if row.withdrawn is not None else "already"

    def withdraw(self, ident: int, nonce: str) -> str:
        """Withdraw a submission: 'withdrawn', 'already' or 'unknown'."""
        with self._transaction(writing=True) as c:
            done = c.execute(
                update(submissions)
                .where(
                    submissions.c.id == ident,
                    submissions.c.nonce == nonce,
                    submissions.c.withdrawn.is_(None),
                )
                .values(withdrawn=now())
            ).rowcount
            if done:
                return "withdrawn"
            found = c.execute(
                select(submissions.c.id).where(
                    submissions.c.id == ident, submissions.c.nonce == nonce
                )
            ).first()
        return "already" if found else "unknown"

    # -- the public list --------------------------------------------------------------

    def confirmed(self, letter: str) -> tuple[list[Submission], set[str]]:
        """Confirmed signatures not yet in the list, and mailboxes withdrawn since the last pull."""
        with self._transaction(writing=False) as c:
            rows = c.execute(
                select(*_columns()).where(
                    submissions.c.letter == letter,
                    _TO_PULL,
                )
            ).all()
        found = [_submission(row) for row in rows]
        return [s for s in found if s.withdrawn is None], {
            s.mailbox for s in found if s.withdrawn is not None
        }

    # -- pulling into the list ------------------------------------------------------

    def to_pull(self, letters: list[str]) -> list[Submission]:
        """Confirmed signatures and withdrawals the list does not have yet, oldest first."""
        with self._transaction(writing=False) as c:
            rows = c.execute(
                select(*_columns())
                .where(
                    submissions.c.letter.in_(letters),
                    _TO_PULL,
                )
                .order_by(submissions.c.confirmed, submissions.c.id)
            ).all()
        return [_submission(row) for row in rows]

    def mark_pulled(self, added: list[int], withdrawals: list[int]) -> None:
        """Remember which signatures and withdrawals are in the list now."""
        moment = now()
        with self._transaction(writing=True) as c:
            if added:
                c.execute(
                    update(submissions).where(submissions.c.id.in_(added)).values(pulled=moment)
                )
            if withdrawals:
                c.execute(
                    update(submissions)
                    .where(submissions.c.id.in_(withdrawals), submissions.c.withdrawn.is_not(None))
                    .values(withdrawal_pulled=moment)
                )
                # Signed anew and confirmed on the page while the pull wrote the
                # withdrawal: the list has the entry withdrawn now, so the next pull adds
                # the signature again.
                c.execute(
                    update(submissions)
                    .where(submissions.c.id.in_(withdrawals), submissions.c.withdrawn.is_(None))
                    .values(pulled=None)
                )

    # -- the outbox -----------------------------------------------------------------

    def claim(self, limit: int = CLAIM_BATCH) -> list[Mail]:
        """E-mails due for sending, each claimed by this worker (another will not take it)."""
        moment = now()
        free = or_(outbox.c.claimed.is_(None), outbox.c.claimed < moment - CLAIM_TIMEOUT)
        with self._transaction(writing=True) as c:
            rows = c.execute(
                select(outbox.c.id, outbox.c.recipient, outbox.c.subject, outbox.c.body)
                .add_columns(outbox.c.attempts)
                .where(
                    outbox.c.sent.is_(None),
                    outbox.c.given_up.is_(None),
                    outbox.c.due <= moment,
                    free,
                )
                .order_by(outbox.c.due, outbox.c.id)
                .limit(limit)
            ).all()
            if not rows:
                return []
            # Compare and set: of two workers, the one whose update finds a row free has it.
            took = {
                ident
                for (ident,) in c.execute(
                    update(outbox)
                    .where(outbox.c.id.in_([row.id for row in rows]), free)
                    .values(claimed=moment)
                    .returning(outbox.c.id)
                )
            }
        return [
            Mail(row.id, row.recipient, row.subject, row.body, row.attempts, moment)
            for row in rows
            if row.id in took
        ]

    def release(self, mails: list[Mail]) -> None:
        """Let go of claimed e-mails not tried: due for any worker now, not in five minutes.

        Only a claim that is still this worker's: one that ran out meanwhile may be
        another worker's now, and freed it would be sent twice.
        """
        with self._transaction(writing=True) as c:
            for mail in mails:
                c.execute(
                    update(outbox)
                    .where(
                        outbox.c.id == mail.id,
                        outbox.c.sent.is_(None),
                        outbox.c.claimed == mail.claimed,
                    )
                    .values(claimed=None)
                )

    def sent(self, idents: list[int]) -> None:
        """The server accepted these e-mails."""
        with self._transaction(writing=True) as c:
            c.execute(
                update(outbox).where(outbox.c.id.in_(idents)).values(sent=now(), claimed=None)
            )

    def failed(self, ident: int, attempts: int, reason: str, retry: bool) -> bool:
        """Sending failed: try again later (with a longer wait each time), or give up.

        Returns whether it will be tried again.
        """
        attempts += 1
        again = retry and attempts < MAX_ATTEMPTS
        moment = now()
        values: dict[str, Any] = {"attempts": attempts, "claimed": None, "failed": reason[:2000]}
        if again:
            values["due"] = moment + dt.timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))
        else:
            values["given_up"] = moment
        with self._transaction(writing=True) as c:
            c.execute(update(outbox).where(outbox.c.id == ident).values(**values))
        return again

    def waiting(self) -> int:
        """E-mails not sent yet and not given up."""
        with self._transaction(writing=False) as c:
            return int(
                c.execute(
                    select(func.count())
                    .select_from(outbox)
                    .where(outbox.c.sent.is_(None), outbox.c.given_up.is_(None))
                ).scalar_one()
            )

    def purge(self, confirm_days: int) -> tuple[int, int]:
        """Forget unconfirmed submissions past their link's life, and old outbox rows."""
        moment = now()
        with self._transaction(writing=True) as c:
            stale = c.execute(
                delete_rows(submissions).where(
                    submissions.c.confirmed.is_(None),
                    submissions.c.created < moment - dt.timedelta(days=confirm_days),
                    ~_WITHDRAWAL_WAITING,  # forgetting it would keep the name on the list
                )
            ).rowcount
            mails = c.execute(
                delete_rows(outbox).where(
                    or_(outbox.c.sent.is_not(None), outbox.c.given_up.is_not(None)),
                    outbox.c.created < moment - KEEP_MAIL,
                )
            ).rowcount
            c.execute(delete_rows(arrivals).where(arrivals.c.created < moment - KEEP_MAIL))
            # The client address served the rate limit; a confirmed signature keeps none.
            c.execute(
                update(submissions)
                .where(
                    submissions.c.client != "",
                    submissions.c.created < moment - KEEP_MAIL,
                )
                .values(client="")
            )
        return int(stale), int(mails)


def _reason(exc: DBAPIError) -> str:
    """The first line of the driver's message."""
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc.orig).__name__


def _engine(url: str, pool_size: int, timeout: float) -> Engine:
    """An engine for ``url``; SQLite in WAL mode with immediate write transactions."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise CampaignError(
            f"'{url}' is not a database URL\n"
            "  hint: e.g. sqlite:///signon.sqlite or postgresql+psycopg://user@host/db"
        ) from None
    if parsed.drivername == "postgresql":  # psycopg 3 is the driver campaign ships with
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        if parsed.drivername.startswith("sqlite"):
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(
                parsed,
                pool_size=pool_size,
                max_overflow=pool_size,
                connect_args={"timeout": timeout, "check_same_thread": False},
            )
            _sqlite_transactions(engine)
            if parsed.database and parsed.database != ":memory:":
                _same_file(engine, Path(parsed.database).absolute())
            return engine
        if not parsed.drivername.startswith("postgresql"):
            raise CampaignError(
                f"the sign-on page keeps its data in SQLite or PostgreSQL, not "
                f"{parsed.get_backend_name()}\n"
                "  hint: e.g. --database postgresql+psycopg://user@host/db"
            )
        return create_engine(
            parsed,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,
            pool_timeout=timeout,
            connect_args={"connect_timeout": max(1, int(timeout))},
        )
    except NoSuchModuleError:
        raise CampaignError(f"no database driver for '{parsed.drivername}'") from None


def _sqlite_transactions(engine: Engine) -> None:
    """WAL, full sync, and BEGIN IMMEDIATE for writes (no deadlock upgrading a read lock)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi: Any, _record: Any) -> None:
        dbapi.isolation_level = None  # SQLAlchemy's BEGIN below, not the driver's
        cursor = dbapi.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # A commit is in the WAL file before the page says it is stored: a server
        # killed at any moment loses nothing. NORMAL leaves the WAL's fsync to the
        # checkpoint (FULL would wait for the disk on every submission, some 10 ms here,
        # one at a time): only a power cut can cost the last moments' submissions.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        writing = connection.get_execution_options().get("writing")
        # Straight to the driver: through SQLAlchemy's execution it was a statement's
        # worth of work more in every submission, for a word with no parameters.
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute("BEGIN IMMEDIATE" if writing else "BEGIN")


def _same_file(engine: Engine, path: Path) -> None:
    """No connection to ``path`` once the file is removed or replaced while in use.

    An open SQLite connection goes on writing into a deleted file, where every
    signature the page thanks its signer for is lost; and a new connection would make
    an empty database in its place. Both are refused instead (the page says 503).
    """
    opened: list[tuple[int, int]] = []  # the file's device and inode, once it is made

    def moved() -> str:
        try:
            found = os.stat(path)
        except FileNotFoundError:
            found = None
        if opened and (found is None or (found.st_dev, found.st_ino) != opened[0]):
            return (
                f"{path} was removed or replaced while in use; restart the server "
                "(with the file back in its place)"
            )
        return ""

    @event.listens_for(engine, "do_connect")
    def _connecting(_dialect: Any, _record: Any, _args: Any, _params: Any) -> None:
        if reason := moved():
            raise sqlite3.OperationalError(reason)  # SQLAlchemy's DBAPIError: Unavailable

    @event.listens_for(engine, "connect")
    def _connected(_dbapi: Any, _record: Any) -> None:
        if not opened:
            found = os.stat(path)
            opened.append((found.st_dev, found.st_ino))

    @event.listens_for(engine, "checkout")
    def _checkout(_dbapi: Any, _record: Any, _proxy: Any) -> None:
        if reason := moved():
            raise DisconnectionError(reason)  # dropped; a new one is refused as above
