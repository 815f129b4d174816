"""The workspace's data, as plain immutable records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from campaign.model.fields import PRIVATE_FIELDS as PRIVATE_FIELDS
from campaign.model.fields import STATUSES as STATUSES
from campaign.model.fields import TYPES as TYPES
from campaign.model.fields import Recipient as Recipient
from campaign.model.fields import Signatory as Signatory
from campaign.model.limits import DEFAULT as DEFAULT_LIMITS
from campaign.model.limits import Limits


@dataclass(frozen=True)
class Sender:
    """Who the letter comes from: letterhead and return address."""

    name: str
    address: tuple[str, ...] = ()
    email: str = ""
    website: str = ""
    place: str = ""  # where letters are written from: "Paris, le 17 mars 2025"


SECURITIES = ("starttls", "tls", "none")


@dataclass(frozen=True)
class Smtp:
    """How ``campaign send`` reaches the mail server; the password is never stored here."""

    host: str = ""
    port: int = 0  # 0: the usual port for the security chosen
    security: str = "starttls"  # starttls | tls (implicit, port 465) | none (local relay)
    username: str = ""
    sender: str = ""  # the From address; default the letterhead's e-mail
    per_minute: float = 30.0  # rate limit
    ca_file: str = ""  # the CAs trusted instead of the system's (a company relay's)
    line: int = 0


@dataclass(frozen=True)
class SignonSettings:
    """``signon:`` in campaign.yaml: the limits of the public sign-on page."""

    per_address: int = 20  # submissions from one client address an hour (0: no limit)
    per_email: int = 3  # submissions, and so e-mails, to one address an hour (0: no limit)
    confirm_days: int = 7  # a confirmation link works this long; unconfirmed ones are purged
    withdraw_days: int = 365  # a withdrawal link works this long
    proxies: int = 0  # reverse proxies in front whose X-Forwarded-For/-Proto are trusted
    line: int = 0


SIGNON_KEYS = ("per_address", "per_email", "confirm_days", "withdraw_days", "proxies")


@dataclass(frozen=True)
class Settings:
    """Workspace defaults from ``campaign.yaml``."""

    sender: Sender | None = None
    language: str = "en-US"
    paper: str = "a4"
    pdf_variant: str = ""  # 'pdf/a-3b' | 'pdf/ua-1' | '' (plain PDF)
    smtp: Smtp = Smtp()
    limits: Limits = DEFAULT_LIMITS
    signon: SignonSettings = SignonSettings()


@dataclass(frozen=True)
class GroupSpec:
    """A printed group of signatories, in the letter's order."""

    key: str
    heading: str
    line: int = 0


PARALLEL = ("following", "side-by-side")
SIGNATURE_IMAGES = (".png", ".jpg", ".jpeg", ".svg")


@dataclass(frozen=True)
class Signer:
    """A person who signs a letter for the organisation (``signers:`` in letter.yaml)."""

    name: str
    title: str = ""
    signature: Path | None = None  # an image file inside the letter's folder
    line: int = 0


@dataclass(frozen=True)
class Enclosure:
    """A PDF that follows every letter and copy (``enclosures:`` in letter.yaml)."""

    file: Path  # resolved, inside the letter's folder
    title: str  # what the "Enclosures:" line calls it (the file name unless given)
    line: int = 0


@dataclass(frozen=True)
class Translation:
    """A letter's text in another language: ``body.<lang>.md`` and the words of letter.yaml."""

    language: str
    title: str
    subject: str
    short_title: str = ""
    closing: str = ""
    headings: tuple[tuple[str, str], ...] = ()  # group key -> heading in this language
    parallel: str = ""  # "" | following | side-by-side: one edition with both languages
    # Per signer of letter.yaml, in order: their name and title in this language ('' keeps it).
    signers: tuple[tuple[str, str], ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Letter:
    """One letter: ``letters/<slug>/letter.yaml`` resolved against the defaults."""

    slug: str
    path: Path
    title: str
    subject: str
    date: dt.date
    language: str
    template: str
    paper: str
    envelope: str
    list_name: str  # '' when letter.yaml has no 'signatories:' (no list is printed)
    as_of: dt.date
    groups: tuple[GroupSpec, ...]
    closing: str = ""
    short_title: str = ""
    translations: tuple[Translation, ...] = ()
    body_file: str = "body.md"  # body.<lang>.md in a translated edition
    edition: str = ""  # the language of a translated edition; "" for the original
    parallel: str = ""  # for a translated edition: how its parallel edition is laid out
    max_pages: int = 0  # 'campaign check' warns when the letter runs longer; 0: no limit
    signers: tuple[Signer, ...] = ()
    enclosures: tuple[Enclosure, ...] = ()
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    # Fields that could not be read ('date', 'signatories.as_of'): lint leaves them be.
    failed: frozenset[str] = field(default=frozenset(), compare=False, hash=False)

    @property
    def folder(self) -> Path:
        """The letter's folder."""
        return self.path.parent

    @property
    def running_title(self) -> str:
        """The short title printed at the top of later pages."""
        return self.short_title or self.title


def address_lines(
    name: str,
    title: str,
    organization: str,
    address: tuple[str, ...],
    *,
    name_last: bool = False,
    honorific: str = "",
) -> tuple[str, ...]:
    """An address as printed in a window, on an envelope or on a label.

    With ``name_last`` (Japanese, Korean) it runs from the place down to the person,
    whose title, name and honorific share the last line.
    """
    if name_last:
        person = " ".join(part for part in (title, name, honorific) if part)
        return address + tuple(line for line in (organization, person) if line)
    return tuple(line for line in (name, title, organization) if line) + address


@dataclass(frozen=True)
class SignatureList:
    """A whole ``signatories/<list>.yaml`` file."""

    name: str
    path: Path
    entries: tuple[Signatory, ...]


# The PDF variants campaign.yaml's pdf_variant: may name (pdf/variants.py makes them).
PDF_A = "pdf/a-3b"
PDF_UA = "pdf/ua-1"
VARIANTS = (PDF_A, PDF_UA)
NONE = "none"  # on the command line: no variant, whatever campaign.yaml says


def is_tagged(variant: str) -> bool:
    """Whether the variant needs a structure tree (PDF/UA): its pages cannot be stamped."""
    return variant == PDF_UA
