"""``campaign new``: a new letter from a template's starter files, or copied from another letter."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import jinja2.sandbox

from campaign.compose.templating import TemplateFailed, render, source_template
from campaign.errors import CampaignError, Problem, ProblemsFound, display_path, shown
from campaign.files.atomic import fsync_dir, write_atomic, write_staged
from campaign.lists.listfile import locked
from campaign.load.catalog import starter, template_names
from campaign.load.confine import Confined, read_confined
from campaign.load.records import load_settings, load_signature_list
from campaign.load.workspace import Workspace
from campaign.load.yamlfile import LineDict, load_yaml
from campaign.paths import read_bytes
from campaign.text.names import slugify

SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
LETTER_FILES = ("letter.yaml", "body.md", "recipients.yaml")
DRAFTING = ".drafting"  # suffix of the hidden folder a new letter is written in


@dataclass
class Drafted:
    """What ``new_letter`` wrote."""

    folder: Path
    files: list[str]
    list_path: Path | None = None
    list_created: bool = False
    notes: list[str] = field(default_factory=list)


def new_letter(
    root: Path,
    slug: str,
    template: str = "joint-letter",
    list_name: str | None = None,
    copy_from: str | None = None,
    today: dt.date | None = None,
) -> Drafted:
    """Make ``letters/<slug>/`` ready to build; nothing is written if anything is wrong."""
    today = today or dt.date.today()
    letters = root / "letters"
    folder = letters / slug
    if not SLUG.fullmatch(slug):
        raise CampaignError(
            f"'{slug}' cannot name a letter: use lower-case letters, digits and hyphens "
            f"(e.g. '{slugify(slug) or 'open-letter'}'); it becomes the folder and build/ name"
        )
    if folder.exists():
        raise CampaignError(
            f"{display_path(folder)} already exists; choose another name, or delete it first"
        )
    if copy_from is not None:
        return _copy_letter(root, letters / copy_from, folder, today)
    names = template_names(root)
    if template not in names:
        raise CampaignError(f"unknown template '{template}'; available: {', '.join(names)}")
    problems: list[Problem] = []
    settings = load_settings(root / "campaign.yaml", problems)
    if any(not p.warning for p in problems):
        raise ProblemsFound(problems)
    context: dict[str, object] = {
        "today": today.isoformat(),
        "language": settings.language,
        "paper": settings.paper,
        "template": template,
        "list_name": "",
        "groups": [],
    }
    drafted = Drafted(folder, [])
    # A template whose starter files include a list starts one; others (a letter signed
    # by named people, not a list) take a list only when asked with --signatories.
    wants_list = (
        starter(root, template, "letter.yaml.j2").parent / "signatories.yaml.j2"
    ).is_file()
    if list_name is None and not wants_list:
        return _draft(root, template, context, drafted)
    drafted.list_path = root / "signatories" / f"{list_name or slug}.yaml"
    # Under the list's lock: a 'sig add' creating the same list meanwhile is not overwritten.
    with locked(drafted.list_path):
        return _draft(root, template, context, drafted, list_name)


def _draft(
    root: Path,
    template: str,
    context: dict[str, object],
    drafted: Drafted,
    list_name: str | None = None,
) -> Drafted:
    """Write the letter's files (and its new list, if it starts one)."""
    list_text = ""
    list_path = drafted.list_path
    if list_path is not None and list_name is not None:
        if not list_path.is_file():
            folder_ = root / "signatories"
            known = ", ".join(sorted(p.stem for p in folder_.glob("*.yaml"))) or "none"
            raise CampaignError(
                f"no signature list '{list_name}' in {display_path(folder_)} (lists: {known}); "
                "leave out --signatories to start a new list for this letter"
            )
        context["list_name"] = list_name
        context["groups"] = _groups_of(root, list_path)
        drafted.notes.append(f"uses the signature list {list_path.name}")
    elif list_path is not None:
        context["list_name"] = list_path.stem
        fresh = [("organizations", "Organizations"), ("individuals", "Individuals")]
        starter_list = starter(root, template, "signatories.yaml.j2")
        list_text = _render(starter_list, context | {"groups": fresh})
        context["groups"] = fresh
        # A list exactly as this command starts one was left by a 'new' stopped before
        # the letter's folder was in place: it is taken as this command's own.
        if list_path.is_file() and read_bytes(list_path) != list_text.encode("utf-8"):
            context["groups"] = _groups_of(root, list_path)
            drafted.notes.append(f"uses the signature list {list_path.name}")
            list_text = ""
    files = {
        "letter.yaml": _render(starter(root, template, "letter.yaml.j2"), context),
        "body.md": _starter_text(root, template, "body.md"),
        "recipients.yaml": _starter_text(root, template, "recipients.yaml"),
    }
    if list_text and list_path is not None:
        write_atomic(list_path, list_text)
        drafted.list_created = True
    try:
        _place(drafted.folder, files)
    except BaseException:
        if drafted.list_created and list_path is not None:
            list_path.unlink(missing_ok=True)
        raise
    drafted.files = list(files)
    return drafted


def _render(path: Path, context: dict[str, object]) -> str:
    # A workspace's starter files may come from another organisation: sandboxed too.
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # YAML, not HTML; every value put in is ours, not the user's
    )
    try:  # through the one boundary: the template is given plain data (plaindata.py)
        return render(source_template(env, path), context)
    except TemplateFailed as exc:
        raise CampaignError("\n".join(p.format() for p in exc.problems)) from None


def _groups_of(root: Path, list_path: Path) -> list[tuple[str, str]]:
    """The groups of a list: as another letter using it prints them, else one per key used."""
    for other in _letter_files(root):
        data = load_yaml(other, [])
        sig = data.get("signatories") if isinstance(data, LineDict) else None
        if isinstance(sig, dict) and sig.get("list") == list_path.stem:
            groups = sig.get("groups") or []
            found = [
                (str(g["key"]), str(g.get("heading") or g["key"]))
                for g in groups
                if isinstance(g, dict) and g.get("key")
            ]
            if found:
                return found
    problems: list[Problem] = []
    listing = load_signature_list(list_path, problems)
    if listing is None or any(not p.warning for p in problems):
        raise ProblemsFound(problems)
    keys = dict.fromkeys(e.group for e in listing.entries if e.group)
    return [(key, key.replace("-", " ").replace("_", " ").capitalize()) for key in keys]


def _letter_files(root: Path) -> list[Path]:
    """Each letter's letter.yaml (the workspace's letters: hidden drafts are none)."""
    letters = [root / "letters" / slug / "letter.yaml" for slug in Workspace(root).slugs()]
    return [path for path in letters if path.is_file()]


_SPECIAL = "  hint: a letter's folder holds files, folders and links; take that one out"


def _place(folder: Path, files: dict[str, str], copies: tuple[Path, ...] = ()) -> None:
    """Write the files into a hidden folder beside ``folder``, then rename it into place."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Always the same name, so what a 'new' killed half way left is cleared by the next.
    staging = folder.parent / f".{folder.name}{DRAFTING}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(mode=0o755)
    try:
        for name, text in files.items():
            write_staged(staging / name, text)
        for path in copies:
            try:
                if path.is_dir():
                    shutil.copytree(path, staging / path.name, symlinks=True)
                else:
                    shutil.copy2(path, staging / path.name, follow_symlinks=False)
            except shutil.Error as exc:  # copytree: each file it could not copy, and why
                failed = exc.args[0] if exc.args and isinstance(exc.args[0], list) else []
                what, why = (failed[0][0], failed[0][2]) if failed else (path, str(exc))
                raise CampaignError(
                    f"{display_path(Path(what))}: not copied: {shown(str(why))}\n{_SPECIAL}"
                ) from exc
            except OSError as exc:  # a named pipe or a device (SpecialFileError), unreadable
                raise CampaignError(
                    f"{display_path(path)}: not copied: {shown(str(exc))}\n{_SPECIAL}"
                ) from exc
        fsync_dir(staging)  # its files' names on disk before it is in place
        staging.rename(folder)
        fsync_dir(folder.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _confined_text(path: Path, folder: Path) -> str:
    """A file to copy into the new letter, which must really be a file of ``folder``."""
    try:
        return read_confined(path, folder)
    except Confined as exc:
        hint = exc.hint or (
            "a letter or template passed on to you must hold its own files; "
            "replace the link with the file itself"
        )
        raise CampaignError(f"{display_path(path)}: not copied: {exc.why}\n  hint: {hint}") from exc


def _starter_text(root: Path, template: str, file: str) -> str:
    """A template's starter file (``new/<file>``), read only from that template's folder."""
    path = starter(root, template, file)
    return _confined_text(path, path.parent.parent)


def _copy_letter(root: Path, source: Path, folder: Path, today: dt.date) -> Drafted:
    """A copy of another letter's files, dated today (its date and as_of)."""
    if not os.path.lexists(source / "letter.yaml"):
        letters = root / "letters"
        known = ", ".join(p.parent.name for p in _letter_files(root)) or "none"
        raise CampaignError(
            f"no letter '{source.name}' to copy in {display_path(letters)} (letters: {known})"
        )
    files: dict[str, str] = {}
    copies: list[Path] = []  # signature images, folders of them, and the like
    for path in sorted(source.iterdir()):
        if path.name.startswith("."):
            continue
        if path.name == "letter.yaml" or (
            path.is_file() and path.suffix in (".yaml", ".yml", ".md", ".txt")
        ):  # letter.yaml read as a text whatever it is: a pipe or a folder is said
            files[path.name] = _confined_text(path, source)
        else:
            copies.append(path)
    files["letter.yaml"] = _redate(source / "letter.yaml", files["letter.yaml"], today)
    _place(folder, files, tuple(copies))
    drafted = Drafted(folder, sorted([*files, *(p.name for p in copies)]))
    drafted.notes.append(f"copied from letters/{source.name}/, dated {today}")
    return drafted


def _redate(path: Path, text: str, today: dt.date) -> str:
    """``text`` with its ``date:`` and ``signatories: as_of:`` set to ``today``; comments kept."""
    problems: list[Problem] = []
    data = load_yaml(path, problems)
    if not isinstance(data, LineDict) or any(not p.warning for p in problems):
        raise ProblemsFound(problems or [Problem(path, 1, "the file must hold a mapping")])
    lines = text.splitlines(keepends=True)
    targets = [("date", data.line_of("date") if "date" in data else 0)]
    sig = data.get("signatories")
    if isinstance(sig, LineDict) and "as_of" in sig:
        targets.append(("as_of", sig.line_of("as_of")))
    for key, line in targets:
        if 0 < line <= len(lines):
            lines[line - 1] = re.sub(
                rf"^(\s*{key}:\s*)[^\s#]+", rf"\g<1>{today.isoformat()}", lines[line - 1]
            )
    return "".join(lines)
