"""The letter a sign-on page is for: its text as the web edition shows it, its groups, its words.

Loaded once when the page starts (edit the letter, restart the page). The list in
git is read again whenever its file changes, so that a ``sig pull`` or an approval
shows at once.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from babel import Locale
from markupsafe import Markup

from campaign.compose.signatures import SignatureBlock, signature_block
from campaign.errors import CampaignError, ProblemsFound, echo_problems
from campaign.load.records import load_signature_list
from campaign.model.records import GroupSpec, Letter, Settings, Signatory, SignonSettings
from campaign.paths import read_text
from campaign.text.collation import sort_key
from campaign.text.scripts import is_right_to_left, mark_scripts
from campaign.text.typography import typeset, typeset_text
from campaign.text.wording import labels_for

if TYPE_CHECKING:
    from campaign.signon.store import Submission

# Codes CLDR lists among its territories that are not countries a signer is from:
# unions, "unknown", pseudo-locales, and the codes ISO reserves for parts of a country.
NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB", "AC", "CP", "DG", "EA", "IC", "TA"}
TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class LetterPage:
    """Everything the page shows of one letter, worked out once."""

    slug: str
    letter: Letter
    workspace: Settings
    words: dict[str, str]
    text: Markup  # the letter as the web edition prints it, up to its signatures
    style: Markup  # the web edition's style sheet
    countries: list[tuple[str, str]]  # (code, name in the letter's language), sorted
    list_path: Path | None
    _list: tuple[tuple[int, int], tuple[Signatory, ...]] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def settings(self) -> SignonSettings:
        """``signon:`` of campaign.yaml."""
        return self.workspace.signon

    def mail_settings(self) -> Settings:
        """The workspace's settings with CAMPAIGN_SMTP_* applied, as ``campaign send`` has them."""
        from campaign.mail.send import smtp_from_env

        return replace(self.workspace, smtp=smtp_from_env(self.workspace.smtp, os.environ))

    @property
    def language(self) -> str:
        """The letter's language tag."""
        return self.letter.language

    @functools.cached_property
    def direction(self) -> str:
        """'rtl' for Arabic, Hebrew, ...; else 'ltr'."""
        return "rtl" if is_right_to_left(self.language) else "ltr"

    @property
    def groups(self) -> tuple[GroupSpec, ...]:
        """The letter's printed groups, in its order."""
        return self.letter.groups

    @functools.cached_property
    def group_keys(self) -> set[str]:
        """The keys a submission may name."""
        return {g.key for g in self.letter.groups}

    @functools.cached_property
    def country_names(self) -> dict[str, str]:
        """Country code -> its name in the letter's language."""
        return dict(self.countries)

    def list_stamp(self) -> tuple[int, int] | None:
        """When the list in git was last changed, and its size (None without one)."""
        if self.list_path is None:
            return None
        try:
            info = self.list_path.stat()
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size)

    def listed(self) -> tuple[Signatory, ...]:
        """The list in git, read again when its file has changed."""
        stamp = self.list_stamp()
        if self.list_path is None or stamp is None:
            return ()
        cached = self._list
        if cached is not None and cached[0] == stamp:
            return cached[1]
        problems: list[Any] = []
        loaded = load_signature_list(self.list_path, problems)
        if loaded is None or any(not p.warning for p in problems):
            # A list being edited may be half-written: keep showing the last good one.
            return cached[1] if cached is not None else ()
        with self._lock:
            self._list = (stamp, loaded.entries)
        return loaded.entries

    def signatures(self, confirmed: list[Submission], withdrawn: set[str]) -> SignatureBlock:
        """Who shows on the page: the list's printed entries and the confirmed web signatures.

        A web signature shows from its confirmation on; once pulled, the list says
        (pending waits for ``sig approve``). A withdrawal shows at once, before the pull
        writes it into the list.
        """
        from campaign.mail.send import mailbox

        entries = [
            e
            for e in self.listed()
            if not (e.email and withdrawn and mailbox(e.email) in withdrawn)
        ]
        for s in confirmed:
            entries.append(
                Signatory(
                    name=s.name,
                    type=s.kind,
                    group=s.group,
                    affiliation=s.affiliation,
                    country=self.country_names.get(s.country, ""),
                    signed=s.confirmed.date() if s.confirmed else None,
                )
            )
        return signature_block(tuple(entries), self.groups, dt.date.max, self.language)

    def signer(self, s: Submission) -> str:
        """A submission as the e-mails show it: name, details, group."""
        details = ", ".join(p for p in (s.affiliation, self.country_names.get(s.country, "")) if p)
        heading = next((g.heading for g in self.groups if g.key == s.group), s.group)
        lines = [s.name, *([details] if details else []), f"({heading})"]
        return "\n".join(f"    {line}" for line in lines)


def countries(language: str) -> list[tuple[str, str]]:
    """Every country CLDR knows, by code, named and sorted in ``language``."""
    locale = Locale.parse(language.replace("-", "_"))
    found = [
        (code, name)
        for code, name in locale.territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    ]
    return sorted(found, key=lambda item: sort_key(item[1], language))


def load_page(root: Path, slug: str) -> LetterPage:
    """Check and compose the letter as ``campaign build`` would, and keep what the page shows."""
    from campaign.build.check import check
    from campaign.load.workspace import Workspace

    try:
        plans, _warnings = check(Workspace(root), [slug], every=False)
    except ProblemsFound as exc:
        echo_problems(exc.problems)
        raise
    composer = plans[0].composer
    bundle = composer.bundle
    letter = bundle.letter
    if not letter.list_name or not letter.groups:
        raise CampaignError(
            f"letters/{slug}/letter.yaml has no 'signatories:' with groups, so there is "
            "nothing to sign\n  hint: add signatories: with list: and groups: to letter.yaml"
        )
    language = letter.language
    words = {
        key: typeset_text(value, language)
        for key, value in labels_for(language).items()
        if key.startswith("signon_")
    }
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    addressee = composer.to[0] if composer.to else None
    sender = bundle.settings.sender
    fragment = env.get_template("letter_text.html").render(
        letter=letter,
        date=composer.dated(letter.date, sender.place if sender else ""),
        sender=bundle.settings.sender,
        kicker=[composer.named(r) for r in composer.to],
        salutations=[r.salutation for r in composer.to],
        body=composer.body(addressee) if addressee else Markup(""),
    )
    text = Markup(typeset(mark_scripts(fragment, language), language, paper=False))
    style = Markup(_web_css(composer))
    list_path = root / "signatories" / f"{letter.list_name}.yaml"
    return LetterPage(
        slug=slug,
        letter=letter,
        workspace=bundle.settings,
        words=words,
        text=text,
        style=style,
        countries=countries(language),
        list_path=list_path if list_path.is_file() else None,
    )


def _web_css(composer: Any) -> str:
    """The web edition's style sheet of the letter's template (else the joint letter's)."""
    from campaign.load.catalog import chain, part_names

    names = part_names(chain(composer.bundle.root, composer.bundle.letter.template), "web.css")
    try:
        found = composer.env.get_or_select_template([*names, "builtin/joint-letter/web.css"])
    except jinja2.TemplateError:
        return ""
    source = found.filename
    return read_text(Path(source), encoding="utf-8") if source else ""
