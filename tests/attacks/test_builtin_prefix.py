"""`{% extends "builtin/<name>/..." %}` is the shipped file, whatever templates/builtin/ holds.

Found by an attack on 5 December; what it found, before the fix:
make_environment puts the workspace's loader first and the shipped templates
behind the "builtin/" prefix second; the workspace's loader is asked for every
name, "builtin/joint-letter/letter.html.j2" too, and answers it from
templates/builtin/joint-letter/letter.html.j2 when such a file exists (a folder of
shipped templates copied in to read, a template that happens to be called
"builtin"). A template that "builds on the shipped one" then prints another file,
without a word; docs/templates.md promises the shipped template under that name.
"""

from __future__ import annotations

from pathlib import Path

from campaign.compose.templating import make_environment
from campaign.load.catalog import BUILTIN_TEMPLATES


def test_builtin_names_are_the_shipped_files_whatever_the_workspace_holds(
    tmp_path: Path,
) -> None:
    own = tmp_path / "templates" / "builtin" / "joint-letter"
    own.mkdir(parents=True)
    (own / "letter.html.j2").write_text("not the shipped letter\n")
    env = make_environment(tmp_path, BUILTIN_TEMPLATES)
    template = env.get_template("builtin/joint-letter/letter.html.j2")
    assert Path(template.filename or "").is_relative_to(BUILTIN_TEMPLATES), template.filename
