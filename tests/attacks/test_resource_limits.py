"""Attacks on the limits: a template that would take the machine's memory, a worker that dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import processes, run, snapshot, stops_as_in_a_terminal

HINT = "  hint: no letter needs anything this big: look for a repetition that runs away\n"
SUMMARY = "Error: 1 problem in 1 file; nothing was written\n"


def _write(workspace: Path, body: str, memory_mb: int = 200) -> None:
    (workspace / "letters" / "test" / "body.md").write_text(body)
    settings = workspace / "campaign.yaml"
    settings.write_text(settings.read_text() + f"limits:\n  pdf_memory_mb: {memory_mb}\n")


@pytest.mark.parametrize("command", ["check", "build"])
def test_three_billion_characters_are_refused_before_they_are_made(
    minimal: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.chdir(minimal)
    _write(minimal, 'Dear all,\n{{ ("x" * 3000000000)|length }}\n')
    result = run(command)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "letters/test/body.md:2: '*' would make a text of 3,000,000,000 characters; "
        "a template may make at most 10,000,000\n" + HINT + SUMMARY
    )
    assert not (minimal / "build").exists() or snapshot(minimal / "build") == {}


# Each operation that makes a result much bigger than what it is given, over its bound:
# the template, what is refused, and the bound when it is not AT_MOST.
AT_MOST = "a template may make at most 10,000,000"
BIG: list[tuple[str, ...]] = [
    ('{{ ["x"] * 20000000 }}', "'*' would make a list of 20,000,000 items"),
    ('{{ 20000000 * "ab" }}', "'*' would make a text of 40,000,000 characters"),
    ('{% set a = "x" * 6000000 %}{{ a + a }}', "'+' would make a text of 12,000,000 characters"),
    ('{{ "%99999999s" % "x" }}', "'%' would make a text of up to 100,000,010 characters"),
    ('{{ "%*d" % (99999999, 1) }}', "'%' would make a text of up to 100,000,011 characters"),
    (
        '{{ "%.99999999f"|format(1.5) }}',
        "'format' would make a text of up to 100,000,013 characters",
    ),
    (
        '{{ "{:>99999999}".format(1) }}',
        "'format' would make a text of up to 100,000,012 characters",
    ),
    (
        '{{ "{x:{w}}".format_map({"x": 1, "w": 99999999}) }}',
        "'format_map' would make a text of up to 100,000,015 characters",
    ),
    ('{{ "x".center(99999999) }}', "'center' would make a text of 99,999,999 characters"),
    ('{{ ("x"|safe).center(99999999) }}', "'center' would make a text of 99,999,999 characters"),
    ('{{ "x".ljust(99999999) }}', "'ljust' would make a text of 99,999,999 characters"),
    ('{{ "x"|center(99999999) }}', "'center' would make a text of 99,999,999 characters"),
    ('{{ "a\\nb"|indent(9999999) }}', "'indent' would make a text of up to 30,000,000 characters"),
    ('{{ (["x" * 1000000] * 20)|join }}', "'join' would make a text of 20,000,000 characters"),
    ('{{ ", ".join(["x" * 1000000] * 20) }}', "'join' would make a text of 20,000,038 characters"),
    (
        '{{ ("x" * 9000000).replace("x", "yy") }}',
        "'replace' would make a text of up to 18,000,000 characters",
    ),
    (
        '{{ ("x" * 9000000)|replace("x", "yy") }}',
        "'replace' would make a text of up to 18,000,000 characters",
    ),
    (
        '{{ "\\t\\t".expandtabs(99999999) }}',
        "'expandtabs' would make a text of up to 200,000,000 characters",
    ),
    ("{{ [1]|batch(99999999, 0)|list }}", "'batch' would make a list of 99,999,999 items"),
    (
        "{{ lipsum(1000, false, 1000, 1000) }}",
        "lipsum would make a text of up to 24,000,000 characters",
    ),
    (
        "{{ 9 ** 99999999 }}",
        "'**' would make a number of about 95,424,250 digits",
        "a template may make numbers of at most 4,300",
    ),
    (  # '~' compiles to one join, not a binary operator (found by an attack review)
        '{% set s = "x" * 9000000 %}{{ (s ~ s ~ s)|length }}',
        "'~' would make a text of 27,000,000 characters",
    ),
    (
        "{% set l = [0] * 100000 %}{{ ([l] * 101)|sum(start=[])|length }}",
        "'sum' would make a list of 10,100,000 items",
    ),
    (
        "{% for i in range(10**10) %}{% endfor %}",
        "range would make 10,000,000,000 numbers",
        "a template may make at most 100,000",
    ),
]


@pytest.mark.parametrize("case", BIG, ids=[f"{n}-{c[1].split()[0]}" for n, c in enumerate(BIG)])
def test_every_operation_that_makes_big_results_is_bounded(
    minimal: Path, monkeypatch: pytest.MonkeyPatch, case: tuple[str, ...]
) -> None:
    body, refused, bound = (*case, AT_MOST)[:3]
    monkeypatch.chdir(minimal)
    _write(minimal, "Dear all,\n" + body + "\n")
    result = run("check")
    assert result.exit_code == 1
    loop = "  hint: a loop over more than that is no letter's: look for a bound that runs away\n"
    assert result.stderr == (
        f"letters/test/body.md:2: {refused}; {bound}\n"
        + (loop if "range" in body else HINT)
        + SUMMARY
    )


def test_the_bounds_leave_what_letters_do_alone(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(minimal)
    body = (
        'Dear all,\n{{ "-" * 40 }} {{ "%5.1f"|format(2.25) }} {{ "{:>6}".format("ab") }}\n'
        '{{ (["a", "b"] + ["c"])|join(", ") }} {{ "x".center(5) }}|{{ 2 ** 10 }}\n'
        '{{ "a" ~ 1 ~ "<b>" }} {{ [1, 2]|sum }} {{ [[1], [2]]|sum(start=[]) }}\n'
    )
    _write(minimal, body)
    result = run("build", "--jobs", "1")
    assert result.exit_code == 0, result.output
    html = (minimal / "build" / "test" / "letter.html").read_text()
    assert "<p>Dear all,\n----------------------------------------   2.2     ab\n" in html
    assert "\na, b, c   x  |1024\na1&lt;b&gt; 3 [1, 2]</p>" in html


# Each text is within the size bound; together they are not within the memory limit.
DOUBLING = (
    "Dear all,\n"
    "{% set ns = namespace(texts=[]) %}\n"
    '{% for i in range(300) %}{% set ns.texts = ns.texts + [("x" * 9000000) ~ i] %}{% endfor %}\n'
    "{{ ns.texts|length }}\n"
)


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_text_that_doubles_in_a_loop_meets_the_memory_limit(
    minimal: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """No single operation is over the bound; the memory limit stops the loop."""
    monkeypatch.chdir(minimal)
    _write(minimal, DOUBLING)
    result = run(command)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: letters/test/body.md:3: filling in the template needed more than 200 MB of "
        "memory, the limit; nothing was written\n"
        "  hint: look for a loop that makes a text ever longer; if the letter really needs "
        "more, raise 'pdf_memory_mb' under 'limits:' in campaign.yaml\n"
    )
    assert not (minimal / "build").exists() or snapshot(minimal / "build") == {}


def _long_build(minimal: Path) -> subprocess.Popen[str]:
    """A build whose letters the workers lay out for a while, in a session of its own."""
    people = "".join(
        f"  - name: Person Number{n}\n    type: individual\n    group: intl\n"
        f"    affiliation: University of Somewhere, Department of Things {n}\n"
        for n in range(1500)
    )
    org = "  - name: Alpha Organization\n    type: organization\n    group: orgs\n"
    (minimal / "signatories" / "people.yaml").write_text("signatories:\n" + org + people)
    # A text that differs from one addressee to the next: each letter is laid out by a
    # worker. Twenty of them keep the two workers busy for many times the second the
    # test waits, on the fastest machine CI has had (three letters took 2.8 s in all).
    more = "".join(
        f"  - name: Minister Number{n}\n    salutation: Dear Minister,\n"
        f"    address: [Ministry {n}, 10117 Berlin]\n"
        for n in range(20)
    )
    recipients = minimal / "letters" / "test" / "recipients.yaml"
    recipients.write_text(recipients.read_text().replace("cc:\n", more + "cc:\n"))
    (minimal / "letters" / "test" / "body.md").write_text("Dear {{ recipient.name }}, we write.\n")
    return subprocess.Popen(
        [sys.executable, "-m", "campaign", "build", "--jobs", "2"],
        cwd=minimal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal gives a command
        preexec_fn=stops_as_in_a_terminal,
    )


def _a_worker(build: subprocess.Popen[str]) -> int:
    """A worker of ``build`` once it is laying out: the fork server's children."""
    for _ in range(600):
        assert build.poll() is None, "the build ended before a worker started"
        for worker in [w for child in processes(1, build.pid) for w in processes(1, child)]:
            time.sleep(1)  # into the middle of a layout
            if Path(f"/proc/{worker}").exists():
                assert build.poll() is None, "the build ended before it could be stopped"
                return worker
        time.sleep(0.1)
    raise AssertionError("no worker started")


def _ended(build: subprocess.Popen[str]) -> str:
    """What ``build`` said on stderr, once it and every process it started have ended."""
    try:
        # Each letter may take 600 seconds (pdf_seconds): without the watch, this waits;
        # so it does while any process the build started holds its output open.
        _, stderr = build.communicate(timeout=120)
    finally:
        if processes(3, build.pid):
            os.killpg(build.pid, signal.SIGKILL)
        build.wait()
    for _ in range(600):  # one may have closed its end of the pipes but not yet exited (30 s)
        if not processes(3, build.pid):
            break
        time.sleep(0.05)
    assert processes(3, build.pid) == []
    return stderr


def test_a_worker_killed_in_the_middle_of_a_build_is_a_clean_error_at_once(
    minimal: Path,
) -> None:
    """SIGKILL (as the kernel's OOM killer sends) to a worker: the build stops and says so."""
    build = _long_build(minimal)
    for _ in range(10):
        try:
            os.kill(_a_worker(build), signal.SIGKILL)
            break
        except ProcessLookupError:
            continue  # recycled meanwhile: another one
    stderr = _ended(build)
    assert build.returncode == 1
    assert stderr.endswith(
        "Error: a worker process laying out PDFs was killed by signal 9 (SIGKILL); "
        "nothing was written\n"
        "  hint: if it ran out of memory, raise 'pdf_memory_mb' under 'limits:' in "
        "campaign.yaml; build with --jobs 1 to see any error it met\n"
    ), stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in (minimal / "build").iterdir()) == []  # no staging left


@pytest.mark.parametrize("how", ["ctrl+c", "sigterm", "sighup"])
def test_a_build_stopped_in_the_middle_leaves_no_process_and_no_file(
    minimal: Path, how: str
) -> None:
    """Ctrl+C (SIGINT to the terminal's whole group), SIGTERM to the build alone, or a
    closed terminal (SIGHUP to the whole group: it killed the build and its workers)."""
    build = _long_build(minimal)
    _a_worker(build)
    if how == "ctrl+c":
        os.killpg(build.pid, signal.SIGINT)
    elif how == "sighup":
        os.killpg(build.pid, signal.SIGHUP)
    else:
        os.kill(build.pid, signal.SIGTERM)
    stderr = _ended(build)
    assert build.returncode == 1
    assert stderr.endswith("\nAborted!\n"), stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in (minimal / "build").iterdir()) == []


def test_stops_that_keep_coming_stop_a_build_once(minimal: Path) -> None:
    """A stop, then others of every kind every 10 ms until it has exited: each came as
    it cleaned up, said "Aborted!" or exited, where SIGTERM and SIGHUP, back at their
    defaults, killed it (exit status 143 or 129, not 1)."""
    build = _long_build(minimal)
    _a_worker(build)
    os.kill(build.pid, signal.SIGTERM)
    kinds = [signal.SIGTERM, signal.SIGHUP, signal.SIGINT]
    sent = 0
    while build.poll() is None and sent < 3000:  # 30 s
        try:
            os.kill(build.pid, kinds[sent % 3])
        except ProcessLookupError:
            break
        sent += 1
        time.sleep(0.01)
    stderr = _ended(build)
    assert build.returncode == 1, stderr
    assert stderr.endswith("\nAborted!\n"), stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in (minimal / "build").iterdir()) == []


def test_a_memory_limit_too_small_to_lay_out_a_letter_is_refused(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """100 MB used to end in 'GLib-ERROR ... Error creating thread' and exit 133."""
    monkeypatch.chdir(minimal)
    settings = minimal / "campaign.yaml"
    settings.write_text(settings.read_text() + "limits:\n  pdf_memory_mb: 100\n")
    line = settings.read_text().splitlines().index("  pdf_memory_mb: 100") + 1
    result = run("build")
    assert result.exit_code == 1
    assert result.stderr == (
        f"campaign.yaml:{line}: 'pdf_memory_mb' must be between 128 and 1048576, not 100\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )
    assert not (minimal / "build").exists()
