"""Load on the sign-on page: the production server (``campaign signon serve``, gunicorn)
on 127.0.0.1, with SQLite and with PostgreSQL.

Three runs on each database. Closed loop, the most it takes: 2,000 submissions from 32
concurrent clients over keep-alive connections, each sending its next as soon as it has
its answer. Open loop, the latency at the target: 2,000 submissions offered at 300 a
second, each timed from when it was due. Then 30 seconds of mixed traffic (page views,
submissions, confirmation links from the mails). In each, none lost, none twice, a
confirmation queued for each. Every request goes to 127.0.0.1,
every loop is bounded in count and time. The machine is shared: the load average before
and after each run is printed with its figures.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from signonharness import (
    Client,
    Inbox,
    Server,
    links,
    queued_confirmations,
    serve,
    smtp_server,
    stored_emails,
    submission,
    succeeded,
    use_smtp,
)

from campaign.drafting.scaffold import EXAMPLE
from campaign.signon.server import default_workers

import pgserver

SUBMISSIONS = 2000
CLIENTS = 32
MIXED_SECONDS = 30.0
# The mixed load's share of each kind of request; the rest are page views.
SUBMIT_SHARE, CONFIRM_SHARE = 0.25, 0.15
TARGET_RATE, TARGET_P99_MS = 300, 100  # with SQLite, on the project's 2-core machine
MAIL_WAIT = 300.0  # seconds the burst's e-mails may take to go out before the mixed run


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``, in milliseconds."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank] * 1000


def latencies(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 50):.1f} ms, p95 {percentile(values, 95):.1f} ms, "
        f"p99 {percentile(values, 99):.1f} ms"
    )


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f}"


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process and its children alive now have used so far.

    The server's children: its mail worker runs as a process of its own.
    """
    total = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += cpu_seconds(int(child))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return total + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Tally:
    """What the clients saw, by kind of request; lists are appended to by many threads."""

    times: dict[str, list[float]] = field(default_factory=dict)
    failed: dict[str, list[str]] = field(default_factory=dict)
    answered: list[str] = field(default_factory=list)

    def timed(
        self, kind: str, call: Callable[..., tuple[int, str]], /, *args: Any, **kwargs: Any
    ) -> tuple[int, str]:
        """``call(*args, **kwargs)``, its time and its failure (any status but 200) noted."""
        start = time.perf_counter()
        status, text = call(*args, **kwargs)
        self.times.setdefault(kind, []).append(time.perf_counter() - start)
        if status != 200:
            title = re.search(r"<title>(.*?)</title>", text, re.DOTALL)
            shown = " ".join((title.group(1) if title else text[:200]).split())
            self.failed.setdefault(kind, []).append(f"{status} {shown}")
        return status, text


def in_threads(count: int, work: Callable[[int], None]) -> float:
    """Run ``work(k)`` for k in range(count) at once; the wall time they took."""
    threads = [threading.Thread(target=work, args=(k,)) for k in range(count)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def burst(server: Server, tally: Tally) -> float:
    """SUBMISSIONS submissions, split among CLIENTS clients; the wall time taken."""
    per_client = SUBMISSIONS // CLIENTS
    extra = SUBMISSIONS % CLIENTS

    def client(k: int) -> None:
        visitor = Client(server)
        form = visitor.page()
        start = k * per_client + min(k, extra)
        for n in range(start, start + per_client + (k < extra)):
            fields = submission(n, form, tag="burst")
            status, text = tally.timed("submission", visitor.sign, form, fields)
            if succeeded(status, text):
                tally.answered.append(fields["email"])
        visitor.close()

    return in_threads(CLIENTS, client)


def paced(server: Server, tally: Tally, rate: float, count: int) -> float:
    """``count`` submissions offered at ``rate`` a second (open loop); the wall time taken.

    The n-th is due at n / rate seconds whatever the answers before it: a client free
    then sends it, and its latency counts from when it was due, so a slow server shows
    as queueing in the figures rather than as a lower offered rate.
    """
    lock = threading.Lock()
    turns = iter(range(count))
    start = [0.0]
    # Once every client has its page and its connection, the clock starts.
    ready = threading.Barrier(CLIENTS + 1, action=lambda: start.__setitem__(0, time.perf_counter()))

    def client(k: int) -> None:
        visitor = Client(server)
        form = visitor.page()
        ready.wait()
        while True:
            with lock:
                n = next(turns, None)
            if n is None:
                break
            due = start[0] + n / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            fields = submission(n, form, tag="paced")
            status, text = visitor.sign(form, fields)
            tally.times.setdefault("submission", []).append(time.perf_counter() - due)
            if succeeded(status, text):
                tally.answered.append(fields["email"])
            else:
                tally.failed.setdefault("submission", []).append(f"{status}")
        visitor.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for thread in threads:
        thread.start()
    ready.wait()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start[0]


def mixed(server: Server, inbox: Inbox, tally: Tally, seconds: float) -> float:
    """Page views, submissions and confirmations for ``seconds``; the wall time taken."""
    deadline = time.monotonic() + seconds
    seen = [0]  # how many of the inbox's messages were looked at
    ready: list[str] = []  # confirmation links of this run's submissions not yet opened
    lock = threading.Lock()
    counter = iter(range(10**9))

    def next_confirmation() -> str:
        with lock:
            arrived = inbox.messages[seen[0] :]
            seen[0] += len(arrived)
            ready.extend(links(m).get("confirm", "") for m in arrived if "mixed" in str(m["To"]))
            return ready.pop() if ready else ""

    def client(k: int) -> None:
        rng = random.Random(k)
        visitor = Client(server)
        form = visitor.page()
        while time.monotonic() < deadline:
            roll = rng.random()
            link = next_confirmation() if roll >= 1 - CONFIRM_SHARE else ""
            if roll < SUBMIT_SHARE:
                with lock:
                    n = next(counter)
                fields = submission(n, form, tag="mixed")
                status, text = tally.timed("submission", visitor.sign, form, fields)
                if succeeded(status, text):
                    tally.answered.append(fields["email"])
            elif link:
                # Pressing the button the link's page shows (opening it confirms nothing).
                tally.timed("confirmation", visitor.confirm, link, form)
            else:
                tally.timed("page view", visitor.get, "/")
        visitor.close()

    return in_threads(CLIENTS, client)


@contextmanager
def setup(backend: str) -> Iterator[tuple[Path, Server, Inbox, str]]:
    """A copy of the example workspace, an inbox, the database, the server: stopped after."""
    with ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="campaign-signonbench-"))
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        workspace = folder / "ws"
        shutil.copytree(EXAMPLE, workspace)
        inbox, port = stack.enter_context(smtp_server())
        use_smtp(workspace, port)
        database = ""
        if backend == "postgresql":
            # PostgreSQL's durable defaults, as deployed (the tests' server runs without fsync).
            postgres = stack.enter_context(pgserver.running(fast=False))
            database = postgres.create_database("signon")
        server = serve(workspace, database=database, stderr=folder / "server.err")
        stack.callback(server.stop)
        yield workspace, server, inbox, database


def check(workspace: Path, database: str, inbox: Inbox, tally: Tally, tag: str) -> list[str]:
    """Nothing lost, nothing twice, a confirmation queued for each: problems found, if any."""
    problems = []
    stored = [e for e in stored_emails(workspace, database) if e.startswith(tag)]
    lost = set(tally.answered) - set(stored)
    if lost:
        problems.append(f"{len(lost)} answered submissions not in the database")
    if len(stored) != len(set(stored)):
        problems.append(f"{len(stored) - len(set(stored))} submissions stored twice")
    if len(set(tally.answered)) != len(tally.answered):
        problems.append("a submission was answered twice")
    queued = [e for e in queued_confirmations(workspace, database) if e.startswith(tag)]
    if sorted(queued) != sorted(set(stored)):
        problems.append(f"{len(queued)} confirmations queued for {len(set(stored))} submissions")
    for kind, failures in tally.failed.items():
        problems.append(f"{len(failures)} {kind} requests failed, first: {failures[0]}")
    return problems


def run_backend(backend: str) -> list[str]:
    """The three runs on one database; the report's lines."""
    lines = []
    with setup(backend) as (workspace, server, inbox, database):
        pid = server.process.pid
        tally = Tally()
        before, cpu, mine = load_average(), cpu_seconds(pid), time.process_time()
        start = time.perf_counter()
        wall = burst(server, tally)
        cpu, mine = cpu_seconds(pid) - cpu, time.process_time() - mine
        times = tally.times["submission"]
        rate = len(times) / wall
        lines.append(
            f"  {backend}, closed loop: {len(times)} submissions from {CLIENTS} clients, each "
            f"sending its next on the answer, in {wall:.2f} s: "
            f"{rate:.0f}/s, {latencies(times)}; load {before} before, {load_average()} after"
        )
        lines.append(
            f"    CPU a submission: server and its mail worker {cpu / len(times) * 1000:.2f} ms, "
            f"clients and SMTP {mine / len(times) * 1000:.2f} ms"
        )
        problems = check(workspace, database, inbox, tally, "burst")
        fine = "none lost, none twice, every confirmation queued"
        lines.append(f"    {len(tally.answered)} answered; {'; '.join(problems) or fine}")
        # The mixed run's confirmations must not queue behind the burst's e-mails.
        count = len(tally.answered)
        mailed = len(inbox.wait_until(lambda got: len(got) >= count, timeout=MAIL_WAIT))
        lines.append(
            f"    {mailed} of {count} confirmation e-mails delivered "
            f"{time.perf_counter() - start:.1f} s after the first submission"
        )
        most = rate

        # Open loop: the target rate offered, paced; latency from when each was due.
        tally = Tally()
        before, cpu, mine = load_average(), cpu_seconds(pid), time.process_time()
        wall = paced(server, tally, TARGET_RATE, SUBMISSIONS)
        cpu, mine = cpu_seconds(pid) - cpu, time.process_time() - mine
        times = tally.times["submission"]
        lines.append(
            f"  {backend}, open loop: {len(times)} submissions offered at {TARGET_RATE}/s "
            f"over {CLIENTS} connections, done in {wall:.2f} s ({len(times) / wall:.0f}/s): "
            f"{latencies(times)}; load {before} before, {load_average()} after"
        )
        lines.append(
            f"    CPU a submission: server and its mail worker {cpu / len(times) * 1000:.2f} ms, "
            f"clients and SMTP {mine / len(times) * 1000:.2f} ms"
        )
        problems = check(workspace, database, inbox, tally, "paced")
        lines.append(f"    {len(tally.answered)} answered; {'; '.join(problems) or fine}")
        count += len(tally.answered)
        inbox.wait_until(lambda got: len(got) >= count, timeout=MAIL_WAIT)
        if backend == "sqlite":
            met = most >= TARGET_RATE and percentile(times, 99) < TARGET_P99_MS
            lines.append(
                f"    target ≥ {TARGET_RATE}/s (closed loop) and p99 < {TARGET_P99_MS} ms "
                f"(open loop at {TARGET_RATE}/s): {'met' if met else 'NOT met'}"
            )

        tally = Tally()
        before = load_average()
        wall = mixed(server, inbox, tally, MIXED_SECONDS)
        total = sum(len(v) for v in tally.times.values())
        lines.append(
            f"  {backend} mixed, {wall:.0f} s, {CLIENTS} clients: {total / wall:.0f} requests/s; "
            f"load {before} before, {load_average()} after"
        )
        for kind in ("page view", "submission", "confirmation"):
            times = tally.times.get(kind, [])
            rate = f"{len(times) / wall:5.0f}/s"
            lines.append(f"    {kind + 's':14} {len(times):6} ({rate}), {latencies(times)}")
        problems = check(workspace, database, inbox, tally, "mixed")
        fine = "none lost, none twice, every confirmation queued"
        lines.append(f"    {'; '.join(problems) or fine}")
    return lines


def run(backends: tuple[str, ...] = ("sqlite", "postgresql")) -> list[str]:
    """The sign-on load report (bench/run.py prints it)."""
    lines = [
        f"Sign-on page under load: {SUBMISSIONS} submissions from {CLIENTS} clients, then "
        f"{MIXED_SECONDS:.0f} s of page views, submissions and confirmations "
        f"(campaign signon serve on 127.0.0.1, {default_workers()} server processes; "
        "load average 1/5 min)"
    ]
    for backend in backends:
        if backend == "postgresql" and pgserver.binaries() is None:
            lines.append(f"  postgresql: not run: {pgserver.MISSING}")
            continue
        lines.extend(run_backend(backend))
    return lines


if __name__ == "__main__":
    for line in run(tuple(sys.argv[1:]) or ("sqlite", "postgresql")):
        print(line, flush=True)
