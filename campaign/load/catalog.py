"""The letter templates a workspace can use: shipped ones and its own, and what they build on."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from campaign.errors import Problem
from campaign.load.yamlfile import load_yaml
from campaign.paths import MAX_BINARY, read_bytes, read_text, resolved

_PACKAGE = resolved(__file__).parent.parent


def _shipped(inside: str, checkout: Path) -> Path:
    """A folder the wheel puts inside the package; run from a checkout, the repository's own."""
    folder = _PACKAGE / inside
    return folder if folder.is_dir() else checkout


# pyproject.toml maps templates/ and the example workspace at the repository's top into
# the package, so an installed campaign and a checkout read the same files.
BUILTIN_TEMPLATES = _shipped("templates", _PACKAGE.parent / "templates")
EXAMPLE = _shipped("example", _PACKAGE.parent)
BASE = "joint-letter"  # parts a template does not have come from here

# A workspace template built on a shipped one says so in its letter.html.j2:
# {% extends "builtin/formal-letter/letter.html.j2" %}
_BUILDS_ON = re.compile(r"""["']builtin/([A-Za-z0-9_.-]+)/""")


@dataclass(frozen=True)
class TemplateInfo:
    """One template as ``campaign templates`` lists it."""

    name: str
    description: str
    own: bool  # in the workspace's templates/ (it may replace a shipped one of the same name)
    builds_on: str  # the shipped template it extends, '' if none


def _folders(root: Path | None) -> list[Path]:
    own = root / "templates" if root is not None else None
    return [own] if own is not None and own.is_dir() else []


def _is_template(folder: Path) -> bool:
    return (folder / "letter.html.j2").is_file()


def template_names(root: Path | None) -> list[str]:
    """Templates the workspace can use: its own and the shipped ones."""
    names = {p.name for p in BUILTIN_TEMPLATES.iterdir() if _is_template(p)}
    for folder in _folders(root):
        names |= {p.name for p in folder.iterdir() if _is_template(p)}
    return sorted(names)


def template_folder(root: Path | None, name: str) -> Path:
    """Where template ``name`` lives: the workspace's own folder first, then the shipped one."""
    for folder in _folders(root):
        if _is_template(folder / name):
            return folder / name
    return BUILTIN_TEMPLATES / name


def is_shipped(folder: Path) -> bool:
    """Whether a template folder is a shipped template: the package's, or a copy of it unchanged.

    The repository is itself a workspace whose templates/ is where the shipped templates
    come from, and ``campaign init`` copies one into every new workspace: neither is a
    template of the workspace's own until someone changes it.
    """
    shipped = BUILTIN_TEMPLATES / folder.name
    if folder.parent == BUILTIN_TEMPLATES or not _is_template(shipped):
        return folder.parent == BUILTIN_TEMPLATES
    return _tree(folder) == _tree(shipped)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): read_bytes(p, MAX_BINARY)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def builds_on(root: Path | None, name: str) -> str:
    """The shipped template that workspace template ``name`` extends, or ''."""
    folder = template_folder(root, name)
    if is_shipped(folder):
        return ""
    found = _BUILDS_ON.search(read_text(folder / "letter.html.j2", encoding="utf-8"))
    return found.group(1) if found and _is_template(BUILTIN_TEMPLATES / found.group(1)) else ""


def chain(root: Path | None, name: str) -> list[str]:
    """Template names to look a part up in, in order: the template, what it extends, the base."""
    names = [name, builds_on(root, name), BASE]
    return [n for i, n in enumerate(names) if n and n not in names[:i]]


def part_names(names: list[str], part: str) -> list[str]:
    """Loader names for ``part`` along a template's ``chain``: its own, then the shipped ones."""
    return [f"{names[0]}/{part}"] + [f"builtin/{name}/{part}" for name in names]


def describe(root: Path | None) -> list[TemplateInfo]:
    """Every template with the one line its ``template.yaml`` gives as its description."""
    infos = []
    for name in template_names(root):
        folder = template_folder(root, name)
        own = not is_shipped(folder)
        # A copy made by an older 'campaign init' has no template.yaml: say what it copies.
        text = _description(folder) or _description(BUILTIN_TEMPLATES / name)
        infos.append(TemplateInfo(name, text, own, builds_on(root, name)))
    return infos


def _description(folder: Path) -> str:
    path = folder / "template.yaml"
    if not path.is_file():
        return ""
    problems: list[Problem] = []
    data = load_yaml(path, problems)  # as every file is read: each value the text written
    if any(not p.warning for p in problems):
        return "(template.yaml cannot be read)"
    text = data.get("description") if isinstance(data, dict) else None
    return " ".join(str(text).split()) if text else ""


def starter(root: Path | None, template: str, file: str) -> Path:
    """The file ``campaign new`` starts a letter's ``file`` from (``new/<file>``)."""
    for name in chain(root, template):
        for folder in (*_folders(root), BUILTIN_TEMPLATES):
            path = folder / name / "new" / file
            # One there that is not a file (a link to nothing) is returned, to be said:
            # passed over, the shipped starter would begin the letter without a word.
            if path.is_file() or os.path.lexists(path):
                return path
    raise FileNotFoundError(file)  # joint-letter ships every starter file
