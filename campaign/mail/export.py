"""``campaign export-mail``: the letters and an address table for a print-and-mail service.

Such services print, fold and post a PDF per recipient; they take the address from
a spreadsheet, in columns. The folder holds ``NNN-<name>.pdf`` in mailing order (the
built letters, copied) and ``addresses.csv`` naming each file.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from pathlib import Path

from campaign.build.plan import LetterPlan
from campaign.checks.addresses import read_addresses
from campaign.errors import CampaignError, Problem
from campaign.files.atomic import exchange, fsync_dir, restore_swapped
from campaign.files.tables import csv_text
from campaign.paper.postal import PostalAddress
from campaign.paths import copy_file, read_text

CSV_NAME = "addresses.csv"
_EXPORTED = re.compile(r"\d{3,}-[^/\\]+\.pdf")


def _rows(plan: LetterPlan) -> tuple[list[tuple[str, str, PostalAddress]], list[Problem]]:
    """(file name, piece's source line, address in columns) per piece, and what is missing."""
    composer = plan.composer
    addresses, problems = read_addresses(plan.bundle, composer.pieces)
    rows = []
    width = max(3, len(str(len(composer.pieces))))
    for order, (piece, address) in enumerate(zip(composer.pieces, addresses, strict=True), 1):
        name = f"{order:0{width}d}-{Path(piece.file).name}"
        rows.append((name, piece.file, address))
    return rows, problems


def _replaceable(target: Path) -> bool:
    """Whether ``target`` is absent, empty, or exactly an earlier export (nothing else)."""
    if not target.exists():
        return True
    if not target.is_dir():
        return False
    found = {p.name for p in target.iterdir()}
    if not found:
        return True
    try:
        text = read_text(target / CSV_NAME, "utf-8-sig", newline="")
        listed = {row.get("file", "") for row in csv.DictReader(io.StringIO(text))}
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    # Only the files the last export listed, by the names it gives them.
    ours = {name for name in listed if _EXPORTED.fullmatch(name)}
    return found <= ours | {CSV_NAME}


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def export_mail(plan: LetterPlan, target: Path, strict: bool = False) -> tuple[int, list[Problem]]:
    """Write the letters and ``addresses.csv`` into ``target``; return the count and warnings.

    The folder is made beside ``target`` and swapped in whole, so a failed export
    leaves the previous one as it was. A folder holding anything but the files of
    an earlier export is refused, so nothing of the user's is ever removed.
    """
    rows, problems = _rows(plan)
    if strict and problems:
        from campaign.errors import ProblemsFound

        raise ProblemsFound([Problem(p.path, p.line, p.message, p.hint) for p in problems])
    # An export cut short between the two renames of a swap left the previous one aside.
    restore_swapped(target)
    if not _replaceable(target):
        raise CampaignError(
            f"{target} holds other files; nothing was written\n"
            "  hint: choose an empty or new folder with --output"
        )
    staging = target.parent / f".{target.name}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        lines = max((len(a.lines) for _, _, a in rows), default=0)
        header = ["order", "file", "name", "title", "organization"]
        header += [f"address_line{n}" for n in range(1, max(lines, 2) + 1)]
        header += ["city", "region", "postal_code", "country", "country_code", "role"]
        table = []
        for order, ((name, built, address), piece) in enumerate(
            zip(rows, plan.composer.pieces, strict=True), 1
        ):
            copy_file(plan.folder / built, staging / name)
            r = piece.recipient
            padded = list(address.lines) + [""] * (max(lines, 2) - len(address.lines))
            a = address
            parts = [a.city, a.region, a.postal_code, a.country, a.country_code, piece.role]
            table.append([order, name, r.name, r.title, r.organization, *padded, *parts])
        (staging / CSV_NAME).write_text(csv_text(header, table), encoding="utf-8")
        for path in staging.iterdir():  # on disk before the folder is swapped in
            _fsync(path)
        if target.exists():
            # One step, so a crash leaves the old export or the new one, never neither.
            exchange(staging, target)
        else:
            staging.rename(target)
            fsync_dir(target.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return len(rows), problems
