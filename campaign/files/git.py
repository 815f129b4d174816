"""Git, asked about a workspace's history: the one place campaign runs git.

A workspace may arrive with its own ``.git/config``, and git runs the commands such a
file names: clean and smudge filters and text conversions when it reads a file, the
file-system monitor when it looks at the working tree. So every question here reads
committed objects only (``cat-file``, ``blame`` of HEAD with text conversion off), with
the monitor switched off; the working tree is read by Python, and ``blame`` maps its
lines onto HEAD's itself.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Given on the command line, these outrank a repository's own settings: no monitor
# process, no hooks, and author names and summaries in UTF-8 whatever the repository asks.
_SAFE = (
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "i18n.logOutputEncoding=UTF-8",
)  # fmt: skip


class GitError(Exception):
    """Git could not answer; the message is git's own first line, or why it could not run."""


@dataclass(frozen=True)
class Blamed:
    """Who committed a line: the commit, its author, the day (YYYY-MM-DD) and summary."""

    commit: str
    author: str
    day: str
    summary: str


def _git(
    folder: Path, args: Sequence[str], timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    """Run git in ``folder`` as this module always does; OSError and timeouts as GitError."""
    env = dict(os.environ)
    # Never wait on a password prompt, and never take a lock only to refresh the index.
    env.update(GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    try:
        return subprocess.run(
            ["git", *_SAFE, "-C", str(folder), *args],
            capture_output=True,
            stdin=subprocess.DEVNULL,
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
    """Whether ``folder`` is in a git working tree (False when git is not installed)."""
    try:
        return _git(folder, ["rev-parse", "--is-inside-work-tree"], 30).returncode == 0
    except GitError:
        return False


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


def show(folder: Path, rev: str, relative: str) -> bytes | None:
    """The bytes of ``relative`` (from ``folder``) as committed at ``rev``; None if absent there."""
    commit = _commit(folder, rev)
    spec = f"{commit}:./{relative}"
    if _git(folder, ["cat-file", "-e", spec]).returncode != 0:
        return None
    # cat-file prints the object as stored: no smudge filter, no text conversion.
    done = _git(folder, ["cat-file", "blob", spec])
    if done.returncode != 0:
        raise GitError(_reason(done))
    return done.stdout


def config(folder: Path, key: str) -> str:
    """The value git's settings give ``key`` for ``folder`` ('' if none, or no git)."""
    try:
        done = _git(folder, ["config", "--get", key], 10)
    except GitError:
        return ""
    return done.stdout.decode("utf-8", "replace").strip() if done.returncode == 0 else ""


def blame(path: Path) -> dict[int, Blamed] | None:
    """The commit of each line of ``path`` as it is now; None when it is not in a repository.

    A line missing from the answer is not committed yet. Git blames HEAD; the file as it
    is on disk is laid against HEAD's text here, so git never reads the working tree.
    """
    folder = path.parent
    if not inside(folder):
        return None
    try:
        commit = _commit(folder, "HEAD")
    except GitError:
        return {}  # a repository without a commit: nothing is committed yet
    if _git(folder, ["cat-file", "-e", f"{commit}:./{path.name}"]).returncode != 0:
        return {}  # a list git does not track yet
    done = _git(
        folder,
        ["blame", "--porcelain", "--no-textconv", commit, "--", path.name],
    )
    if done.returncode != 0:
        raise GitError(_reason(done))
    committed, texts = _porcelain(done.stdout)
    now = path.read_bytes().split(b"\n")
    return {
        mine + 1: committed[theirs + 1]
        for theirs, mine in _same_lines(texts, now)
        if theirs + 1 in committed
    }


def _porcelain(out: bytes) -> tuple[dict[int, Blamed], list[bytes]]:
    """``git blame --porcelain``'s answer: each line's commit, and the committed text."""
    lines: dict[int, Blamed] = {}
    texts: list[bytes] = []
    commits: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    number = 0
    for raw in out.split(b"\n"):
        if raw.startswith(b"\t"):
            info = commits.setdefault(current["commit"], current)
            lines[number] = Blamed(
                info["commit"], info.get("author", ""), info.get("day", ""), info.get("summary", "")
            )
            texts.append(raw[1:])
            continue
        head, _, rest_bytes = raw.partition(b" ")
        rest = rest_bytes.decode("utf-8", "replace")
        if len(head) == 40 and all(c in b"0123456789abcdef" for c in head):
            number = int(rest.split()[1])
            current = dict(commits.get(head.decode(), {"commit": head.decode()}))
        elif head == b"author":
            current["author"] = rest
        elif head == b"author-time":
            current["day"] = dt.datetime.fromtimestamp(int(rest), dt.UTC).date().isoformat()
        elif head == b"summary":
            current["summary"] = rest
    return lines, texts


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
    return pairs
