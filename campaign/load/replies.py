"""``letters/<slug>/log.yaml``: the replies and events that followed a letter (campaign log)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from campaign.errors import Problem
from campaign.load.schema import Fields, close_match, kind
from campaign.load.yamlfile import LineDict, load_yaml, parse_yaml
from campaign.paths import resolved

LOG_FILE = "log.yaml"
LOG_KEYS = ("date", "from", "text", "file")
LOG_HEADER = (
    "# What followed the letter: replies and events, one entry each ('campaign log' adds\n"
    "# them; 'campaign status' shows them per addressee). 'from' names an addressee or a\n"
    "# person in cc of recipients.yaml; 'file' is a file in the letter's folder.\n"
    "log:\n"
)


@dataclass(frozen=True)
class LogEntry:
    """One reply or event: when, from whom (a recipient's name, or ''), what, and a file."""

    date: dt.date
    text: str
    sender: str = ""
    file: str = ""  # relative to the letter's folder
    line: int = 0


def load_log(
    folder: Path,
    recipients: tuple[str, ...],
    problems: list[Problem],
    text: str | None = None,
) -> list[LogEntry]:
    """The entries of ``folder/log.yaml`` (none when there is no log), checked.

    ``recipients`` are the names a 'from' may give; ``text`` is what is about to be
    written there, checked before it is.
    """
    path = folder / LOG_FILE
    if text is None:
        if not path.exists():
            return []
        data = load_yaml(path, problems)
    else:
        data = parse_yaml(text, path, problems)
    if data is None:
        return []
    if not isinstance(data, LineDict):
        problems.append(
            Problem(path, 1, f"the file must hold 'log:' and its entries, not {kind(data)}")
        )
        return []
    f = Fields(data, path, problems, LOG_FILE)
    f.known(("log",))
    found = []
    for line, raw in f.items("log"):
        e = Fields(raw, path, problems, "log entry")
        e.known(LOG_KEYS)
        date = e.date("date", required=True)
        said = e.text("text", required=True, hint="add 'text: ...', what was said or happened")
        sender = e.text("from")
        if sender and sender not in recipients:
            hint = close_match(sender, recipients) or (
                "name an addressee or a person in cc as recipients.yaml writes them, "
                "or leave 'from' out"
            )
            e.error("from", f"'{sender}' is not a recipient of this letter", hint)
        file = e.text("file")
        if file:
            _check_file(e, folder, file)
        if date is not None:
            found.append(LogEntry(date, said, sender, file, line))
    return found


def _check_file(e: Fields, folder: Path, file: str) -> None:
    """A 'file' must be a file inside the letter's folder."""
    given = Path(file)
    target = resolved(folder / given)
    if given.is_absolute() or not target.is_relative_to(resolved(folder)):
        e.error(
            "file",
            f"'{file}' is outside the letter's folder",
            "'campaign log --file' copies a reply into the letter's folder; give its name there",
        )
    elif not target.is_file():
        e.error("file", f"'{file}' does not exist", "put the file there, or take 'file:' out")
