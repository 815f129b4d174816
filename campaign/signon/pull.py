"""``campaign sig pull``: confirmed web signatures and withdrawals into the YAML list.

The list stays the record of who signed. A pull adds each confirmed signature not
pulled before (pending, or signed with ``approve``), unless dedupe's rules find it on
the list already; marks each withdrawal confirmed on the page as withdrawn; and then
remembers in the database what it did, so that pulling again adds nobody twice.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campaign.errors import CampaignError, Problem, ProblemsFound, display_path, shown
from campaign.lists.dedupe import Present, identity_keys
from campaign.lists.edit import describe, where
from campaign.lists.listfile import ListFile, locked
from campaign.load.records import load_letter, load_settings
from campaign.load.schema import close_match
from campaign.mail.send import mailbox
from campaign.model import stops
from campaign.model.records import Letter, Signatory
from campaign.signon.letter import countries
from campaign.signon.store import Store, Submission, Unavailable

SOURCE = "signon"


@dataclass
class Pulled:
    """What a pull did (or, dry, would do): one line per change, and the problems seen."""

    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    added: int = 0
    withdrawn: int = 0
    duplicates: int = 0
    updated: int = 0  # entries whose owner signed again, with other answers


def letters_using(root: Path, path: Path) -> dict[str, Letter]:
    """The letters whose letter.yaml prints the list at ``path``, by slug."""
    problems: list[Problem] = []
    settings = load_settings(root / "campaign.yaml", problems)
    found: dict[str, Letter] = {}
    for folder in sorted((root / "letters").glob("*/")):
        if not (folder / "letter.yaml").is_file():
            continue
        letter = load_letter(folder, settings, problems)
        if letter is not None and letter.list_name == path.stem:
            found[letter.slug] = letter
    return found


def unprinted_groups(waiting: list[Submission], letters: dict[str, Letter]) -> list[Problem]:
    """A problem for each signature in a group its letter no longer prints.

    The page offered the groups of letter.yaml as it was when the page started; put in
    the list, such an entry would fail every check and build after.
    """
    problems = []
    for s in waiting:
        letter = letters[s.letter]
        keys = [g.key for g in letter.groups]
        if s.withdrawn is not None or s.group in keys:
            continue
        guess = close_match(s.group, keys)
        problems.append(
            Problem(
                letter.path,
                letter.lines.get("signatories", 0),
                f"'{s.name}' signed on the sign-on page in group '{s.group}', which letter "
                f"'{letter.slug}' no longer prints",
                f"put a group with key '{s.group}' back in the letter's groups (the page "
                f"offered it{'; ' + guess if guess else ''}), then pull again",
            )
        )
    return problems


def confirmed_text(moment: dt.datetime) -> str:
    """A confirmation time as the list keeps it: UTC, to the second."""
    return moment.replace(microsecond=0).isoformat() + "Z"


@functools.lru_cache(maxsize=16)
def _country_names(language: str) -> dict[str, str]:
    # Worked out once per language: a pull of 1,000 signatures asked 1,000 times.
    return dict(countries(language))


def record_of(s: Submission, language: str, approve: bool) -> dict[str, Any]:
    """The list entry of a confirmed submission, its origin kept in private fields."""
    assert s.confirmed is not None
    names = _country_names(language)
    return {
        "name": s.name,
        "type": s.kind,
        "affiliation": s.affiliation,
        "country": names.get(s.country, s.country),
        "group": s.group,
        "signed": s.confirmed.date(),
        "status": "signed" if approve else "pending",
        "email": s.email,
        "contact": "yes" if s.contact_consent else "no",
        "source": SOURCE,
        "confirmed": confirmed_text(s.confirmed),
    }


def pull(
    store: Store, path: Path, letters: dict[str, Letter], approve: bool, dry_run: bool
) -> Pulled:
    """Move what the page confirmed into the list at ``path``, under its lock."""
    outcome = Pulled()
    with locked(path):
        listfile = ListFile.load(path)
        outcome.problems = list(listfile.warnings)
        waiting = store.to_pull(list(letters))
        if unknown := unprinted_groups(waiting, letters):
            raise ProblemsFound(unknown)
        entries = listfile.entries
        present = Present(e for e in entries if e.status != "withdrawn")
        written = _pulled_before(entries)
        added: list[int] = []
        pulled_now: list[Signatory] = []  # the entries this pull adds, to name a duplicate
        withdrawals: list[int] = []
        for s in waiting:
            if s.withdrawn is not None:
                withdrawals.append(s.id)
                _withdraw(listfile, s, outcome)
                continue
            added.append(s.id)
            assert s.confirmed is not None  # to_pull gives confirmed signatures only
            if (confirmed_text(s.confirmed), s.mailbox) in written:
                continue
            record = record_of(s, letters[s.letter].language, approve)
            entry = Signatory(**{k: v for k, v in record.items() if k != "signed"})
            if entry in present:
                if _signed_again(listfile, s, record, outcome):
                    continue
                outcome.duplicates += 1
                if same := _same(entries, entry):
                    on_list = f"{same.name} ({where(path, same)})"
                elif same := _same(pulled_now, entry):
                    on_list = f"{same.name} (added by this pull)"
                else:
                    on_list = "an entry under its acronym"
                outcome.changes.append(
                    f"not added: {shown(s.name)} (confirmed on the sign-on page) is already on "
                    f"the list as {shown(on_list)}"
                )
                continue
            present.keys |= identity_keys(entry)
            pulled_now.append(entry)
            listfile.add(record)
            outcome.added += 1
            outcome.changes.append(f"added: {shown(describe(record))}")
        if listfile.changed and not dry_run:
            listfile.save(last=False)  # the database is told after it
        if not dry_run:
            # Still under the lock: a second pull waiting for it must find these done.
            try:
                store.mark_pulled(added, withdrawals)
            except Unavailable as exc:
                if listfile.changed:
                    raise Unmarked(outcome, str(exc)) from None
                raise
            except KeyboardInterrupt:
                # Stopped (Ctrl+C, SIGTERM, SIGHUP) with the list written: "Aborted!"
                # would say nothing was done. What went in is said, and the next pull
                # tells the database.
                if listfile.changed:
                    raise Unmarked(outcome, "", stopped=True) from None
                raise
            stops.done()
    return outcome


class Unmarked(Exception):
    """The list was written, and the database was not told what went into it."""

    def __init__(self, outcome: Pulled, why: str, stopped: bool = False) -> None:
        super().__init__(why)
        self.outcome = outcome
        self.why = why
        self.stopped = stopped  # stopped, rather than the database not answering


def _pulled_before(entries: tuple[Signatory, ...] | list[Signatory]) -> set[tuple[str, str]]:
    """(confirmation, mailbox) of each entry a pull wrote: one look-up per signature.

    The list is written first; a pull killed before marking what it wrote leaves the
    entries that name a signature's address and confirmation as it writes them, and
    the next pull must not add them again.
    """
    return {
        (e.confirmed, mailbox(e.email))
        for e in entries
        if e.source == SOURCE
        and e.status != "withdrawn"
        and e.email  # a pull writes pending or signed
    }


# What a signature sent again changes in the entry a pull wrote for the same address:
# the owner's word on being contacted, whatever else the coordinator has set since.
_ANSWERS = ("contact",)


def _signed_again(
    listfile: ListFile, s: Submission, record: dict[str, Any], outcome: Pulled
) -> bool:
    """Give the list's entry of ``s``'s address the answers ``s`` gave anew; False if none.

    Its owner withdrew, then signed again before a pull had the withdrawal (the entry
    stands): the new answers are theirs, and a consent taken back must not stay given.
    """
    for index, entry in enumerate(listfile.entries):
        if entry.status == "withdrawn" or not entry.email or mailbox(entry.email) != s.mailbox:
            continue
        changed = {k: record[k] for k in _ANSWERS if getattr(entry, k) != record[k]}
        if not changed:
            return False
        # The confirmation it now holds marks the entry written, should this pull be
        # stopped before the database hears of it.
        listfile.update(index, **changed, confirmed=record["confirmed"])
        outcome.updated += 1
        said = ", ".join(f"{k}: '{v}'" for k, v in changed.items())
        outcome.changes.append(
            f"updated: {shown(entry.name)} ({where(listfile.path, entry)}) signed again on "
            f"the sign-on page: {said}"
        )
        return True
    return False


def _same(entries: tuple[Signatory, ...] | list[Signatory], entry: Signatory) -> Signatory | None:
    """The entry of the list that ``entry`` duplicates (by dedupe's identity keys)."""
    keys = identity_keys(entry)
    return next((e for e in entries if e.status != "withdrawn" and identity_keys(e) & keys), None)


def _withdraw(listfile: ListFile, s: Submission, outcome: Pulled) -> None:
    """Mark the list's entry of a withdrawn web signature as withdrawn, on its day."""
    assert s.withdrawn is not None
    day = s.withdrawn.date()
    path = listfile.path
    for index, entry in enumerate(listfile.entries):
        if entry.status != "withdrawn" and entry.email and mailbox(entry.email) == s.mailbox:
            signed = entry.signed
            listfile.update(
                index,
                status="withdrawn",
                withdrawn=max(day, signed) if signed else day,
            )
            outcome.withdrawn += 1
            outcome.changes.append(
                f"withdrawn: {shown(entry.name)} ({where(path, entry)}), on {day.isoformat()}"
            )
            return
    if any(e.email and mailbox(e.email) == s.mailbox for e in listfile.entries):
        return  # withdrawn in the list already (by a pull stopped before it was marked)
    outcome.notes.append(
        f"note: {shown(s.name)} withdrew on the sign-on page on {day.isoformat()}, and is "
        f"not on {display_path(path)} (removed by hand?)"
    )


def no_letter(path: Path, letter: str | None, letters: dict[str, Letter]) -> CampaignError:
    """The error when no letter (or not the one given) prints the list."""
    if letter:
        return CampaignError(
            f"letter '{shown(letter)}' does not print {display_path(path)}; nothing was changed"
            + (f"\n  hint: the letters that do: {', '.join(letters)}" if letters else "")
        )
    return CampaignError(
        f"no letter prints {display_path(path)}, so no sign-on page collects for it; "
        "nothing was changed"
    )
