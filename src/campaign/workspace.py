"""A workspace on disk: find it, load its letters and lists, check them together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from campaign.envelopes import WINDOWS
from campaign.errors import CampaignError, Problem
from campaign.loading import load_letter, load_recipients, load_settings, load_signature_list
from campaign.model import Letter, Recipient, Settings, SignatureList, address_lines
from campaign.names import fold
from campaign.schema import close_match
from campaign.signatures import SignatureBlock, signature_block
from campaign.wording import name_last

BUILTIN_TEMPLATES = Path(__file__).parent / "data" / "templates"


@dataclass(frozen=True)
class LetterBundle:
    """Everything one letter needs to be rendered."""

    root: Path
    settings: Settings
    letter: Letter
    to: tuple[Recipient, ...]
    cc: tuple[Recipient, ...]
    signatures: SignatureBlock


class Workspace:
    """The folder holding ``campaign.yaml``, ``letters/``, ``signatories/``, ``templates/``."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    @classmethod
    def find(cls, start: Path) -> Workspace:
        """The nearest folder at or above ``start`` that looks like a workspace."""
        start = start.resolve()
        for folder in (start, *start.parents):
            if (folder / "campaign.yaml").is_file() or any(
                (folder / sub).is_dir() for sub in ("letters", "signatories")
            ):
                return cls(folder)
        raise CampaignError(
            f"{start} is not inside a campaign workspace (no campaign.yaml or letters/ found); "
            "run 'campaign init DIR' to make one"
        )

    @classmethod
    def locate(cls, given: str | None) -> Workspace:
        """The folder given with -C/--workspace, else the nearest one from the current folder."""
        return cls(Path(given)) if given else cls.find(Path.cwd())

    def slugs(self) -> list[str]:
        """Every letter in ``letters/``, alphabetically."""
        folder = self.root / "letters"
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))

    def template_names(self) -> list[str]:
        """Templates the workspace can use: its own and the shipped ones."""
        names = {p.name for p in BUILTIN_TEMPLATES.iterdir() if (p / "letter.html.j2").is_file()}
        own = self.root / "templates"
        if own.is_dir():
            names |= {p.name for p in own.iterdir() if (p / "letter.html.j2").is_file()}
        return sorted(names)

    def load(self, slugs: list[str] | None = None) -> tuple[list[LetterBundle], list[Problem]]:
        """Load and cross-check the given letters (all by default); every problem at once."""
        problems: list[Problem] = []
        settings = load_settings(self.root / "campaign.yaml", problems)
        chosen = slugs or self.slugs()
        if not chosen:
            problems.append(
                Problem(self.root / "letters", 0, "no letters found", "run 'campaign new SLUG'")
            )
        lists: dict[str, tuple[SignatureList | None, bool]] = {}
        bundles = []
        for slug in chosen:
            folder = self.root / "letters" / slug
            if not (folder / "letter.yaml").is_file():
                known = ", ".join(self.slugs()) or "none"
                raise CampaignError(
                    f"no letter '{slug}' in {self.root / 'letters'} (letters: {known})"
                )
            before = _errors(problems)
            letter = load_letter(folder, settings, problems)
            to, cc = load_recipients(folder, problems)
            if letter is None:
                continue
            self._check_template(letter, problems)
            _check_windows(letter, [*to, *cc], problems)
            entries, list_ok = self._signature_list(letter, lists, problems)
            if entries is not None:
                _check_groups(letter, entries, problems)
            if entries is None or not list_ok or _errors(problems) > before:
                continue  # reported; a letter with errors is never rendered
            block = signature_block(entries.entries, letter.groups, letter.as_of, letter.language)
            bundles.append(LetterBundle(self.root, settings, letter, tuple(to), tuple(cc), block))
        return bundles, sorted(set(problems), key=_order)

    def _check_template(self, letter: Letter, problems: list[Problem]) -> None:
        names = self.template_names()
        if letter.template not in names:
            problems.append(
                Problem(
                    letter.path,
                    letter.lines.get("template", 1),
                    f"unknown template '{letter.template}'",
                    f"available templates: {', '.join(names)}",
                )
            )

    def _signature_list(
        self,
        letter: Letter,
        lists: dict[str, tuple[SignatureList | None, bool]],
        problems: list[Problem],
    ) -> tuple[SignatureList | None, bool]:
        """The letter's list (loaded once per run) and whether it is free of errors."""
        name = letter.list_name
        if not name:
            return None, False
        if name not in lists:
            path = self.root / "signatories" / f"{name}.yaml"
            if not path.is_file():
                folder = self.root / "signatories"
                known = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
                problems.append(
                    Problem(
                        letter.path,
                        letter.lines["signatories.list"],
                        f"unknown signature list '{name}': there is no signatories/{name}.yaml",
                        f"lists in this workspace: {', '.join(known) or 'none'}",
                    )
                )
                lists[name] = (None, False)
            else:
                before = _errors(problems)
                loaded = load_signature_list(path, problems)
                if loaded is not None:
                    _check_duplicates(loaded, problems)
                lists[name] = (loaded, _errors(problems) == before)
        return lists[name]


def _errors(problems: list[Problem]) -> int:
    return sum(1 for p in problems if not p.warning)


def _order(problem: Problem) -> tuple[str, int, str]:
    return (str(problem.path), problem.line, problem.message)


def _check_windows(letter: Letter, recipients: list[Recipient], problems: list[Problem]) -> None:
    """An address that does not fit the envelope window would be cut off on the envelope."""
    window = WINDOWS[letter.envelope]
    for r in recipients:
        lines = len(
            address_lines(
                r.name,
                r.title,
                r.organization,
                r.address,
                name_last=name_last(letter.language),
                honorific=r.honorific,
            )
        )
        if lines > window.capacity:
            problems.append(
                Problem(
                    letter.folder / "recipients.yaml",
                    r.line,
                    f"the address of '{r.name}' has {lines} lines; "
                    f"the {window.name} envelope window shows {window.capacity}",
                    "join lines (e.g. street and district), or drop the title or organization",
                )
            )


def _check_groups(letter: Letter, entries: SignatureList, problems: list[Problem]) -> None:
    printed = {g.key for g in letter.groups}
    used = {e.group for e in entries.entries}
    for entry in entries.entries:
        if entry.group and entry.group not in printed:
            problems.append(
                Problem(
                    entries.path,
                    entry.line,
                    f"signatory '{entry.name}' is in group '{entry.group}', "
                    f"which letter '{letter.slug}' does not print",
                    close_match(entry.group, printed)
                    or f"add '{entry.group}' to the groups in letters/{letter.slug}/letter.yaml, "
                    f"or use one of: {', '.join(sorted(printed))}",
                )
            )
    for spec in letter.groups:
        if spec.key not in used:
            problems.append(
                Problem(
                    letter.path,
                    spec.line,
                    f"group '{spec.key}' has no signatories in {entries.path.name}",
                    f"groups used in the list: {', '.join(sorted(used)) or 'none'}",
                )
            )


def _check_duplicates(entries: SignatureList, problems: list[Problem]) -> None:
    """The same person or organisation twice (withdrawn entries aside) would print twice."""
    by_email: dict[str, int] = {}
    by_name: dict[str, int] = {}
    for entry in entries.entries:
        if entry.status == "withdrawn":
            continue
        keys = [(by_name, fold(entry.name), "name")]
        if entry.email:
            keys.append((by_email, entry.email.casefold(), "e-mail address"))
        for seen, key, what in keys:
            if not key:
                continue
            if key in seen:
                problems.append(
                    Problem(
                        entries.path,
                        entry.line,
                        f"'{entry.name}' has the same {what} as the signatory on line {seen[key]}",
                        "keep one entry, or mark the older one 'status: withdrawn'",
                    )
                )
                break
            seen[key] = entry.line
