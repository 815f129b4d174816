"""The changes coordinators make to a sign-on list: add, withdraw, approve, remove, import, merge.

Each runs read-change-validate-write under the list's lock and returns one line
per changed entry, for the command line to print.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campaign.errors import CampaignError, Problem, display_path, shown
from campaign.lists.csvimport import CsvRow, Rules, read_csv
from campaign.lists.dedupe import find_duplicates, merge_plan
from campaign.lists.listfile import ListFile, entry_record, locked
from campaign.lists.provenance import added, imported, stamp
from campaign.lists.provenance import merged as merged_source
from campaign.load.schema import close_match
from campaign.model.fields import DATE, PRIVATE_FIELDS, by_key
from campaign.model.records import Signatory
from campaign.paths import resolved
from campaign.text.names import fold


@dataclass
class Outcome:
    """What a command changed (one line per entry) and what it noticed on the way."""

    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def list_path(root: Path, name: str) -> Path:
    """``signatories/<name>.yaml`` in the workspace, or ``name`` itself if it is a path."""
    if name.endswith((".yaml", ".yml")) or "/" in name:
        return Path(name)
    return root / "signatories" / f"{name}.yaml"


def existing_list(root: Path, name: str, create: bool = False) -> Path:
    """Like :func:`list_path`, but the list must exist (unless ``create``)."""
    path = list_path(root, name)
    if not os.path.lexists(path) and not create:
        folder = root / "signatories"
        known = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
        hint = close_match(name, known) or (
            f"lists here: {', '.join(known)}" if known else "pass --create to start one"
        )
        if known:
            hint += " (--create starts a new list)"
        raise CampaignError(
            f"no sign-on list '{shown(name)}' ({display_path(path)}); nothing was written\n"
            f"  hint: {hint}"
        )
    return path


def printed_groups(root: Path, path: Path) -> tuple[str, ...]:
    """The group keys printed by the letters that use the list at ``path``, in their order.

    Read from each letters/*/letter.yaml on its own; a letter that cannot be read is
    left to 'campaign check'.
    """
    from campaign.load.yamlfile import load_yaml

    keys: dict[str, None] = {}
    letters = root / "letters"
    if resolved(path).parent != resolved(root / "signatories") or not letters.is_dir():
        return ()
    for letter in sorted(letters.glob("*/letter.yaml")):
        data = load_yaml(letter, [])
        sig = data.get("signatories") if isinstance(data, dict) else None
        if not isinstance(sig, dict) or str(sig.get("list")) != path.stem:
            continue
        groups = sig.get("groups")
        for spec in groups if isinstance(groups, list) else []:
            if isinstance(spec, dict) and spec.get("key") is not None:
                keys[str(spec["key"])] = None
    return tuple(keys)


def check_group(group: str, printed: tuple[str, ...], force: bool) -> None:
    """Refuse a group no letter using the list prints (the count would be wrong), unless forced."""
    if force or not printed or group in printed:
        return
    hint = close_match(group, printed) or f"the letters print: {', '.join(printed)}"
    raise CampaignError(
        f"group '{shown(group)}' is printed by no letter that uses this list; nothing was "
        f"changed\n  hint: {hint} (--force takes it anyway)"
    )


def where(path: Path, entry: Signatory) -> str:
    """``path:line`` of an entry."""
    return f"{display_path(path)}:{entry.line}"


def describe(entry: Signatory | dict[str, Any]) -> str:
    """'Name (group, status)' for messages."""
    get = entry.get if isinstance(entry, dict) else lambda key: getattr(entry, key)
    return f"{get('name')} ({get('group')}, {get('status') or 'signed'})"


def _names(entry: Signatory) -> list[str]:
    """The entry's name, and its Latin spelling if it has one, folded for comparing."""
    return [fold(entry.name), *([fold(entry.name_latin)] if entry.name_latin else [])]


def already_on(entries: list[Signatory], record: dict[str, Any]) -> Signatory | None:
    """The entry (not withdrawn) with the same normalised name or e-mail as ``record``."""
    return OnList(entries).find(record)


class OnList:
    """The entries not withdrawn, indexed by folded name and e-mail: one look-up per row.

    Built once per command: comparing each imported row with every entry made
    ``sig import`` quadratic (10,000 rows into a 10,000-entry list took minutes,
    holding the list's lock throughout). With ``withdrawn``, the withdrawn entries
    instead: who left the list.
    """

    def __init__(self, entries: list[Signatory], withdrawn: bool = False) -> None:
        self._first: dict[str, tuple[int, Signatory]] = {}
        self._count = 0
        self._withdrawn = withdrawn
        for entry in entries:
            self.add(entry)

    def add(self, entry: Signatory) -> None:
        """Index ``entry`` after those already indexed (earlier entries win a tie)."""
        if (entry.status == "withdrawn") != self._withdrawn:
            return
        order, self._count = self._count, self._count + 1
        keys = [f"name:{name}" for name in _names(entry)]
        if entry.email:
            keys.append(f"email:{entry.email.casefold()}")
        for key in keys:
            self._first.setdefault(key, (order, entry))

    def find(self, record: dict[str, Any]) -> Signatory | None:
        """The earliest entry with ``record``'s folded name, Latin name or e-mail address."""
        email = str(record.get("email") or "").casefold()
        keys = [f"name:{fold(str(record[k]))}" for k in ("name", "name_latin") if record.get(k)]
        if email and keys:  # as before: a record without a name matches nothing
            keys.append(f"email:{email}")
        hits = [self._first[key] for key in keys if key in self._first]
        return min(hits, key=lambda hit: hit[0])[1] if hits else None


def find(listfile: ListFile, who: str, wanted: Callable[[Signatory], bool], verb: str) -> int:
    """The one entry ``who`` names (an e-mail, a full name, or words of a name)."""
    entries = listfile.entries
    if "@" in who:
        matches = [i for i, e in enumerate(entries) if e.email.casefold() == who.casefold()]
    else:
        key = fold(who)
        matches = [i for i, e in enumerate(entries) if key in _names(e)]
        if not matches:
            matches = [
                i
                for i, e in enumerate(entries)
                if any(f" {key} " in f" {name} " for name in _names(e))
            ]
    usable = [i for i in matches if wanted(entries[i])]
    path = listfile.path
    if len(usable) == 1:
        return usable[0]
    if not usable and matches:
        found = entries[matches[0]]
        raise CampaignError(
            f"{where(path, found)}: {found.name} is {found.status}; there is nothing to {verb}"
        )
    if not usable:
        hint = close_match(who, [e.name for e in entries]) or "run 'campaign sig list' to see names"
        raise CampaignError(
            f"{display_path(path)}: nobody on the list matches '{shown(who)}'\n  hint: {hint}"
        )
    lines = "\n".join(f"  {where(path, entries[i])}: {describe(entries[i])}" for i in usable)
    raise CampaignError(
        f"'{shown(who)}' matches {len(usable)} entries; nothing was changed\n{lines}\n"
        "  hint: give the full name or the e-mail address"
    )


def add(path: Path, record: dict[str, Any], printed: tuple[str, ...] = ()) -> Outcome:
    """Add one signatory, unless the list already has them."""
    with locked(path):
        listfile = ListFile.load(path, create=True)
        same = already_on(listfile.entries, record)
        if same:
            raise CampaignError(
                f"{where(path, same)}: {same.name} is already on the list ({same.status}); "
                "nothing was changed"
            )
        outcome = Outcome(problems=list(listfile.warnings))
        if printed and record["group"] not in printed:  # taken with --force
            outcome.notes.append(
                f"note: no letter prints group '{record['group']}' yet; "
                "letters print only the groups their letter.yaml names"
            )
        created = not path.exists()
        listfile.add({"source": added(path.parent, os.environ)} | record)
        listfile.save()
    if created:
        outcome.notes.insert(0, f"created {display_path(path)}")
    outcome.changes.append(f"added: {describe(record)}")
    return outcome


def parse_settings(pairs: tuple[str, ...]) -> dict[str, Any]:
    """``FIELD=VALUE`` arguments as fields; an empty VALUE takes the field out."""
    from campaign.load.records import SIGNATORY_KEYS

    fields: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise CampaignError(
                f"'{shown(pair)}' must look like FIELD=VALUE\n  hint: e.g. group=organizations"
            )
        if key not in SIGNATORY_KEYS:
            hint = close_match(key, SIGNATORY_KEYS) or f"fields: {', '.join(SIGNATORY_KEYS)}"
            raise CampaignError(f"'{shown(pair)}': unknown field '{shown(key)}'\n  hint: {hint}")
        if key in fields:
            raise CampaignError(f"'{shown(pair)}': {key} is set twice\n  hint: set each field once")
        if by_key("signatory")[key].kind == DATE and value:
            try:
                fields[key] = dt.date.fromisoformat(value)
            except ValueError:
                raise CampaignError(
                    f"'{shown(pair)}': '{shown(value)}' is not a date written YYYY-MM-DD"
                ) from None
        else:
            fields[key] = value or None
    return fields


def set_fields(
    path: Path, who: str, fields: dict[str, Any], printed: tuple[str, ...], force: bool
) -> Outcome:
    """Change fields of one entry; the edit is checked as every other edit is."""
    if fields.get("group"):
        check_group(str(fields["group"]), printed, force)
    with locked(path):
        listfile = ListFile.load(path)
        index = find(listfile, who, lambda e: True, "change")
        entry = listfile.entries[index]
        before = entry_record(entry)
        changed = {k: v for k, v in fields.items() if before.get(k) != v}
        if "name" in changed and changed["name"] is None:
            raise CampaignError("name= would leave the entry without a name; nothing was changed")
        if changed:
            # The first key of an entry carries its '-': taking it out is refused there.
            listfile.update(index, **changed)
            listfile.save()
    outcome = Outcome(problems=list(listfile.warnings))
    for key, value in changed.items():
        old = before.get(key)
        if key in PRIVATE_FIELDS:  # never echoed, like everywhere else
            old, value = old and "(private)", value and "(private)"
        shown_old = "(none)" if old is None else shown(str(old))
        shown_new = "(none)" if value is None else shown(str(value))
        outcome.changes.append(
            f"changed: {shown(entry.name)} ({where(path, entry)}): {key} {shown_old} -> {shown_new}"
        )
    if not changed:
        outcome.notes.append(f"{where(path, entry)}: {entry.name} already has these values")
    return outcome


def withdraw(path: Path, who: str, date: dt.date) -> Outcome:
    """Mark one signatory withdrawn on ``date``; the entry stays, and never prints again."""
    with locked(path):
        listfile = ListFile.load(path)
        index = find(listfile, who, lambda e: e.status != "withdrawn", "withdraw")
        signed = listfile.entries[index].signed
        if signed and date < signed:
            raise CampaignError(
                f"{where(path, listfile.entries[index])}: {listfile.entries[index].name} "
                f"signed on {signed}, after {date}; nothing was changed\n"
                "  hint: check --date"
            )
        listfile.update(index, status="withdrawn", withdrawn=date)
        listfile.save()
    entry = listfile.entries[index]
    return Outcome(
        [f"withdrawn: {entry.name} ({where(path, entry)}), on {date.isoformat()}"],
        problems=list(listfile.warnings),
    )


def opt_out(path: Path, who: str, date: dt.date) -> Outcome:
    """Record that one signatory wants no more messages: ``optout: DATE``; they still print."""
    with locked(path):
        listfile = ListFile.load(path)
        index = find(listfile, who, lambda e: True, "opt out")
        entry = listfile.entries[index]
        if before := getattr(entry, "optout", None):
            return Outcome(
                notes=[
                    f"{where(path, entry)}: {entry.name} opted out on {before}; nothing was changed"
                ]
            )
        listfile.update(index, optout=date)
        listfile.save()
    return Outcome(
        [
            f"opted out: {entry.name} ({where(path, entry)}), on {date.isoformat()}; "
            "'campaign notify' will not mail them"
        ],
        problems=list(listfile.warnings),
    )


def approve(path: Path, who: str | None, today: dt.date) -> Outcome:
    """Pending to signed: one entry, or every pending entry when ``who`` is None."""
    with locked(path):
        listfile = ListFile.load(path)
        if who is None:
            indexes = [i for i, e in enumerate(listfile.entries) if e.status == "pending"]
        else:
            indexes = [find(listfile, who, lambda e: e.status == "pending", "approve")]
        for index in indexes:
            fields: dict[str, Any] = {"status": "signed"}
            if listfile.entries[index].signed is None:
                fields["signed"] = today
            listfile.update(index, **fields)
        if indexes:
            listfile.save()
    outcome = Outcome(problems=list(listfile.warnings))
    for index in indexes:
        entry = listfile.entries[index]
        signed = entry.signed or today
        outcome.changes.append(
            f"approved: {entry.name} ({where(path, entry)}), signed {signed.isoformat()}"
        )
    if not indexes:
        outcome.notes.append(f"{display_path(path)}: no pending entries; nothing was changed")
    return outcome


def remove(path: Path, who: str, confirm: Callable[[str], bool]) -> Outcome:
    """Delete one entry from the file, after ``confirm`` says yes."""
    with locked(path):
        listfile = ListFile.load(path)
        index = find(listfile, who, lambda e: True, "remove")
        entry = listfile.entries[index]
        if not confirm(f"Delete {describe(entry)} at {where(path, entry)}?"):
            return Outcome(notes=["nothing was changed"])
        listfile.remove(index)
        listfile.save()
    return Outcome(
        [f"removed: {describe(entry)}, was at {where(path, entry)}"],
        problems=list(listfile.warnings),
    )


def import_csv(
    path: Path,
    csv_path: Path,
    mapping: dict[str, str],
    defaults: dict[str, Any],
    date_order: str | None,
    skip_invalid: bool,
    rules: Rules | None = None,
) -> Outcome:
    """Add every valid, new row of a CSV file; with any bad row, nothing unless told to skip."""
    found = read_csv(csv_path, mapping, defaults, date_order, rules)
    errors = [p for p in found.problems if not p.warning]
    if errors and not skip_invalid:
        outcome = Outcome(problems=found.problems)
        raise ImportRefused(outcome, found.bad_rows, csv_path)
    outcome = Outcome(problems=[p for p in found.problems if p.warning])
    outcome.problems += [
        Problem(p.path, p.line, f"skipped: {p.message}", p.hint, warning=True) for p in errors
    ]
    with locked(path):
        listfile = ListFile.load(path, create=True)
        outcome.problems = list(listfile.warnings) + outcome.problems
        taken = OnList(listfile.entries)
        left = OnList(listfile.entries, withdrawn=True)
        added = repeats = withdrawn = 0
        csv_name = display_path(csv_path)
        now = stamp()  # one time for every row of one import
        for row in found.rows:
            same = taken.find(row.record)
            source = f"{csv_name}:{row.line}"
            if same:
                # Rows taken earlier from this file carry their CSV line as a negative number.
                place = where(path, same) if same.line > 0 else f"row at line {-same.line}"
                outcome.notes.append(f"{source}: already on the list: {same.name} ({place})")
                repeats += 1
                continue
            if (gone := left.find(row.record)) and not _signed_after(row, gone):
                # A form's export holds every answer each time: the row of a signature
                # withdrawn since is that signature, not a new one.
                day = f" on {gone.withdrawn.isoformat()}" if gone.withdrawn else ""
                outcome.notes.append(
                    f"{source}: withdrawn from the list{day}: {gone.name} "
                    f"({where(path, gone)}); not added again"
                )
                withdrawn += 1
                continue
            listfile.add({"source": imported(csv_path.name, row.line, now)} | row.record)
            # Under each name the row gives (its own script's, and Latin letters'), as the
            # entry it makes will be: a later row under either repeats it.
            taken.add(
                Signatory(
                    name=row.record["name"],
                    name_latin=str(row.record.get("name_latin") or ""),
                    type="",
                    group="",
                    email=str(row.record.get("email") or ""),
                    line=-row.line,
                )
            )
            outcome.changes.append(f"added: {describe(row.record)} from {source}")
            added += 1
        if added:
            listfile.save()
    left_out = f", {withdrawn} withdrawn" if withdrawn else ""
    skipped = f", {found.bad_rows} skipped" if found.bad_rows else ""
    outcome.notes.append(
        f"Imported {added} of {len(found.rows) + found.bad_rows} rows into "
        f"{display_path(path)} ({repeats} already on the list{left_out}{skipped})."
    )
    return outcome


def _signed_after(row: CsvRow, gone: Signatory) -> bool:
    """Whether ``row`` is a signature given after ``gone`` was withdrawn: a new one.

    Only a row dated by its file, after the day of the withdrawal, can tell.
    """
    signed = row.record.get("signed")
    return bool(row.dated and gone.withdrawn and signed and signed > gone.withdrawn)


class ImportRefused(CampaignError):
    """Some rows were bad and --skip-invalid was not given."""

    def __init__(self, outcome: Outcome, bad_rows: int, csv_path: Path) -> None:
        self.outcome = outcome
        plural = "s" if bad_rows != 1 else ""
        super().__init__(
            f"{bad_rows} row{plural} of {display_path(csv_path)} cannot be imported; "
            "nothing was imported\n  hint: fix the rows, or pass --skip-invalid to import the rest"
        )


def merge_duplicates(path: Path) -> Outcome:
    """Merge each set of entries sure to be one signatory into its earliest signature."""
    with locked(path):
        listfile = ListFile.load(path)
        entries = listfile.entries
        outcome = Outcome(problems=list(listfile.warnings))
        for group in find_duplicates(entries):
            for members in group.merges:
                _merge(listfile, path, members, outcome)
            outcome.problems += [
                Problem(path, entries[d.index].line, d.message, d.hint, warning=True)
                for d in group.doubts
            ]
        if listfile.changed:
            listfile.save()
    if not outcome.changes:
        found = "no duplicates sure to be one" if outcome.problems else "no likely duplicates"
        outcome.notes.append(f"{display_path(path)}: {found}; nothing was changed")
    return outcome


def _merge(listfile: ListFile, path: Path, members: tuple[int, ...], outcome: Outcome) -> None:
    """Merge ``members`` into one entry, saying which name it keeps."""
    entries = listfile.entries
    keep, merged = merge_plan(entries, members)
    current = entry_record(entries[keep])
    # The merged entry remembers every entry it was made of, and where each came from.
    merged["source"] = merged_source(
        [(entries[i].name, getattr(entries[i], "source", "")) for i in members]
    )
    changed = {k: v for k, v in merged.items() if v not in ("", None) and current.get(k) != v}
    if changed:
        listfile.update(keep, **changed)
    for index in members:
        if index != keep:
            listfile.remove(index)
            outcome.changes.append(
                f"merged: {entries[index].name} ({where(path, entries[index])}) "
                f"into {entries[keep].name} ({where(path, entries[keep])})"
            )
    if merged["name"] != entries[keep].name:
        outcome.changes.append(
            f"renamed: {entries[keep].name} ({where(path, entries[keep])}) to {merged['name']}, "
            "the fullest name of those merged"
        )
