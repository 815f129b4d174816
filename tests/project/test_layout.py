"""The package's shape: subpackages by concern, layers kept, no import circles, data shipped."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

import campaign

from conftest import run

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGE = ROOT / "campaign"
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def subpackages() -> list[str]:
    return sorted(f"campaign.{p.parent.name}" for p in PACKAGE.glob("*/__init__.py"))


def test_the_wheel_lists_every_subpackage_and_the_shipped_folders() -> None:
    assert sorted(SETUPTOOLS["packages"]) == sorted(
        ["campaign", *subpackages(), "campaign.templates", "campaign.example"]
    )
    assert SETUPTOOLS["package-dir"] == {"campaign.templates": "templates", "campaign.example": "."}
    # A folder of modules without __init__.py would be left out of the wheel silently.
    folders = {p.parent for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    assert sorted(str(f) for f in folders if not (f / "__init__.py").is_file()) == []


def test_every_subpackage_says_what_lives_there_and_what_it_may_import() -> None:
    for name in subpackages():
        init = PACKAGE / name.split(".")[1] / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        assert doc and "import" in doc.lower(), f"{init}: say what lives here, what it imports"


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in graph.find_modules_directly_imported_by(module):
            if other not in graph.modules or not other.startswith("campaign"):
                continue
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for module in sorted(graph.modules):
        if module.startswith("campaign") and module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_through_others() -> None:
    # Imports made only for type checking count too: a circle hidden behind
    # TYPE_CHECKING is still a circle in the design.
    assert _cycles(grimp.build_graph("campaign")) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    for module in ("campaign.a", "campaign.b", "campaign.c"):
        graph.add_module(module)
    graph.add_import(importer="campaign.a", imported="campaign.b")
    graph.add_import(importer="campaign.b", imported="campaign.c")
    assert _cycles(graph) == []
    graph.add_import(importer="campaign.c", imported="campaign.a")
    assert _cycles(graph) == [["campaign.a", "campaign.b", "campaign.c"]]


def _lint_imports(package_parent: Path) -> subprocess.CompletedProcess[str]:
    tool = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(
        [str(tool), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=package_parent,
        env={**os.environ, "PYTHONPATH": str(package_parent)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_layers_hold_and_a_back_import_breaks_them(tmp_path: Path) -> None:
    shutil.copytree(PACKAGE, tmp_path / "campaign", ignore=shutil.ignore_patterns("__pycache__"))
    kept = _lint_imports(tmp_path)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert re.search(r"Contracts: \d+ kept, 0 broken\.", kept.stdout), kept.stdout
    records = tmp_path / "campaign" / "model" / "records.py"
    records.write_text(records.read_text() + "\nfrom campaign.cli.main import cli  # noqa\n")
    broken = _lint_imports(tmp_path)
    assert broken.returncode == 1
    assert "campaign.model is not allowed to import campaign.cli:" in broken.stdout
    assert "campaign.model.records -> campaign.cli.main (l." in broken.stdout


def test_the_installed_package_ships_the_templates_and_the_example_from_the_top() -> None:
    installed = Path(campaign.__file__).parent
    assert installed != PACKAGE, "the tests run the installed package, not the checkout"
    for name in ("joint-letter", "formal-letter", "petition"):
        ours = ROOT / "templates" / name / "letter.html.j2"
        assert (installed / "templates" / name / "letter.html.j2").read_bytes() == ours.read_bytes()
    shipped = installed / "example"
    assert (shipped / "campaign.yaml").read_bytes() == (ROOT / "campaign.yaml").read_bytes()
    files = sorted(str(p.relative_to(shipped)) for p in shipped.rglob("*") if p.is_file())
    expected = sorted(
        str(p.relative_to(ROOT))
        for folder in ("letters", "signatories")
        for p in (ROOT / folder).rglob("*")
        if p.is_file()
    )
    assert files == sorted(["campaign.yaml", *expected])


def test_the_repository_is_a_workspace_whose_templates_are_the_shipped_ones() -> None:
    listed = run("templates", workspace=ROOT)
    assert listed.exit_code == 0, listed.output
    names = [line.split()[0] for line in listed.stdout.splitlines()]
    assert names == ["formal-letter", "joint-letter", "petition"]
    assert "this workspace's" not in listed.stdout


def test_an_unchanged_copy_is_the_shipped_template_and_a_changed_one_the_workspaces(
    tmp_path: Path,
) -> None:
    assert run("init", str(tmp_path / "ws")).exit_code == 0
    line = next(
        x
        for x in run("templates", workspace=tmp_path / "ws").stdout.splitlines()
        if x.startswith("joint-letter ")
    )
    assert not line.endswith("(this workspace's)")
    letter = tmp_path / "ws" / "templates" / "joint-letter" / "letter.html.j2"
    letter.write_text(letter.read_text() + "{# ours #}\n")
    line = next(
        x
        for x in run("templates", workspace=tmp_path / "ws").stdout.splitlines()
        if x.startswith("joint-letter ")
    )
    assert line.endswith("(this workspace's)")


def _runs_git(source: str) -> list[int]:
    """The lines of ``source`` that build a command starting with git."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.List | ast.Tuple)
        and node.elts
        and isinstance(node.elts[0], ast.Constant)
        and node.elts[0].value == "git"
    ]


def test_git_is_run_by_files_git_alone() -> None:
    # A workspace's .git/config can name commands git runs: the one module that asks git
    # anything asks in the ways that run none (tests/attacks/test_git_config_breaks.py).
    found = {
        path.relative_to(ROOT).as_posix(): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if (lines := _runs_git(path.read_text()))
    }
    assert list(found) == ["campaign/files/git.py"]
    assert _runs_git('subprocess.run(["git", "-C", folder, "blame", name])') == [1]
