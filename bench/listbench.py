"""Benchmark of the sign-on list commands on a 10,000-entry list.

Run with ``make bench`` (or ``.venv/bin/python bench/run.py``). Each command is
run as a user runs it, as a separate ``campaign`` process; the duplicate search
is also compared with the naive approach of comparing every pair of entries.
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

from campaign.lists.dedupe import find_duplicates, name_key, split_acronym
from campaign.lists.report import read_list
from campaign.model.records import Signatory

_WORDS = (
    "action alliance asia human rights watch network justice peace freedom korea citizens "
    "committee forum centre council league union solidarity women youth refugee memory truth "
    "law institute foundation movement coalition association"
)
WORDS = _WORDS.split()
COUNTRIES = ("Japan", "South Korea", "U.S.", "France", "Germany", "Argentina", "Norway", "")


def generate_list(path: Path, count: int, seed: int = 7) -> None:
    """Write a realistic list of ``count`` entries, with about 1% planted duplicates."""
    rng = random.Random(seed)
    out = ["# Generated for the benchmark.\nsignatories:\n"]
    names: list[str] = []
    for n in range(count):
        if names and rng.random() < 0.01:  # a duplicate spelt differently
            name = "The " + names[rng.randrange(len(names))].upper()
        elif n % 3 == 0:
            name = f"{rng.choice(('Ana', 'Jun', 'Min', 'Lea', 'Omar'))} Person{n}"
        else:
            name = " ".join(rng.choice(WORDS).title() for _ in range(4)) + f" {n}"
        names.append(name)
        day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(60))
        kind = (
            "individual"
            if name.startswith(("Ana", "Jun", "Min", "Lea", "Omar"))
            else "organization"
        )
        out.append(
            f'  - name: "{name}"\n    type: {kind}\n'
            f"    country: {rng.choice(COUNTRIES) or 'Japan'}\n"
            f"    group: {'international' if kind == 'individual' else 'organizations'}\n"
            f"    signed: {day.isoformat()}\n    status: signed\n"
            f"    email: e{n}@example.org\n"
        )
    path.write_text("".join(out))


def _generate_csv(path: Path, count: int) -> None:
    """A form export of ``count`` rows; one in ten names someone the list already has."""
    out = ["Name,Type,Group,Email,Signed\n"]
    for n in range(count):
        name, email = f"Form Signer{n}", f"form{n}@example.org"
        if n % 10 == 0:  # the e-mail address of entry n of the generated list
            email = f"e{n}@example.org"
        out.append(f"{name},individual,international,{email},2020-03-{1 + n % 28:02d}\n")
    path.write_text("".join(out))


def _naive_duplicates(entries: list) -> int:  # type: ignore[type-arg]
    """Every pair compared on the same normalised keys: the cost blocking avoids."""
    keys = [
        (name_key(e.name), name_key(split_acronym(e.name)[0]), e.email.casefold()) for e in entries
    ]
    found = 0
    for (a, a_rest, a_mail), (b, b_rest, b_mail) in combinations(keys, 2):
        if a == b or a_rest == b_rest or (a_mail and a_mail == b_mail):
            found += 1
    return found


def _pull(root: Path, count: int = 10_000, signatures: int = 1_000) -> list[tuple[float, float]]:
    """Wall and CPU seconds of two pulls of ``signatures`` each into a ``count``-entry list.

    The store hands over the confirmed signatures as its query would; what is timed is
    the list's part: reading it, the duplicate checks, writing it. The first pull reads
    the list whole (cold); the second takes the reading the first kept (warm).
    """
    from campaign.signon import pull
    from campaign.signon.store import Submission

    (root / "signatories").mkdir(parents=True)
    path = root / "signatories" / "big.yaml"
    generate_list(path, count)
    moment = dt.datetime(2026, 1, 5, 12, 0)
    waiting: list[Submission] = []

    class Store:
        def to_pull(self, letters: list[str]) -> list[Submission]:
            return waiting

        def mark_pulled(self, added: list[int], withdrawals: list[int]) -> None:
            pass

    class Group:
        key = "international"

    class Letter:
        language = "en"
        groups = (Group(),)

    times = []
    for first in (0, signatures):
        waiting[:] = [
            Submission(
                n, "big", f"web{n}@example.org", f"web{n}@example.org", f"Web Signer {n}",
                "individual", "", "JP", "international", False, "", moment, moment, None, None,
                None,
            )
            for n in range(first, first + signatures)
        ]  # fmt: skip
        start, cpu = time.perf_counter(), time.process_time()
        pulled = pull.pull(Store(), path, {"big": Letter()}, True, False)  # type: ignore[arg-type,dict-item]
        assert pulled.added == signatures
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    return times


def _timed(*args: str, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "campaign", *args], cwd=cwd, check=True, capture_output=True
    )
    return time.perf_counter() - start


def run(count: int = 10_000) -> list[str]:
    """Time list, stats, dedupe and one edit on a ``count``-entry list; report lines."""
    lines = [f"Sign-on list commands, {count:,} entries (one process per command)"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "signatories").mkdir()
        path = root / "signatories" / "big.yaml"
        generate_list(path, count)
        for args in (("list", "big"), ("stats", "big"), ("dedupe", "big")):
            lines.append(
                f"  campaign sig {' '.join(args):<12} {_timed('sig', *args, cwd=root):6.2f} s"
            )
        seconds = _timed(
            "sig", "add", "big", "--name", "Bench Org", "--type", "organization",
            "--group", "organizations", cwd=root,
        )  # fmt: skip
        lines.append(
            f"  campaign sig {'add big':<12} {seconds:6.2f} s  (read, splice, check, write)"
        )
        seconds = _timed(
            "sig", "add", "big", "--name", "Bench Org 2", "--type", "organization",
            "--group", "organizations", cwd=root,
        )  # fmt: skip
        lines.append(
            f"  campaign sig {'add big':<12} {seconds:6.2f} s  (again: the reading kept in "
            ".campaign/lists/ by the first)"
        )
        (cold, cold_cpu), (warm, warm_cpu) = _pull(root / "pulled")
        lines.append(
            f"  sig pull, 1,000 confirmed signatures into {count:,} entries: {cold:.2f} s, "
            f"{cold_cpu:.2f} s CPU (in one process, the sign-on store stubbed)"
        )
        lines.append(
            f"  sig pull, 1,000 more (the reading kept by the first): {warm:.2f} s, "
            f"{warm_cpu:.2f} s CPU"
        )
        rows = root / "form.csv"
        _generate_csv(rows, count)
        seconds = _timed("sig", "import", "big", str(rows), cwd=root)
        lines.append(
            f"  campaign sig {'import big':<12} {seconds:6.2f} s  "
            f"({count:,} rows, 1 in 10 already on the list)"
        )
        entries, _ = read_list(path)
        start = time.perf_counter()
        groups = find_duplicates(entries)
        blocked = time.perf_counter() - start
        start = time.perf_counter()
        _naive_duplicates(entries)
        naive = time.perf_counter() - start
    # One name on every entry, each with its own e-mail address: one block of them all,
    # none sure to be the same, so the search for sure duplicates must stay bounded.
    alike = [
        Signatory("Anonymous", "individual", "intl", email=f"a{n}@example.org", line=n + 2)
        for n in range(count)
    ]
    start = time.perf_counter()
    find_duplicates(alike)
    one_name = time.perf_counter() - start
    lines += [
        f"  duplicate search, one name {count:,} times:   {one_name:6.2f} s (none merged)",
        f"  duplicate search, blocked on normalised keys: {blocked:6.2f} s "
        f"({len(groups)} groups found)",
        f"  naive: every pair compared on the same keys:  {naive:6.2f} s "
        f"= {naive / blocked:,.0f}x the blocked search",
    ]
    return lines
