"""Attacks on 1c374aa, by a helper with a fresh context, each break fixed since.

The changes attacked: a long list read in a forked child (listfile._read_apart), the
fork server's warm-up page (pdf/warmup.py), and the copies' layers handed out before
the letters are compared (composer.sharing). The oracle for the list: the same bytes
read in this process (APART out of reach), as before the change, give the same
entries, problems and kept reading, or the same error. Tests marked ``# held`` are
attacks that found nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from test_ahead_breaks import _more_addressees

from campaign.errors import Problem
from campaign.lists import listfile
from campaign.lists.listfile import Kept, read_list

from conftest import read_list_here, run, snapshot

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _long_list(folder: Path, count: int = 1400, extra: str = "") -> Path:
    """A list of ``count`` entries, well over APART bytes, some with an unknown key (warnings)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["signatories:"]
    for n in range(count):
        lines += [
            f'  - name: "Person Number {n} Of The Long List"',
            "    type: individual",
            "    country: Japan",
            "    group: international",
            f"    signed: 2020-02-{1 + n % 28:02d}",
        ]
        if n % 97 == 0:
            lines.append("    countyr: Japan")  # a warning
    path = folder / "long.yaml"
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    assert path.stat().st_size >= listfile.APART
    return path


# A fresh Python reads the list at argv[1] as read_list does; argv[2] says how the process
# is set up before. It prints what it read, or the exception that came out.
_READER = textwrap.dedent(
    """\
    import os, resource, signal, sys
    from pathlib import Path
    from campaign.lists import listfile
    path, how, where = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    if where == "here":
        listfile.APART = 10**12
    if how == "sigchld-ignored":  # as a parent that ignores SIGCHLD passes it on (exec keeps it)
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    elif how == "one-fd-free":  # near the open-files limit: a file can be read, no pipe made
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))
        held = []
        try:
            while True:
                held.append(os.open("/dev/null", os.O_RDONLY))
        except OSError:
            pass
        os.close(held.pop())
    problems, kept = [], []
    try:
        loaded = listfile.read_list(path, problems, kept)
    except BaseException as exc:
        print("raised", type(exc).__name__, exc)
    else:
        print("read", len(loaded.entries), len(problems), len(kept))
    """
)


def _read_in_fresh_python(path: Path, how: str, where: str) -> str:
    ran = subprocess.run(
        [sys.executable, "-c", _READER, str(path), how, where],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return ran.stdout.strip() or ran.stderr[-500:]


# ---------------------------------------------------------------------------------------
# Breaks, each fixed since
# ---------------------------------------------------------------------------------------


def test_no_pipe_to_be_had_falls_back_to_reading_here(tmp_path: Path) -> None:
    """os.pipe() failing (EMFILE) in _read_apart is not a fallback: the read raises OSError."""
    path = _long_list(tmp_path / "signatories")
    here = _read_in_fresh_python(path, "one-fd-free", "here")
    assert here.startswith("read 1400 ")  # one free descriptor is all a read here needs
    # On 1c374aa: "raised OSError [Errno 24] Too many open files".
    assert _read_in_fresh_python(path, "one-fd-free", "apart") == here


def test_a_fork_that_fails_falls_back_to_reading_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """os.fork() failing (EAGAIN: ulimit -u / a pids cgroup; ENOMEM) is not a fallback either.

    `prlimit --nproc=1 setpriv --reuid=65534 ... campaign check` on a 10,000-name list dies
    with a traceback at `child = os.fork()` in _read_apart; both pipe ends leak too.
    """
    import errno

    path = _long_list(tmp_path / "signatories")
    here = read_list_here(path)

    def refused() -> int:
        raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    before = len(os.listdir("/proc/self/fd"))
    problems: list[Problem] = []
    kept: list[Kept] = []
    try:
        loaded = read_list(path, problems, kept)
    finally:
        leaked = len(os.listdir("/proc/self/fd")) - before
    assert (loaded, problems, kept) == here
    assert leaked == 0


def test_sigchld_ignored_by_the_parent_does_not_fail_the_read(tmp_path: Path) -> None:
    """SIGCHLD ignored (inherited across exec): the child is reaped by the kernel, and
    os.waitpid in _read_apart's finally raises ChildProcessError out of read_list.

    Reproducer: test_a_build_under_a_parent_ignoring_sigchld_builds (build --jobs 1).
    """
    path = _long_list(tmp_path / "signatories")
    here = _read_in_fresh_python(path, "sigchld-ignored", "here")
    assert here.startswith("read 1400 ")
    # On 1c374aa: "raised ChildProcessError [Errno 10] No child processes".
    assert _read_in_fresh_python(path, "sigchld-ignored", "apart") == here


def test_a_build_under_a_parent_ignoring_sigchld_builds(tmp_path: Path) -> None:
    """`campaign build --jobs 1` started with SIGCHLD ignored (a parent's disposition, kept
    across exec): 1c374aa^ built; 1c374aa dies with ChildProcessError from _read_apart."""
    ws = _bench_workspace(tmp_path / "ws", 1500)
    assert (ws / "signatories/japan-hrc-2020.yaml").stat().st_size >= 128 * 1024  # APART
    ran = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, signal, sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); "
            "os.execv(sys.executable, [sys.executable, '-m', 'campaign', 'build', '--jobs', '1'])",
        ],
        cwd=ws, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert "ChildProcessError" not in ran.stderr, ran.stderr[-300:]
    assert ran.returncode == 0, ran.stderr[-300:]


_NO_FONTS = (
    '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n'
)
# In a fresh Python: a page that brings its own font laid out here, then a pool of two
# workers asked for abs(-3); argv[1] "cold" takes the warm-up out of the server's preload.
_POOL = textwrap.dedent(
    """\
    import sys
    from pathlib import Path
    import campaign.pdf.pool as pool
    if sys.argv[1] == "cold":
        pool.PRELOAD = tuple(m for m in pool.PRELOAD if m != "campaign.pdf.warmup")
    from campaign.pdf.engine import layout, write
    from campaign.pdf.pool import workers
    here = Path(".").resolve()
    page = (
        "<!doctype html><html lang=en><head><style>@font-face{font-family:W;src:url(W.ttf)}"
        "*{font-family:W}@page{size:A4;margin:20mm;font-family:W;"
        "@bottom-center{content:'Page ' counter(page);font-family:W}}</style></head>"
        "<body><h1>Hello</h1><p>Text 1 2 3.</p></body></html>"
    )
    print("page", len(write(layout(page, here, here))) > 0, flush=True)
    try:
        with workers(2) as p:
            print("pool", p.submit(abs, -3).result())
    except BaseException as exc:
        print("pool raised", type(exc).__name__, exc)
    """
)


def test_a_machine_with_no_fonts_of_its_own_still_gets_workers(tmp_path: Path) -> None:
    """No system fonts (fontconfig lists none; a slim container), the workspace's own by
    @font-face: its pages lay out, but the warm-up page (default face) segfaults the fork
    server in its preload, and every pool fails: EOFError: unexpected EOF."""
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    if not font.exists():
        pytest.skip("needs a TTF to copy in")
    shutil.copy(font, tmp_path / "W.ttf")
    (tmp_path / "fonts.conf").write_text(_NO_FONTS)
    env = {**os.environ, "FONTCONFIG_FILE": str(tmp_path / "fonts.conf")}
    said = {}
    for way in ("cold", "warm"):
        ran = subprocess.run(
            [sys.executable, "-c", _POOL, way],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        said[way] = ran.stdout.split("\n")[:2]
    assert said["cold"] == ["page True", "pool 3"]  # as 1c374aa^ (no warm-up) does
    # On 1c374aa: ["page True", "pool raised EOFError unexpected EOF"].
    assert said["warm"] == said["cold"]


def test_a_workspace_with_its_own_font_builds_on_a_machine_with_none(
    minimal: Path, tmp_path: Path
) -> None:
    """The same, as a build: letter.css with an @font-face (the font in the letter's folder),
    no system fonts. 1c374aa^ builds (exit 0); 1c374aa prints Pango-CRITICAL lines from the
    dying server and 'Aborted!', as if Ctrl+C was pressed, exit 1."""
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    if not font.exists():
        pytest.skip("needs a TTF to copy in")
    root = Path(__file__).resolve().parents[2]
    template = minimal / "templates/joint-letter"
    template.mkdir(parents=True)
    shutil.copy(font, minimal / "letters/test/W.ttf")
    (template / "letter.css").write_text(
        (root / "templates/joint-letter/letter.css").read_text()
        + "@font-face { font-family: W; src: url(W.ttf); }\n* { font-family: W !important; }\n"
        + "@page { font-family: W; "
        + " ".join(
            f"@{box} {{ font-family: W }}"
            for box in ("top-left", "top-center", "top-right", "bottom-left", "bottom-center")
        )
        + " @bottom-right { font-family: W } }\n"
    )
    (tmp_path / "fonts.conf").write_text(_NO_FONTS)
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(tmp_path / "fonts.conf"),
        "SOURCE_DATE_EPOCH": "1700000000",
    }
    ran = subprocess.run(
        [sys.executable, "-m", "campaign", "build", "--jobs", "2"],
        cwd=minimal, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-400:]
    assert "Aborted!" not in ran.stderr


def _members_added(example: Path) -> None:
    """Four more addressees, Member 0 to Member 3."""
    _more_addressees(example, 4)


def _closing(example: Path, block: str) -> None:
    """The example's letter with ``block`` before its closing (a template of the workspace)."""
    template = example / "templates/joint-letter"
    template.mkdir(parents=True)
    (template / "letter.html.j2").write_text(
        '{% extends "builtin/joint-letter/letter.html.j2" %}\n'
        f"{{% block closing %}}{block}{{{{ super() }}}}{{% endblock %}}\n"
    )


def test_the_first_pieces_template_error_is_the_one_told(example: Path) -> None:
    """The copies are now composed before the letters to addressees are compared: with an
    error in a later addressee's letter and one in a copy, check tells the copy's
    ('nada'), no longer the addressee's ('nope', as 1c374aa^ did: the letters come first)."""
    _members_added(example)
    _closing(
        example,
        "{% if recipient.name == 'Member 3' %}{{ recipient.nope }}{% endif %}"
        "{% if copy and copy.name == 'Yoshihide Suga' %}{{ copy.nada }}{% endif %}",
    )
    result = run("check", workspace=example)
    assert result.exit_code == 1
    assert "unknown name 'nope'" in result.stderr, result.stderr[-600:]


# ---------------------------------------------------------------------------------------
# What held
# ---------------------------------------------------------------------------------------


_VARIANTS = {
    "plain": (b"", b""),
    "syntax error at the end": (b"", b'  - name: "x\n  bad: [\n'),
    "not UTF-8": (b"", b'  - name: "Caf\xe9"\n    type: individual\n'),
    "BOM": (b"\xef\xbb\xbf", b""),
    "bidi control": (b"", '  - name: "A \u2067B"\n    type: individual\n'.encode()),
    "bad choice": (b"", b'  - name: "Robot"\n    type: robot\n'),
    "deep nesting": (b"", b"x: " + b"[" * 5000 + b"\n"),
}


# held
@pytest.mark.parametrize("variant", sorted(_VARIANTS))
def test_a_list_read_apart_reads_as_read_here(tmp_path: Path, variant: str) -> None:
    """Entries, problems (lines, warnings, errors) and the kept reading, or the error."""
    path = _long_list(tmp_path / "signatories")
    head, tail = _VARIANTS[variant]
    path.write_bytes(head + path.read_bytes() + tail)

    def outcome(read: Any) -> Any:
        try:
            return read()
        except Exception as exc:  # the same error both ways
            return type(exc).__name__, str(exc)

    here = outcome(lambda: read_list_here(path))

    def apart() -> Any:
        problems: list[Problem] = []
        kept: list[Kept] = []
        return read_list(path, problems, kept), problems, kept

    assert outcome(apart) == here


def _bench_workspace(folder: Path, names: int = 10000) -> Path:
    sys.path.insert(0, str(BENCH))
    try:
        from generate import make_campaign
    finally:
        sys.path.remove(str(BENCH))
    make_campaign(folder, 1, names)
    return folder


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


# held
@pytest.mark.parametrize(
    ("command", "signum", "group"),
    [
        ("check", signal.SIGINT, True),
        ("build", signal.SIGINT, True),
        ("build", signal.SIGTERM, False),
    ],
)
def test_stopped_while_the_child_reads_the_list(
    tmp_path: Path, command: str, signum: int, group: bool
) -> None:
    """Ctrl+C / SIGTERM while the child parses: 'Aborted!', no child left, nothing written."""
    # 30,000 names: the child reads for about 3.4 s here, ten times the 0.3 s the test
    # waits (with 10,000, a machine three times as fast would have read them all first).
    ws = _bench_workspace(tmp_path / "ws", 30_000)
    before = snapshot(ws)
    env = {**os.environ, "TMPDIR": tempfile.mkdtemp(prefix="atk1-", dir="/tmp")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "campaign", command],
        cwd=ws,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    child = None
    deadline = time.monotonic() + 60
    while child is None and time.monotonic() < deadline and proc.poll() is None:
        for pid in _children(proc.pid):
            if b"-mcampaign" in _cmdline(pid).replace(b"\0", b""):
                child = pid
        time.sleep(0.01)
    assert child is not None, "no child read the list"
    time.sleep(0.3)
    (os.killpg if group else os.kill)(proc.pid, signum)
    _, err = proc.communicate(timeout=60)
    shutil.rmtree(env["TMPDIR"], ignore_errors=True)
    assert (proc.returncode, err) == (1, b"\nAborted!\n")
    state = Path(f"/proc/{child}/stat")
    assert not state.exists() or state.read_text().split()[2] == "Z"  # ended (pid 1 reaps)
    assert snapshot(ws) == before


_BUILD = textwrap.dedent(
    """\
    import sys
    import campaign.pdf.pool as pool
    if sys.argv[1] == "cold":
        pool.PRELOAD = tuple(m for m in pool.PRELOAD if m != "campaign.pdf.warmup")
    from campaign.cli.entry import main
    sys.argv = ["campaign", *sys.argv[2:]]
    main()
    """
)


# held
@pytest.mark.parametrize("variant", ["", "pdf/a-3b", "pdf/ua-1"])
def test_outputs_are_the_same_bytes_with_or_without_the_warm_up(
    example: Path, tmp_path: Path, variant: str
) -> None:
    """The warm-up page leaves nothing (fonts, counters, metadata) in what workers write."""
    if variant:
        settings = example / "campaign.yaml"
        settings.write_text(settings.read_text() + f"pdf_variant: {variant}\n")
    twin = shutil.copytree(example, tmp_path / "twin")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    for ws, way in ((example, "warm"), (twin, "cold")):
        ran = subprocess.run(
            [sys.executable, "-c", _BUILD, way, "build", "--jobs", "2"],
            cwd=ws, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert ran.returncode == 0, ran.stderr[-500:]
    assert snapshot(example / "build") == snapshot(twin / "build")


# held
def test_a_warm_up_with_no_writable_home_says_nothing(example: Path) -> None:
    """HOME and XDG_CACHE_HOME unwritable: the server's warm-up prints nothing of its own."""
    env = {**os.environ, "HOME": "/nonexistent", "XDG_CACHE_HOME": "/proc/none"}
    ran = subprocess.run(
        [sys.executable, "-c", _BUILD, "warm", "build", "--jobs", "2"],
        cwd=example, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    cold = shutil.copytree(example, example.parent / "cold", ignore=shutil.ignore_patterns("build"))
    again = subprocess.run(
        [sys.executable, "-c", _BUILD, "cold", "build", "--jobs", "2"],
        cwd=cold, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert ran.returncode == again.returncode == 0
    assert ran.stderr == again.stderr


# held
def test_copies_depending_on_the_cc_person_build_the_same_ahead_or_not(
    example: Path, tmp_path: Path
) -> None:
    """Letters grouped by title (compared), copies reading the cc's title: same bytes."""
    from aheadscript import SCRIPT

    _members_added(example)
    path = example / "letters/japan-hrc-2020/recipients.yaml"
    path.write_text(
        path.read_text().replace(
            "title: Member of the House of Representatives", "title: Councillor", 2
        )
        + "  - name: Third Copy\n    title: Foreign Minister\n    address:\n"
        "      - Somewhere 1\n      - Tokyo\n"
    )
    _closing(example, "<p>{{ recipient.title }}{% if copy %} / {{ copy.title }}{% endif %}</p>")
    twin = shutil.copytree(example, tmp_path / "twin")
    tmp = Path(tempfile.mkdtemp(prefix="atk1-", dir="/tmp"))
    try:
        env = {**os.environ, "TMPDIR": str(tmp), "SOURCE_DATE_EPOCH": "1600000000"}
        handed = {}
        for ws, way in ((example, "ahead"), (twin, "not ahead")):
            ran = subprocess.run(
                [sys.executable, "-c", SCRIPT, way, "build", "--jobs", "2"],
                cwd=ws, env=env, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            code, handed[way], _ = json.loads(ran.stdout.splitlines()[-1])
            assert code == 0, ran.stderr[-500:]
        assert len(handed["ahead"]) == len(handed["not ahead"]) == 3
        assert list(tmp.iterdir()) == []
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    assert snapshot(example / "build") == snapshot(twin / "build")


# held
def test_an_addressees_error_after_the_copies_were_handed_out_stops_cleanly(
    example: Path,
) -> None:
    """The copies' layer is on a worker when Member 3's letter fails: the build says the
    error as check does, leaves no process, no folder in TMPDIR, no build/."""
    from aheadscript import SCRIPT

    from conftest import run_alone

    _members_added(example)
    _closing(example, "{% if recipient.name == 'Member 3' %}{{ recipient.nope }}{% endif %}")
    told = run("check", workspace=example).stderr.splitlines()[-2:]
    before = snapshot(example)
    tmp = Path(tempfile.mkdtemp(prefix="atk1-", dir="/tmp"))
    here = os.getcwd()
    try:
        os.chdir(example)
        os.environ["ATK1_SAVED_TMPDIR"] = os.environ.get("TMPDIR", "")
        os.environ["TMPDIR"] = str(tmp)
        out, err, code = run_alone([sys.executable, "-c", SCRIPT, "ahead", "build", "--jobs", "2"])
    finally:
        os.chdir(here)
        saved = os.environ.pop("ATK1_SAVED_TMPDIR")
        if saved:
            os.environ["TMPDIR"] = saved
        else:
            os.environ.pop("TMPDIR")
        left = list(tmp.iterdir())
        shutil.rmtree(tmp, ignore_errors=True)
    status, handed, _ = json.loads(out.splitlines()[-1])
    assert (code, status) == (0, 1)
    assert len(handed) == 1 and "campaign-shared-" in handed[0]  # the copies' layer
    assert err.splitlines()[-2:] == [line.replace("ws/", "") for line in told]
    assert left == []
    assert snapshot(example) == before
