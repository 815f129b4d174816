"""Killed at any moment, a command leaves every file as it was or as it would be; edits at once
lose nothing.

The kill tests run the real CLI in a subprocess and SIGKILL it, half of the times after a
delay (with its worker processes), half of the times just before one of the calls that
make a write final (fsync, replace, rename, unlink: the main process alone, its workers
orphaned). Then every file is looked at, and the command is run again. The delays are
spread over the length of an uninterrupted run, the calls over the calls it made, from a
seeded generator. ``CAMPAIGN_KILL_POINTS`` sets how many kills per build (twice as many
for the quicker commands), ``CAMPAIGN_KILL_SEED`` the seed; with
``CAMPAIGN_KILL_REPORT=FILE`` each test appends where its kills landed to FILE (JSON lines).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import campaign.build.run as build_module
from campaign.files.atomic import folder_locked, write_atomic
from campaign.lists.listfile import ListLocked, locked

from conftest import copy_example, copy_tree, kinds, pdf_text, run

KILL_POINTS = int(os.environ.get("CAMPAIGN_KILL_POINTS", "2"))  # per build; a build takes seconds
QUICK_POINTS = 2 * KILL_POINTS  # per list edit, init or new: a fraction of a second
SEED = int(os.environ.get("CAMPAIGN_KILL_SEED", "8"))
REPORT = os.environ.get("CAMPAIGN_KILL_REPORT", "")
CAMPAIGN = [sys.executable, "-m", "campaign"]
LIST = "signatories/japan-hrc-2020.yaml"
Popen = subprocess.Popen[bytes]


# -- looking at a workspace ---------------------------------------------------------------


def files(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` (hidden ones too), by relative path.

    Not the records kept in .campaign/ to skip work: the readings of lists (taken only
    for the very bytes they were made of, test_list_remembered) and the record of the
    last build (taken only for the same inputs and build/ exactly as it left it, each
    file's size and time, test_unchanged_build). One, another or none is right with any
    files, and each holds times of its own run, so it is never byte for byte "after".
    """
    kept = (root / ".campaign" / "lists", root / ".campaign" / "unchanged.json")
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink() and not any(p.is_relative_to(k) for k in kept)
    }


def hidden(rel: str) -> bool:
    """Whether a path is out of sight: it or one of its folders starts with a dot."""
    return any(part.startswith(".") for part in Path(rel).parts)


@dataclass
class State:
    """The files of a workspace, with the text of its PDFs read when first needed."""

    root: Path
    data: dict[str, bytes]
    texts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, root: Path) -> State:
        """The files of ``root`` as they are now."""
        return cls(root, files(root))

    def text(self, rel: str) -> str:
        """What a reader sees in the PDF ``rel``."""
        if rel not in self.texts:
            self.texts[rel] = pdf_text(self.root / rel)
        return self.texts[rel]

    def holds(self, rel: str, data: bytes, path: Path) -> bool:
        """Whether ``data`` (the file at ``path``) is this state's ``rel``.

        Built PDFs are not byte-reproducible yet: one is the same if it is whole and
        reads the same.
        """
        if rel not in self.data:
            return False
        if self.data[rel] == data:
            return True
        if not rel.endswith(".pdf") or not data.rstrip().endswith(b"%%EOF"):
            return False
        try:
            return pdf_text(path) == self.text(rel)
        except subprocess.CalledProcessError:
            return False


def classify(root: Path, before: State, after: State) -> tuple[str, list[str]]:
    """'before', 'after' or 'mixed', and the hidden files lying about; fails on a bad file."""
    now = files(root)
    leftovers = sorted(rel for rel in now if hidden(rel) and rel not in after.data)
    bad = []
    olds = news = 0
    for rel in sorted((before.data.keys() | after.data.keys() | now.keys()) - set(leftovers)):
        if rel in now:
            old = before.holds(rel, now[rel], root / rel)
            new = after.holds(rel, now[rel], root / rel)
        else:  # as before if it was not there, as after if it is to go
            old, new = rel not in before.data, rel not in after.data
        if not (old or new):
            bad.append(f"{rel}: {'neither as before nor as after' if rel in now else 'missing'}")
        olds += old and not new
        news += new and not old
    assert not bad, "\n".join(bad)
    if olds and news:
        return "mixed", leftovers
    return ("after" if news else "before"), leftovers


def assert_reached(root: Path, after: State) -> None:
    """The workspace holds exactly the files of ``after``, hidden ones included."""
    now = files(root)
    assert sorted(now) == sorted(after.data)
    assert [rel for rel, data in now.items() if not after.holds(rel, data, root / rel)] == []


# -- killing ------------------------------------------------------------------------------


# The CLI with the calls that make a write final counted, and SIGKILL sent to itself just
# before the n-th (0: never): a kill inside the write, where a timed one seldom lands.
# Its worker processes are left orphaned, as when only the main process is killed.
KILLED_AT_A_WRITE = """\
import atexit, os, signal, sys
count_file, at = sys.argv[1], int(sys.argv[2])
calls = 0
def hook(name):
    real = getattr(os, name)
    def call(*args, **kwargs):
        global calls
        calls += 1
        if calls == at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    setattr(os, name, call)
for name in ("fsync", "replace", "rename", "unlink"):
    hook(name)
atexit.register(lambda: open(count_file, "w").write(str(calls)))
sys.argv = ["campaign", *sys.argv[3:]]
from campaign.cli.entry import main
main()
"""


def start(root: Path, args: tuple[str, ...], at_write: tuple[Path, int] | None = None) -> Popen:
    """The CLI in its own process group, so it can be killed with its workers."""
    argv = CAMPAIGN
    if at_write:
        argv = [sys.executable, "-c", KILLED_AT_A_WRITE, str(at_write[0]), str(at_write[1])]
    return subprocess.Popen(
        [*argv, *args],
        cwd=root,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def group_alive(pgid: int) -> bool:
    """Whether any process of the group is left."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def kill_at(proc: Popen, delay: float | None) -> bool:
    """SIGKILL the command with its workers after ``delay`` seconds (None: it kills itself).

    False if it had finished before.
    """
    try:
        proc.wait(timeout=delay)
        finished = proc.returncode != -signal.SIGKILL
    except subprocess.TimeoutExpired:
        finished = False
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    # Orphaned workers finish their job and leave; give them the time a loaded machine
    # needs, then make sure, so that nothing writes while the files are looked at.
    deadline = time.monotonic() + 60
    while group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if group_alive(proc.pid):
        os.killpg(proc.pid, signal.SIGKILL)
        while group_alive(proc.pid):
            time.sleep(0.05)
    return finished


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in ``root`` to the end."""
    return subprocess.run(
        [*CAMPAIGN, *args], cwd=root, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )


@dataclass
class Scenario:
    """A command, the workspace it starts from, and how its repetition may answer."""

    name: str
    args: tuple[str, ...]
    prepare: Callable[[Path], None]  # fills the (empty) folder with the "before" state
    done: str = ""  # what the command says when run again after it had finished
    points: int = QUICK_POINTS


@dataclass
class Tally:
    """Where the kills of one scenario landed."""

    command: str
    seconds: float = 0.0
    writes: int = 0  # calls that make writes final (fsync, replace, rename, unlink)
    writes_hit: list[int] = field(default_factory=list)  # those killed just before
    tried: int = 0
    finished: int = 0  # the command had ended before the kill
    before: int = 0
    mid_write: int = 0  # files half moved, or temporary files or staging folders present
    after: int = 0


@dataclass
class Run:
    """A workspace after an uninterrupted run of a command, how long it took, its writes."""

    root: Path
    seconds: float
    writes: int  # calls of the hooked functions in the main process


def run_through(base: Path, done: Path, args: tuple[str, ...]) -> Run:
    """Copy ``base`` to ``done`` and run the command there to the end."""
    shutil.copytree(base, done, symlinks=True)
    count = done.parent / f"{done.name}.writes"
    began = time.monotonic()
    proc = start(done, args, (count, 0))
    assert proc.wait() == 0
    return Run(done, time.monotonic() - began, int(count.read_text()))


def kill_everywhere(tmp_path: Path, scenario: Scenario, through: Run | None = None) -> Tally:
    """Kill the command at moments spread over its run; check the files each time.

    ``through`` is the uninterrupted run from the same start, when one was made already.
    """
    base = tmp_path / "base"
    base.mkdir()
    scenario.prepare(base)
    before = State.of(base)
    through = through or run_through(base, tmp_path / "after", scenario.args)
    tally = Tally(" ".join(scenario.args), through.seconds, through.writes)
    after = State.of(through.root)
    assert after.data != before.data
    rng = random.Random(f"{SEED}:{scenario.name}")
    timed = (scenario.points + 1) // 2
    at_writes = scenario.points - timed
    for n in range(scenario.points):
        ws = tmp_path / f"kill{n}"
        shutil.copytree(base, ws, symlinks=True)
        if n < timed:
            # One moment in each slice of the run, anywhere in it, a little past the end too.
            delay = (n + rng.random()) / timed * tally.seconds * 1.1
            finished = kill_at(start(ws, scenario.args), delay)
        else:  # likewise one write in each slice of them
            m = n - timed
            at = 1 + int((m + rng.random()) / at_writes * through.writes)
            tally.writes_hit.append(at)
            finished = kill_at(start(ws, scenario.args, (tmp_path / "writes", at)), None)
        tally.tried += 1
        tally.finished += finished
        where, leftovers = classify(ws, before, after)
        if leftovers or where == "mixed":
            tally.mid_write += 1
        elif where == "after":
            tally.after += 1
        else:
            tally.before += 1
        again = cli(ws, *scenario.args)
        if again.returncode != 0:
            # Run again once it had done its work, the command may say so and stop.
            assert where == "after" and not leftovers, again.stderr
            assert scenario.done and scenario.done in again.stderr, again.stderr
        assert_reached(ws, after)
        shutil.rmtree(ws)
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as out:
            out.write(json.dumps(tally.__dict__) + "\n")
    print(tally)
    return tally


# -- the commands -------------------------------------------------------------------------


def example(root: Path) -> None:
    copy_example(root)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The example workspace built once: the end of a build, the start of a rebuild."""
    base = tmp_path_factory.mktemp("example")
    example(base)
    return run_through(base, tmp_path_factory.mktemp("built") / "ws", ("build",))


def replaced_cc(built: Path) -> Callable[[Path], None]:
    """The built example with a cc recipient replaced: a partial rebuild, with a removal."""

    def prepare(root: Path) -> None:
        copy_tree(built, root)
        recipients = root / "letters" / "japan-hrc-2020" / "recipients.yaml"
        text = recipients.read_text(encoding="utf-8")
        assert "Yoshihide Suga" in text
        recipients.write_text(text.replace("Yoshihide Suga", "Hanako Durable"), encoding="utf-8")

    return prepare


CSV_ROWS = 300


def with_csv(root: Path) -> None:
    example(root)
    lines = ["Name,Email Address,Country,Timestamp"]
    lines += [
        f"Durable Person {n:03d},person{n:03d}@example.org,Japan,2020-02-0{1 + n % 9}"
        for n in range(CSV_ROWS)
    ]
    (root / "people.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def empty(root: Path) -> None:
    """Nothing: ``campaign init`` makes the workspace."""


SIG_ADD = (
    "sig",
    "add",
    "japan-hrc-2020",
    "--name",
    "Durable Organisation",
    "--type",
    "organization",
    "--group",
    "organizations",
    "--signed",
    "2020-02-01",
)
SIG_IMPORT = (
    "sig", "import", "japan-hrc-2020", "people.csv",
    "--type", "individual", "--group", "international",
)  # fmt: skip
QUICK = [
    Scenario("sig-add", SIG_ADD, example, done="is already on the list"),
    Scenario(
        "sig-import",
        SIG_IMPORT,
        with_csv,
    ),
    Scenario(
        "sig-withdraw",
        ("sig", "withdraw", "japan-hrc-2020", "David Alton", "--date", "2020-03-01"),
        example,
        done="is withdrawn; there is nothing to withdraw",
    ),
    Scenario(
        "sig-remove",
        ("sig", "remove", "japan-hrc-2020", "Sonja Biserko", "--yes"),
        example,
        done="nobody on the list matches",
    ),
    Scenario("new", ("new", "second-letter"), example, done="already exists"),
    Scenario("init", ("init", "fresh"), empty, done="already holds"),
]


@pytest.mark.parametrize("scenario", QUICK, ids=[s.name for s in QUICK])
def test_an_edit_killed_at_any_moment_leaves_old_or_new_files(
    tmp_path: Path, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An added entry's source: says when; the edit run again must write the same file.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1733220000")
    tally = kill_everywhere(tmp_path, scenario)
    assert tally.tried == scenario.points


def test_a_build_killed_at_any_moment_leaves_old_or_new_files(tmp_path: Path, built: Run) -> None:
    scenario = Scenario("build", ("build",), example, points=KILL_POINTS)
    tally = kill_everywhere(tmp_path, scenario, built)
    assert tally.tried == KILL_POINTS


def test_a_partial_rebuild_killed_at_any_moment_leaves_old_or_new_files(
    tmp_path: Path, built: Run
) -> None:
    scenario = Scenario("rebuild", ("build",), replaced_cc(built.root), points=KILL_POINTS)
    tally = kill_everywhere(tmp_path, scenario)
    assert tally.tried == KILL_POINTS


# -- what the kills found, each on its own -------------------------------------------------


def test_a_build_stopped_while_moving_files_in_is_not_trusted_later(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The manifest was written after the outputs: a build stopped between two of them
    # left a new letter under the old manifest, and undoing the edit kept that letter.
    out = minimal / "build" / "test"
    assert run("build", "--jobs", "1", workspace=minimal).exit_code == 0
    body = minimal / "letters" / "test" / "body.md"
    original = body.read_text(encoding="utf-8")
    body.write_text(original + "\nZanzibar is mentioned in the edit only.\n", encoding="utf-8")
    real_replace = os.replace
    moved: list[Path] = []

    def cut_short(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if ".staging" in str(src) and ".staging" not in str(dst):
            if moved:
                raise OSError("the machine stopped here")
            moved.append(Path(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", cut_short)
    with pytest.raises(OSError, match="the machine stopped here"):
        run("build", "--jobs", "1", workspace=minimal)
    monkeypatch.undo()
    assert "Zanzibar" in pdf_text(moved[0])
    body.write_text(original, encoding="utf-8")
    result = run("build", "--jobs", "1", workspace=minimal)
    assert result.exit_code == 0, result.output
    assert moved[0].relative_to(out).as_posix() in result.stdout
    assert [p.name for p in out.rglob("*.pdf") if "Zanzibar" in pdf_text(p)] == []
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []


def test_a_write_is_on_disk_with_its_folder_before_it_counts(
    tmp_path: Path, fsynced: list[os.stat_result]
) -> None:
    # The rename was not flushed: after a power cut the old file (or none) could return.
    write_atomic(tmp_path / "list.yaml", "signatories:\n")
    assert kinds(fsynced) == ["file", "folder"]


def test_a_build_flushes_its_folders_before_the_manifest(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = minimal / "build" / "test"
    events: list[str] = []
    real_write = build_module.write_atomic
    real_fsync_dir = build_module.fsync_dir

    def write(path: Path, data: bytes | str) -> None:
        if path.name in ("manifest.json", ".moving.json"):
            events.append(f"write {path.name}")
        real_write(path, data)

    def fsync_dir(folder: Path) -> None:
        events.append(f"flush {folder.relative_to(out).as_posix()}")
        real_fsync_dir(folder)

    monkeypatch.setattr(build_module, "write_atomic", write)
    monkeypatch.setattr(build_module, "fsync_dir", fsync_dir)
    assert run("build", "--jobs", "1", workspace=minimal).exit_code == 0
    assert events[0] == "write .moving.json"
    assert sorted(events[1:-1]) == ["flush .", "flush cc", "flush to"]
    assert events[-1] == "write manifest.json"


def test_a_dropped_translation_is_gone_though_its_removal_was_cut_short(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Removed file by file, a build stopped after the manifest left letters that no
    # later build knew to remove.
    letter = minimal / "letters" / "test" / "letter.yaml"
    plain = letter.read_text(encoding="utf-8")
    letter.write_text(
        plain + "translations:\n  de: {title: Titel, subject: Betreff, "
        "headings: {intl: Einzelne, orgs: Organisationen}}\n",
        encoding="utf-8",
    )
    (letter.parent / "body.de.md").write_text("Text.\n", encoding="utf-8")
    assert run("build", "--jobs", "1", workspace=minimal).exit_code == 0
    out = minimal / "build" / "test"
    assert (out / "de" / "to" / "ada-minister.pdf").is_file()
    letter.write_text(plain, encoding="utf-8")
    (letter.parent / "body.de.md").unlink()
    real_rmtree = shutil.rmtree

    def cut_short(path: str | os.PathLike[str], *args: object, **kwargs: object) -> None:
        manifest = Path(path) / "manifest.json"
        if manifest.is_file():
            manifest.unlink()
            raise OSError("the machine stopped here")
        real_rmtree(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(shutil, "rmtree", cut_short)
    with pytest.raises(OSError, match="the machine stopped here"):
        run("build", "--jobs", "1", workspace=minimal)
    monkeypatch.undo()
    assert not (out / "de").exists()
    assert run("build", "--jobs", "1", workspace=minimal).exit_code == 0
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["cc", "to"]


def test_new_carries_on_after_a_kill_before_the_letter_was_in_place(example: Path) -> None:
    # The list is written first: run again, 'new' took it for the user's list and drafted
    # a letter printing none of its groups.
    clean = example.parent / "clean"
    copy_tree(example, clean)
    first = cli(clean, "new", "draft")
    assert first.returncode == 0, first.stderr
    made = {rel: data for rel, data in files(clean).items() if "draft" in rel}
    assert sorted(made) == [
        "letters/draft/body.md",
        "letters/draft/letter.yaml",
        "letters/draft/recipients.yaml",
        "signatories/draft.yaml",
    ]
    # What a kill leaves: the new list, and the letter's files half written out of sight.
    (example / "signatories" / "draft.yaml").write_bytes(made["signatories/draft.yaml"])
    (example / "signatories" / ".draft.yaml.k1ll3d_x.tmp").write_text("# A sign-on")
    half = example / "letters" / ".draft.drafting"
    half.mkdir()
    (half / "letter.yaml").write_text("title: Half\n", encoding="utf-8")
    check = cli(example, "new", "other", "--from", "nope")
    assert check.stderr == (
        "Error: no letter 'nope' to copy in letters (letters: japan-hrc-2020)\n"
    )
    again = cli(example, "new", "draft")
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout
    assert {rel: data for rel, data in files(example).items() if "draft" in rel} == made


def test_init_carries_on_after_a_kill_half_way(tmp_path: Path) -> None:
    # Files were copied in place one by one: a kill left a truncated file, and the next
    # init refused the folder.
    assert run("init", "whole").exit_code == 0
    whole = files(tmp_path / "whole")
    half = tmp_path / "half"
    copied = sorted(whole)[: len(whole) // 2]
    for rel in copied:
        (half / rel).parent.mkdir(parents=True, exist_ok=True)
        (half / rel).write_bytes(whole[rel])
    (half / ".campaign-init").write_text("campaign init is writing this workspace\n")
    # The next file was being written when the kill came: its temporary file is left.
    cut = half / sorted(whole)[len(copied)]
    cut.parent.mkdir(parents=True, exist_ok=True)
    (cut.parent / f".{cut.name}.k1ll3d_x.tmp").write_bytes(whole[str(cut.relative_to(half))][:40])
    result = run("init", "half")
    assert result.exit_code == 0, result.output
    assert files(half) == whole
    # Without an init under way, the same files are the user's: refused, as always.
    (half / "campaign.yaml").write_text("language: fr\n")
    refused = run("init", "half")
    assert refused.exit_code == 1
    assert "already holds half/campaign.yaml" in refused.stderr
    assert "nothing was written" in refused.stderr


def test_export_mail_swaps_its_folder_in_one_step(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The old export was renamed away, then the new one in: stopped in between, there
    # was no export folder at all.
    assert run("export-mail", "test", workspace=minimal).exit_code == 0
    mail = minimal / "build" / "test" / "mail"
    exported = files(mail)
    real_rename = Path.rename
    renames: list[Path] = []

    def second_fails(self: Path, target: str | os.PathLike[str]) -> Path:
        renames.append(self)
        if len(renames) == 2:
            raise OSError("the machine stopped here")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", second_fails)
    result = run("export-mail", "test", workspace=minimal)
    assert result.exit_code == 0, result.output
    assert files(mail).keys() == exported.keys()
    # Where the system cannot swap two folders, two renames it is, repaired next time.
    monkeypatch.setattr("campaign.files.atomic._renameat2", lambda: None)
    with pytest.raises(OSError, match="the machine stopped here"):
        run("export-mail", "test", workspace=minimal)
    assert not mail.exists()
    assert files(mail.parent / ".mail.old") == exported
    monkeypatch.undo()
    assert run("export-mail", "test", workspace=minimal).exit_code == 0
    assert files(mail).keys() == exported.keys()
    assert sorted(p.name for p in mail.parent.iterdir() if p.name.startswith(".")) == []


def test_a_killed_edit_leaves_no_input_and_the_next_edit_clears_it(minimal: Path) -> None:
    folder = minimal / "signatories"
    ours = folder / ".people.yaml.k1ll3d_x.tmp"
    ours.write_text("signatories:\n  - name: Half Writ", encoding="utf-8")
    theirs = folder / ".other.yaml.k1ll3d_x.tmp"
    theirs.write_text("not ours to remove\n", encoding="utf-8")
    assert run("check", workspace=minimal).exit_code == 0
    listed = run("sig", "list", "people", "--format", "csv", workspace=minimal)
    assert "Half Writ" not in listed.stdout
    added = run(
        "sig", "add", "people", "--name", "Ann Example", "--type", "individual",
        "--group", "intl", "--signed", "2024-04-01", workspace=minimal,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert sorted(p.name for p in folder.iterdir()) == [".other.yaml.k1ll3d_x.tmp", "people.yaml"]


# -- edits at the same moment ----------------------------------------------------------------


def test_edits_at_the_same_moment_lose_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    with_csv(ws)
    names = [f"Concurrent Signer {n}" for n in range(6)]
    commands = [
        ("sig", "add", "japan-hrc-2020", "--name", name, "--type", "individual",
         "--group", "international", "--signed", "2020-02-01")
        for name in names
    ]  # fmt: skip
    commands.append(SIG_IMPORT)
    before = (ws / LIST).read_text(encoding="utf-8")
    procs = [
        subprocess.Popen(
            [*CAMPAIGN, *args], cwd=ws, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for args in commands
    ]
    outcomes = [(*proc.communicate(), proc.returncode) for proc in procs]
    assert [code for _, _, code in outcomes] == [0] * len(commands), outcomes
    text = (ws / LIST).read_text(encoding="utf-8")
    assert text.startswith(before[: before.index("signatories:")])
    listed = cli(ws, "sig", "list", "japan-hrc-2020", "--format", "json")
    entries = json.loads(listed.stdout)
    on_list = [e["name"] for e in entries]
    for name in [*names, *(f"Durable Person {n:03d}" for n in range(CSV_ROWS))]:
        assert on_list.count(name) == 1, name
    assert len(entries) == before.count("- name:") + len(names) + CSV_ROWS
    checked = cli(ws, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_edit_while_a_build_reads_the_list_breaks_neither(minimal: Path) -> None:
    build = subprocess.Popen([*CAMPAIGN, "build"], cwd=minimal, stdout=subprocess.DEVNULL)
    names = [f"Reader Test {n}" for n in range(3)]
    for name in names:
        added = cli(
            minimal, "sig", "add", "people", "--name", name, "--type", "individual",
            "--group", "intl", "--signed", "2024-04-01",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
    assert build.wait() == 0
    assert cli(minimal, "check").returncode == 0
    listed = cli(minimal, "sig", "list", "people", "--format", "csv").stdout
    assert [name for name in names if name in listed] == names


def test_a_list_held_too_long_is_refused_with_its_name(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("campaign.lists.listfile.LOCK_TIMEOUT", 0.2)
    path = minimal / "signatories" / "people.yaml"
    before = path.read_bytes()
    with locked(path):
        result = run("sig", "withdraw", "people", "Ann", "--date", "2024-06-01", workspace=minimal)
        drafted = run("new", "second", "--signatories", "people", workspace=minimal)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: ws/signatories/people.yaml is being changed by another campaign command; "
        "try again when it has finished\n"
    )
    # 'new' waits for the list too: a list made by 'sig add' meanwhile is not overwritten.
    assert drafted.exit_code == 1
    assert "is being changed by another campaign command" in drafted.stderr
    assert not (minimal / "letters" / "second").exists()
    assert path.read_bytes() == before
    with pytest.raises(ListLocked), locked(path), locked(path, timeout=0):
        pass


def test_a_killed_command_leaves_no_lock_behind(minimal: Path) -> None:
    path = minimal / "signatories" / "people.yaml"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""\
            import time
            from pathlib import Path
            from campaign.lists.listfile import locked
            with locked(Path({str(path)!r})):
                print("held", flush=True)
                time.sleep(600)
            """)],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    with pytest.raises(ListLocked), locked(path, timeout=0):
        pass
    holder.kill()
    holder.wait()
    holder.stdout.close()
    with locked(path, timeout=0):
        pass


def test_two_builds_at_once_run_one_after_the_other(minimal: Path) -> None:
    first = subprocess.Popen([*CAMPAIGN, "build"], cwd=minimal, stdout=subprocess.DEVNULL)
    second = cli(minimal, "build")
    assert first.wait() == 0
    assert second.returncode == 0, second.stderr
    out = minimal / "build" / "test"
    assert "Dear Minister," in pdf_text(out / "to" / "ada-minister.pdf")
    assert json.loads((out / "manifest.json").read_text())["outputs"].keys() == {
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert not [p for p in (minimal / "build").iterdir() if p.name.startswith(".")]


def test_a_build_waiting_too_long_for_another_is_refused(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_module, "BUILD_LOCK_TIMEOUT", 0.2)
    with folder_locked(minimal / "build", 0, RuntimeError):
        result = run("build", workspace=minimal)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: ws/build/ is being built by another campaign command; "
        "try again when it has finished\n"
    )
    assert not (minimal / "build" / "test").exists()
