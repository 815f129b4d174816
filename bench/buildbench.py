"""Benchmark of ``campaign build`` on a parliament-sized campaign, and the issue's targets.

700 addressees, 1,000 signatories, 3 people in cc. The naive way lays out every
letter from scratch; it is timed on a sample of 20 letters. The build is run as a
user runs it (``campaign build``, one worker per CPU). Every command's CPU and memory
are counted over all its processes, fork-server workers included (measure.py). A run
that is timed is not sampled for memory (the sampler takes CPU from the command): the
peaks come from one more run of the same command, the peer's too. The peer is the
same letters as KOMA-Script ``scrlttr2`` serial letters (latexpeer.py).
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from campaign.drafting.scaffold import EXAMPLE

import latexpeer
from generate import english_only, make_campaign
from listbench import generate_list
from measure import MB, Run, in_process, measure, with_peaks

CAMPAIGN = [sys.executable, "-m", "campaign"]
# One build's figures move by 15 % or so from one run to the next on a VM shared with
# other work: the 700- and the 100-letter builds run this many times, alternating, and
# the medians are what the table says.
BUILD_RUNS = 3
LIST_ONLY = [sys.executable, str(Path(__file__).parent / "listonly.py")]


def _naive_per_letter(root: Path, sample: int = 20) -> tuple[float, float]:
    """Wall and CPU seconds per letter when each is laid out whole, from a random sample."""
    from campaign.checks.letters import load_letters
    from campaign.compose.composer import Composer
    from campaign.load.workspace import Workspace
    from campaign.pdf.render import render_pdf

    bundle = load_letters(Workspace(root))[0][0]
    composer = Composer(bundle)
    render_pdf(composer.letter_html(composer.to[0]), bundle.letter.folder, root)  # warm up
    chosen = random.Random(3).sample(composer.to, sample)

    def lay_out() -> None:
        for addressee in chosen:
            render_pdf(composer.letter_html(addressee), bundle.letter.folder, root)

    wall, cpu = in_process(lay_out)
    return wall / sample, cpu / sample


def _print_file(folder: Path, tmp: Path) -> tuple[float, int, float, int]:
    """print.pdf from the built letters: objects stored once, and plain concatenation."""
    from campaign.pdf.joining import join_pdfs

    letters = sorted(folder.glob("to/*.pdf")) + sorted(folder.glob("cc/*.pdf"))
    figures = []
    for dedupe in (True, False):
        target = tmp / f"print-{dedupe}.pdf"
        wall, _ = in_process(
            lambda target=target, dedupe=dedupe: join_pdfs(
                letters, target, duplex=True, dedupe=dedupe
            )
        )
        figures += [wall, target.stat().st_size]
    return figures[0], int(figures[1]), figures[2], int(figures[3])


def _signature_list(root: Path, target: Path) -> tuple[Run, float, float, int]:
    """signatories.pdf of the campaign at ``root``, in a process of its own.

    The run, the seconds after WeasyPrint's import, the seconds of those spent reading
    the list and composing it, and the pages."""
    run = measure([*LIST_ONLY, str(root), str(target)], root, memory=False)
    seconds, read, pages = run.out.split()
    # Its peaks from a run of their own, after the timed one (a reading of the list is
    # kept by the first): the next build's, as "again" below measures it.
    run = with_peaks(run, measure([*LIST_ONLY, str(root), str(target)], root))
    return run, float(seconds), float(read), int(pages)


def _editions(tmp: Path) -> tuple[Run, Run]:
    """Build the example without and with its Japanese edition."""
    english = tmp / "english"
    shutil.copytree(EXAMPLE, english)
    english_only(english / "letters" / "japan-hrc-2020")
    both = tmp / "both"
    shutil.copytree(EXAMPLE, both)
    return measure([*CAMPAIGN, "build"], english), measure([*CAMPAIGN, "build"], both)


def _sig_add(tmp: Path, count: int = 10_000) -> tuple[Run, list[Run]]:
    """``campaign sig add`` on a ``count``-entry list: the first, which reads the whole file,
    and the next ones (BUILD_RUNS), each taking the reading the one before kept in
    .campaign/lists/."""
    (tmp / "signatories").mkdir(parents=True)
    generate_list(tmp / "signatories" / "big.yaml", count)
    runs = [
        measure(
            [*CAMPAIGN, "sig", "add", "big", "--name", f"Bench Org {n}", "--type",
             "organization", "--group", "organizations"],
            tmp,
            memory=False,
        )
        for n in range(1 + BUILD_RUNS)
    ]  # fmt: skip
    return runs[0], runs[1:]


@dataclass(frozen=True)
class Row:
    """One row of the issue's table of targets."""

    figure: str
    measured: str
    target: str
    naive: str  # how many times better than the naive way ('' when there is none)
    peer: str  # how many times better than scrlttr2 / pdflatex
    load: float


def _median(runs: list[Run]) -> Run:
    """The middle of ``runs``' wall times, CPU times and peaks, each on its own."""

    def middle(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]

    return Run(
        middle([r.wall for r in runs]),
        middle([r.cpu for r in runs]),
        int(middle([r.pss for r in runs])),
        int(middle([r.rss for r in runs])),
        runs[-1].load,
    )


def _each(values: list[float], digits: int = 1) -> str:
    """One figure of each run, in the order they ran: '14.1 / 13.5 / 15.0'."""
    return " / ".join(f"{value:.{digits}f}" for value in values)


def _x(ratio: float, better: str = "faster", worse: str = "slower") -> str:
    """A ratio of theirs to ours, said the way round that is above 1."""
    if ratio >= 1:
        return f"{ratio:.1f}x {better}"
    return f"{1 / ratio:.1f}x {worse}"


def _m(ratio: float) -> str:
    return _x(ratio, "smaller", "larger")


def run(addressees: int = 700, signatories: int = 1000) -> list[str]:
    """Time the build, its parts and its peer; report lines, then the table of targets."""
    load_start = os.getloadavg()[0]
    lines = [f"campaign build: {addressees} addressees, {signatories:,} signatories, 3 in cc"]
    peer_letters = int(os.environ.get("BENCH_PEER_LETTERS", "0")) or addressees
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        root = make_campaign(tmp / "big", addressees, signatories)
        naive_wall, naive_cpu = _naive_per_letter(root)
        build = measure([*CAMPAIGN, "build"], root, memory=False)
        noop = measure([*CAMPAIGN, "build"], root, memory=False)
        # Every address, return line and label laid out as the build does, nothing written.
        checked = measure([*CAMPAIGN, "check"], root)
        folder = next((root / "build").iterdir())
        pieces = len((folder / "mailing.csv").read_text(encoding="utf-8").splitlines()) - 1
        kept, kept_size, plain, plain_size = _print_file(folder, tmp)
        small = make_campaign(tmp / "small", 100, signatories)
        builds = [build]
        small_builds = [measure([*CAMPAIGN, "build"], small, memory=False)]
        for _ in range(BUILD_RUNS - 1):  # the same again, every file made anew
            builds.append(measure([*CAMPAIGN, "build", "--force"], root, memory=False))
            small_builds.append(measure([*CAMPAIGN, "build", "--force"], small, memory=False))
        # The peaks from one more run of each, sampled (measure.py: not a timed one).
        build = with_peaks(_median(builds), measure([*CAMPAIGN, "build", "--force"], root))
        small_build = with_peaks(
            _median(small_builds), measure([*CAMPAIGN, "build", "--force"], small)
        )
        helps = [measure([*CAMPAIGN, "--help"], root, memory=False).wall for _ in range(5)]
        lists = {}
        for names in (10_000, 20_000):
            huge = make_campaign(tmp / f"list-{names}", 1, names)
            lists[names] = (
                *_signature_list(huge, tmp / f"list-{names}.pdf"),
                latexpeer.signature_list(huge, tmp / f"tex-list-{names}"),
                # Again, as the next build: the list's reading kept by the first.
                _signature_list(huge, tmp / f"list-{names}-again.pdf"),
            )
        english, both = _editions(tmp)
        first_add, adds = _sig_add(tmp / "sig")
        sig_add = _median(adds)
        peer_root = root
        if peer_letters != addressees:  # a quicker run: the peer set on fewer letters
            peer_root = make_campaign(tmp / "peer", peer_letters, signatories)
        peer, peer_pages = latexpeer.letters(peer_root, tmp / "tex-letters")
    load_end = os.getloadavg()[0]
    letters = pieces  # to and cc: what the naive way and the peer set too
    peer_pieces = peer_letters + 3
    peer_per_letter_cpu = peer.cpu / peer_pieces
    peer_wall = peer.wall * letters / peer_pieces  # scaled when set on fewer letters
    peer_cpu = peer.cpu * letters / peer_pieces
    per_extra_cpu = (build.cpu - small_build.cpu) / (addressees - 100)
    each_extra = [
        (big.cpu - little.cpu) / (addressees - 100)
        for big, little in zip(builds, small_builds, strict=True)
    ]
    lines += [
        f"  naive, each letter laid out whole (sample of 20): {naive_wall:6.3f} s, "
        f"{naive_cpu:6.3f} s CPU per letter",
        f"  build, shared pages, median of {len(builds)}: {build.wall:6.1f} s, "
        f"{build.cpu:6.1f} s CPU (all processes), peak {build.pss_mb:.0f} MB "
        f"(PSS; summed RSS {build.rss / MB:.0f} MB)",
        f"    each run: {_each([r.wall for r in builds])} s, "
        f"{_each([r.cpu for r in builds])} s CPU "
        "(the first into an empty build/, the others with --force)",
        f"    = {naive_wall * letters / build.wall:.0f}x the naive way per wall second, "
        f"{naive_cpu * letters / build.cpu:.0f}x per CPU-second "
        f"(naive: about {naive_wall * letters:.0f} s for {letters} letters, one process)",
        f"  100 addressees, median of {len(small_builds)}: {small_build.wall:.1f} s, "
        f"{small_build.cpu:.1f} s CPU, peak {small_build.pss_mb:.0f} MB; CPU per extra "
        f"letter {per_extra_cpu * 1000:.1f} ms (run by run: "
        f"{_each([e * 1000 for e in each_extra])} ms)",
        f"  scrlttr2, the same {peer_pieces} letters ({peer_pages} pages), two pdflatex passes, "
        f"one process per CPU: {peer.wall:.1f} s, {peer.cpu:.1f} s CPU, peak "
        f"{peer.pss_mb:.0f} MB",
        f"  rebuild with nothing changed: {noop.wall:6.2f} s, {noop.cpu:.2f} s CPU",
        f"  campaign check (every box that must fit laid out): {checked.wall:5.1f} s, "
        f"{checked.cpu:.1f} s CPU, peak {checked.pss_mb:.0f} MB",
        f"  print.pdf ({pieces} letters), objects stored once: {kept:5.1f} s, "
        f"{kept_size / MB:.0f} MB",
        f"  naive, plain concatenation:               {plain:5.1f} s, {plain_size / MB:.0f} MB "
        f"= {plain_size / kept_size:.0f}x the size",
        f"  campaign --help:              {min(helps):7.2f} s (best of 5)",
    ]
    if peer_letters != addressees:
        lines.append(
            f"  (BENCH_PEER_LETTERS={peer_letters}: the peer's times below are scaled "
            f"from {peer_pieces} letters to {letters})"
        )
    for names, (run_, seconds, read, pages, (tex, tex_pages), again) in lists.items():
        lines += [
            f"  signatories.pdf of {names:,} names: {run_.wall:5.1f} s ({seconds:.1f} s after "
            f"import, of which {read:.1f} s reading the list and composing it), "
            f"{run_.cpu:.1f} s CPU, peak {run_.pss_mb:.0f} MB, {pages} pages; "
            f"pdflatex x2 (from its .tex): {tex.wall:.1f} s, {tex.cpu:.1f} s CPU, "
            f"{tex.pss_mb:.0f} MB, {tex_pages} pages",
            f"    again, the list's reading kept by the first: {again[0].wall:5.1f} s "
            f"({again[1]:.1f} s after import, of which {again[2]:.1f} s reading and composing), "
            f"{again[0].cpu:.1f} s CPU, peak {again[0].pss_mb:.0f} MB, {again[3]} pages",
        ]
    lines += [
        "  the example letter (3 pieces of mail, 51 names), English only: "
        f"{english.wall:.1f} s, {english.cpu:.1f} s CPU, peak {english.pss_mb:.0f} MB",
        "  the same with its Japanese edition and parallel.pdf:           "
        f"{both.wall:.1f} s, {both.cpu:.1f} s CPU, peak {both.pss_mb:.0f} MB",
        f"  campaign sig add on 10,000 entries, median of {len(adds)}: {sig_add.wall:.2f} s "
        f"({_each([r.wall for r in adds], 2)}), {sig_add.cpu:.2f} s CPU "
        f"(the first, reading the whole file: {first_add.wall:.2f} s, {first_add.cpu:.2f} s CPU)",
    ]
    l10, l20 = lists[10_000], lists[20_000]
    rows = [
        Row(
            f"{letters} letters + list + envelopes + labels + print.pdf",
            f"{build.wall:.1f} s ({build.cpu:.1f} s CPU)",
            "<= 10 s",
            f"{_x(naive_wall * letters / build.wall)}; CPU {_x(naive_cpu * letters / build.cpu)}",
            f"{_x(peer_wall / build.wall)}; CPU {_x(peer_cpu / build.cpu)}",
            build.load,
        ),
        Row(
            "CPU per extra letter",
            f"{per_extra_cpu * 1000:.0f} ms",
            "<= 15 ms",
            _x(naive_cpu / per_extra_cpu),
            _x(peer_per_letter_cpu / per_extra_cpu),
            small_build.load,
        ),
        Row(
            "against scrlttr2, same letters",
            _x(peer_wall / build.wall),
            ">= 15x faster",
            "",
            f"CPU {_x(peer_cpu / build.cpu)}",
            peer.load,
        ),
        Row(
            "signatories.pdf, 10,000 / 20,000 names",
            f"{l10[0].wall:.1f} s / {l20[0].wall:.1f} s",
            "<= 3 s / <= 6 s",
            "",
            f"{_x(l10[4][0].wall / l10[0].wall)} / {_x(l20[4][0].wall / l20[0].wall)}",
            l20[0].load,
        ),
        Row(
            "  again, the list's reading kept (the next build)",
            f"{l10[5][0].wall:.1f} s / {l20[5][0].wall:.1f} s",
            "",
            "",
            f"{_x(l10[4][0].wall / l10[5][0].wall)} / {_x(l20[4][0].wall / l20[5][0].wall)}",
            l20[5][0].load,
        ),
        Row(
            "  laid out alone (as the peer's, from the list read)",
            f"{l10[1] - l10[2]:.1f} s / {l20[1] - l20[2]:.1f} s",
            "",
            "",
            f"{_x(l10[4][0].wall / (l10[1] - l10[2]))} / {_x(l20[4][0].wall / (l20[1] - l20[2]))}",
            l20[0].load,
        ),
        Row(
            "  memory of the list, 10,000 / 20,000 names",
            f"{l10[0].pss_mb:.0f} MB / {l20[0].pss_mb:.0f} MB",
            "flat",
            "",
            f"{_m(l10[4][0].pss / l10[0].pss)} / {_m(l20[4][0].pss / l20[0].pss)}",
            l20[0].load,
        ),
        Row(
            "peak memory, all processes, English / with ja",
            f"{english.pss_mb:.0f} MB / {both.pss_mb:.0f} MB",
            "<= 350 / <= 400 MB",
            "",
            f"{_m(peer.pss / english.pss)} / {_m(peer.pss / both.pss)} (its letters)",
            both.load,
        ),
        Row(
            "  peak memory, 700-letter build",
            f"{build.pss_mb:.0f} MB",
            "<= 350 MB",
            "",
            _m(peer.pss / build.pss),
            build.load,
        ),
        Row(
            "sig add on 10,000 entries (the first)",
            f"{sig_add.wall:.2f} s ({first_add.wall:.2f} s)",
            "<= 0.5 s",
            "",
            "",
            sig_add.load,
        ),
        Row(
            "no-op rebuild",
            f"{noop.wall:.2f} s",
            "<= 0.5 s",
            _x(naive_wall * letters / noop.wall),
            _x(peer_wall / noop.wall),
            noop.load,
        ),
    ]
    widths = [58, 24, 20, 34, 38]
    head = ("figure", "measured", "target", "vs naive", "vs scrlttr2/pdflatex", "load")
    lines += [
        "",
        f"Targets of issue 22 (ratios: how many times faster or smaller; load average "
        f"{load_start:.1f} at the start, {load_end:.1f} at the end)",
        "  " + "".join(h.ljust(w) for h, w in zip(head, [*widths, 5], strict=True)),
    ]
    for row in rows:
        cells = (row.figure, row.measured, row.target, row.naive or "-", row.peer or "-")
        lines.append(
            "  "
            + "".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
            + f"{row.load:.1f}"
        )
    lines.append(
        "  (-: no such way to compare; the peer does not make envelopes, labels or print.pdf)"
    )
    return lines
