"""Git, asked about a workspace's history: the one place campaign runs git.

A workspace may arrive with its own ``.git/config``, and git runs the commands such a
file names: clean and smudge filters and text conversions when it reads a file, the
file-system monitor when it looks at the working tree. So every question here reads
committed objects only (``cat-file``, ``blame`` of HEAD with text conversion off), with
the monitor switched off; the working tree is read by Python, and ``blame`` maps its
lines onto HEAD's itself. Git fetches nothing (a partial clone's missing objects are
missing: the fetch would run the commands its remote names), replace refs are not
followed, and who committed a line is read from the commit itself, not mapped through a
``.mailmap`` or moved elsewhere by ``blame.ignoreRevsFile``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
import shlex
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from campaign.errors import shown
from campaign.paths import read_bytes, resolved

# Given on the command line, these outrank a repository's own settings: no monitor
# process, no hooks, and author names and summaries in UTF-8 whatever the repository asks.
_SAFE = (
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "i18n.logOutputEncoding=UTF-8",
)  # fmt: skip


# Why git may lack an object it was asked for, and what to do about it.
NOT_FETCHED = (
    "campaign reads only the objects the repository holds, and fetches none: a partial "
    "clone may lack the list's history until git fetches it for you"
)


class GitError(Exception):
    """Git could not answer; the message is git's own first line, or why it could not run."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint  # what to do about it, when this module knows


@dataclass(frozen=True)
class Blamed:
    """Who committed a line: the commit, its author, the day (YYYY-MM-DD) and summary,
    and the line's number in HEAD."""

    commit: str
    author: str
    day: str
    summary: str
    line: int = 0


def _git(
    folder: Path, args: Sequence[str], timeout: float = 120, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    """Run git in ``folder`` as this module always does; OSError and timeouts as GitError."""
    env = dict(os.environ)
    # Never wait on a password prompt, and never take a lock only to refresh the index.
    env.update(GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    # A partial clone fetches an object it lacks from its promisor remote, through a
    # transport the repository chooses: an upload-pack, ssh or proxy command, ext::, a
    # remote helper. No transport is allowed (git before 2.45 has no other way to say
    # "fetch nothing"), and GIT_NO_LAZY_FETCH says it to the gits that have one.
    env.update(GIT_ALLOW_PROTOCOL="none", GIT_NO_LAZY_FETCH="1")
    # refs/replace/ would give an object's name another object's content.
    env.update(GIT_NO_REPLACE_OBJECTS="1")
    # A list's name is a file's name, never a pattern.
    env.update(GIT_LITERAL_PATHSPECS="1")
    try:
        return subprocess.run(
            ["git", *_SAFE, "-C", str(folder), *args],
            capture_output=True,
            input=stdin,
            env=env,
            check=False,
            timeout=timeout,
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(f"git could not run ({exc})") from None


def _reason(done: subprocess.CompletedProcess[bytes]) -> str:
    """Git's message for a failed command, on one line."""
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    text = lines[-1] if lines else f"git stopped with exit status {done.returncode}"
    return text.removeprefix("fatal: ").removeprefix("error: ")


def inside(folder: Path) -> bool:
    """Whether ``folder`` is in a git working tree (False when git is not installed).

    GitError if it is in a repository git will not read: another user's.
    """
    try:
        done = _git(folder, ["rev-parse", "--is-inside-work-tree"], 30)
    except GitError:
        return False
    if done.returncode != 0 and b"safe.directory" in done.stderr:
        # Another user's repository, which git will not read: saying "not a repository"
        # would have every entry flagged as if nobody could tell who typed it.
        first = done.stderr.decode("utf-8", "replace").strip().splitlines()[0]
        # git names the repository's top folder: "... in repository at '/the/top'".
        top = first.partition("'")[2].rpartition("'")[0] or str(resolved(folder))
        raise GitError(
            first.removeprefix("fatal: "),
            f"the repository belongs to another user; if you trust it, "
            f"`git config --global --add safe.directory {shlex.quote(shown(top))}`",
        )
    # In a .git folder, or a bare repository, git says 'false', and succeeds.
    return done.returncode == 0 and done.stdout.strip() == b"true"


def _commit(folder: Path, rev: str) -> str:
    """The full name of the commit ``rev`` names; GitError if it names none."""
    if not rev.strip() or rev.startswith("-"):
        raise GitError(f"'{rev}' is not a revision")
    done = _git(
        folder, ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"]
    )
    if done.returncode != 0:
        if not inside(folder):
            raise GitError("not a git repository")
        raise GitError(f"no commit is called '{rev}'")
    return done.stdout.decode("ascii").strip()


def _file(folder: Path, commit: str, name: str) -> tuple[bytes, str] | None:
    """The mode and blob of ``name`` (a file in ``folder``) in ``commit``; None if absent.

    ``ls-tree`` reads the commit's trees only, so a blob a partial clone lacks is told
    apart from a file the commit does not have.
    """
    done = _git(folder, ["ls-tree", "-z", "--end-of-options", commit, "--", name])
    if done.returncode != 0:
        raise GitError(_reason(done), NOT_FETCHED)
    if not done.stdout:
        return None
    mode, kind, oid = done.stdout.partition(b"\t")[0].split(b" ")
    if kind != b"blob":
        return None  # a folder or a submodule where the file is now
    return mode, oid.decode("ascii")


def _real(folder: Path, relative: str) -> tuple[Path, str]:
    """The folder and name of the file ``relative`` names, symbolic links followed.

    Git would read a link's own text (its target) as the file's; the list is the file
    the link leads to, and that file is what git is asked about.
    """
    target = resolved(folder / relative)
    return target.parent, target.name


def show(folder: Path, rev: str, relative: str) -> bytes | None:
    """The bytes of ``relative`` (from ``folder``) as committed at ``rev``; None if absent there."""
    folder, name = _real(folder, relative)
    commit = _commit(folder, rev)
    found = _file(folder, commit, name)
    if found is None:
        return None
    mode, blob = found
    if mode == b"120000":
        raise GitError(f"{name} is a symbolic link at that revision, not a list")
    # cat-file prints the object as stored: no smudge filter, no text conversion.
    done = _git(folder, ["cat-file", "blob", blob])
    if done.returncode != 0:
        raise GitError(_reason(done), NOT_FETCHED)
    return done.stdout


def config(folder: Path, key: str) -> str:
    """The value git's settings give ``key`` for ``folder`` ('' if none, or no git)."""
    try:
        done = _git(folder, ["config", "--get", key], 10)
    except GitError:
        return ""
    return done.stdout.decode("utf-8", "replace").strip() if done.returncode == 0 else ""


def blame(path: Path, now: bytes | None = None) -> dict[int, Blamed] | None:
    """The commit of each line of ``path`` as it is now; None when it is not in a repository.

    ``now`` is the file's bytes as the caller read them (read here if not given). A line
    missing from the answer is not committed yet. Git blames HEAD with an empty
    folder for its working tree; the file as it is on disk is laid against HEAD's text
    here, so git never reads the working tree.
    """
    folder, name = _real(path.parent, path.name)
    if not inside(folder):
        return None
    try:
        commit = _commit(folder, "HEAD")
    except GitError:
        return {}  # a repository without a commit: nothing is committed yet
    found = _file(folder, commit, name)
    if found is None or found[0] == b"120000":
        return {}  # a list git does not track yet (or tracked a link where it is now)
    located = _git(folder, ["rev-parse", "--absolute-git-dir", "--show-prefix"], 30)
    if located.returncode != 0:
        raise GitError(_reason(located))
    gitdir, prefix = [*located.stdout.decode("utf-8", "surrogateescape").split("\n"), ""][:2]
    # Blame reads the working tree's .mailmap and .gitattributes even for a commit; a
    # FIFO there held it until its timeout. Given an empty folder as its working tree,
    # git reads nothing but the repository. No ignoreRevsFile: a line of an ignored
    # commit would be given to another commit, one that never had it.
    with tempfile.TemporaryDirectory(prefix="campaign-git-") as empty:
        done = _git(
            Path(empty),
            [f"--git-dir={gitdir}", f"--work-tree={empty}", "blame", "--porcelain",
             "--no-textconv", "--no-ignore-revs-file", commit, "--", f"{prefix}{name}"],
        )  # fmt: skip
    if done.returncode != 0:
        raise GitError(_reason(done), NOT_FETCHED)
    lines, texts = _porcelain(done.stdout)
    told = _commits(folder, sorted(set(lines.values())))
    lines_now = (now if now is not None else read_bytes(folder / name)).split(b"\n")
    return {
        mine + 1: dataclasses.replace(told[lines[theirs + 1]], line=theirs + 1)
        for theirs, mine in _same_lines(texts, lines_now)
        if theirs + 1 in lines
    }


def _porcelain(out: bytes) -> tuple[dict[int, str], list[bytes]]:
    """``git blame --porcelain``'s answer: each line's commit, and the committed text.

    The author blame gives is mapped through ``.mailmap`` files, one in the working tree
    among them: who committed a commit is read from the commit instead (``_commits``).
    """
    lines: dict[int, str] = {}
    texts: list[bytes] = []
    commit = ""
    number = 0
    for raw in out.split(b"\n"):
        if raw.startswith(b"\t"):
            lines[number] = commit
            texts.append(raw[1:])
            continue
        head, _, rest = raw.partition(b" ")
        if len(head) == 40 and all(c in b"0123456789abcdef" for c in head):
            commit = head.decode("ascii")
            number = int(rest.split()[1])
    return lines, texts


def _commits(folder: Path, commits: Sequence[str]) -> dict[str, Blamed]:
    """Who made each commit and when, and its summary, as the commit objects say."""
    if not commits:
        return {}
    done = _git(folder, ["cat-file", "--batch"], stdin="".join(f"{c}\n" for c in commits).encode())
    if done.returncode != 0:
        raise GitError(_reason(done), NOT_FETCHED)
    out = done.stdout
    told: dict[str, Blamed] = {}
    at = 0
    for commit in commits:
        end = out.index(b"\n", at)
        header = out[at:end].split(b" ")
        if len(header) != 3 or header[1] != b"commit":
            raise GitError(f"cannot read commit {commit}")
        size = int(header[2])
        told[commit] = _told(commit, out[end + 1 : end + 1 + size])
        at = end + 1 + size + 1
    return told


def _told(commit: str, body: bytes) -> Blamed:
    """A commit object's author, day (UTC) and first line, in the commit's own encoding."""
    headers, _, message = body.partition(b"\n\n")
    fields: dict[bytes, bytes] = {}
    for line in headers.split(b"\n"):
        key, _, value = line.partition(b" ")
        fields.setdefault(key, value)  # git reads the first of each
    encoding = fields.get(b"encoding", b"utf-8").decode("ascii", "replace")
    author = fields.get(b"author", b"")
    name, _, rest = author.partition(b"<")
    stamp = rest.rpartition(b">")[2].split()
    try:
        day = dt.datetime.fromtimestamp(int(stamp[0]), dt.UTC).date().isoformat()
    except (IndexError, ValueError, OverflowError, OSError):
        day = ""
    summary = message.split(b"\n", 1)[0]
    return Blamed(commit, _text(name.strip(), encoding), day, _text(summary, encoding))


def _text(raw: bytes, encoding: str) -> str:
    """``raw`` in the encoding a commit names: UTF-8 if Python has no text codec so called."""
    try:
        return raw.decode(encoding, "replace")
    except LookupError:  # no such codec, or one of bytes to bytes ('hex', 'zlib')
        return raw.decode("utf-8", "replace")


def _same_lines(old: list[bytes], new: list[bytes]) -> list[tuple[int, int]]:
    """Pairs (old index, new index) of the lines ``new`` keeps from ``old``, in order."""
    # A carriage return is the checkout's line ending (core.autocrlf), not an edit.
    a = [line.removesuffix(b"\r") for line in old]
    b = [line.removesuffix(b"\r") for line in new]
    # Edits to a list are mostly appended or made in one place: the equal head and tail
    # are paired at once, and only what lies between goes to difflib.
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    pairs = [(i, i) for i in range(start)]
    matcher = difflib.SequenceMatcher(None, a[start : len(a) - end], b[start : len(b) - end])
    for block in matcher.get_matching_blocks():
        pairs.extend((start + block.a + k, start + block.b + k) for k in range(block.size))
    pairs.extend((len(a) - end + k, len(b) - end + k) for k in range(end))
    return _slid(pairs, b)


def _slid(pairs: list[tuple[int, int]], new: list[bytes]) -> list[tuple[int, int]]:
    """``pairs`` with each run of added lines slid to start on its least indented line.

    Entry B typed above entry A that begins with the same line, as in
    '  - type: organization', can be paired either way: A's first line with B's, and B's
    last lines taken for new, or B all new. Like git's own diff, the run of new lines is
    slid over the lines equal at both its ends to where it begins a block: an entry.
    """
    paired = dict((j, i) for i, j in pairs)

    def indent(line: bytes) -> int:
        return len(line) - len(line.lstrip(b" ")) if line.strip() else len(line) + 1000

    j = 0
    while j < len(new):
        if j in paired:
            j += 1
            continue
        start = j
        while j < len(new) and j not in paired:
            j += 1
        # new[start:j] is a run of added lines; slide it up, then down, as far as it goes.
        up = start
        while up > 0 and up - 1 in paired and new[up - 1] == new[up + j - start - 1]:
            up -= 1
        down = start
        while (
            down + j - start < len(new)
            and down + j - start in paired
            and new[down] == new[down + j - start]
        ):
            down += 1
        best = min(range(up, down + 1), key=lambda at: (indent(new[at]), abs(at - start)))
        size = j - start
        olds = [
            paired.pop(k) for k in range(min(best, start), max(best, start) + size) if k in paired
        ]
        kept = [
            k
            for k in range(min(best, start), max(best, start) + size)
            if not best <= k < best + size
        ]
        paired.update(zip(kept, olds, strict=True))
        j = max(j, best + size)
    return sorted((i, j) for j, i in paired.items())
