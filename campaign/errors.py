"""Errors and problems: every domain failure prints ``Error: ...`` and exits 1."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from campaign.paths import resolved


class CampaignError(click.ClickException):
    """Base class of every error the user can cause; Click prints it and exits 1."""

    exit_code = 1

    def format_message(self) -> str:
        """The message as printed: every value it quotes escaped, as Problem.format does."""
        # Messages are built with the user's text in them (a CSV cell, an option's value),
        # so they are escaped here, where every one is printed, not where each is written.
        # Continuation lines ("\n  hint: ...") are the message's own; any other line break
        # or control character came from a value.
        return "\n  ".join(shown(part) for part in self.message.split("\n  "))


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or suspicious) in one file, at one line."""

    path: Path
    line: int
    message: str
    hint: str = ""
    warning: bool = False

    def format(self, where: str = "") -> str:
        """Render as ``path:line: message`` (or ``where: message``) with the hint below."""
        if not where:
            where = (
                f"{display_path(self.path)}:{self.line}" if self.line else display_path(self.path)
            )
        kind = "warning: " if self.warning else ""
        # Messages quote the user's files: a control or direction character quoted
        # as it is could break the line or turn the rest of it around.
        # The place too: a file name can come from a template ({% include "\x1b..." %}).
        text = f"{shown(where)}: {kind}{shown(self.message)}"
        if self.hint:
            text += f"\n  hint: {shown(self.hint)}"
        return text


class ProblemsFound(CampaignError):
    """Validation found errors; the individual problems were already printed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = sum(1 for p in problems if not p.warning)
        files = len({p.path for p in problems if not p.warning})
        plural = "s" if errors != 1 else ""
        fplural = "s" if files != 1 else ""
        super().__init__(f"{errors} problem{plural} in {files} file{fplural}; nothing was written")


class ProblemsFoundLate(ProblemsFound):
    """Errors found once a build is under way (an enclosure no PDF library opens).

    Nobody printed them before: they print themselves, then the summary.
    """

    def show(self, file: Any = None) -> None:
        """Print each problem, then ``Error: N problems ...``."""
        echo_problems(self.problems)
        super().show(file)


def display_path(path: Path) -> str:
    """Show a path relative to the current directory when it lies below it."""
    try:
        # The folder's links followed, not the file's: a file that is a link (to a
        # device, to a text elsewhere) is named where it stands in the workspace.
        where = resolved(path.parent) / path.name
        return os.path.relpath(path) if where.is_relative_to(Path.cwd()) else str(path)
    except (OSError, ValueError):
        return str(path)


def shown(text: str) -> str:
    """User-given text for a one-line message: line breaks and other controls escaped."""
    # A value echoed as it is could break the message over lines, or drive the terminal.
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def echo_problems(problems: list[Problem]) -> None:
    """Print problems to standard error, one ``path:line: message`` (and hint) each."""
    for text in grouped(problems):
        click.echo(text, err=True)


def grouped(problems: list[Problem]) -> list[str]:
    """Problems as printed: the same problem on several lines of a file is said once.

    ``form.csv rows 2–19: type 'An individual' is ...`` and one hint, where eighteen
    near-identical pairs of lines would hide whatever else is wrong.
    """
    lines: dict[tuple[Path, str, str, bool], list[int]] = {}
    for problem in problems:
        key = (problem.path, problem.message, problem.hint, problem.warning)
        lines.setdefault(key, []).append(problem.line)
    texts: list[str] = []
    for (path, message, hint, warning), numbers in lines.items():
        numbers = sorted(set(numbers))
        if len(numbers) < 2 or 0 in numbers:
            texts.extend(Problem(path, n, message, hint, warning).format() for n in numbers)
            continue
        what = "rows" if Path(path).suffix.lower() in (".csv", ".tsv") else "lines"
        where = f"{display_path(path)} {what} {_ranges(numbers)}"
        texts.append(Problem(path, numbers[0], message, hint, warning).format(where))
    return texts


def _ranges(numbers: list[int]) -> str:
    """[2, 3, 4, 7] -> '2–4, 7'."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(
        f"{a}–{b}" if b > a + 1 else (f"{a}, {b}" if b > a else str(a)) for a, b in spans
    )
