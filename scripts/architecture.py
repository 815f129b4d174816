"""Draw the layers and the module map of docs/dev/architecture.md from the real imports.

The layers come from the import-linter contract in pyproject.toml; the map from the
import graph of campaign/ in this repository (grimp, the graph import-linter itself
reads), each module named with the first line of its docstring. The drawing goes
between the markers of the page, so it cannot drift:

    python scripts/architecture.py          # rewrite the page
    python scripts/architecture.py --check  # exit 1 when the page differs (for CI)
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "dev" / "architecture.md"
BEGIN = "<!-- begin: made by scripts/architecture.py; do not edit by hand -->"
END = "<!-- end: made by scripts/architecture.py -->"


def layers() -> list[list[str]]:
    """The layers of the contract, top to bottom, each a list of package names."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract["type"] == "layers":
            return [[p.strip() for p in layer.split("|")] for layer in contract["layers"]]
    raise SystemExit("pyproject.toml has no layers contract")


def summary(path: Path) -> str:
    """The first line of a module's docstring (or nothing)."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    return doc.splitlines()[0] if doc else ""


def source(module: str) -> Path:
    """The file of a module of campaign/ in this repository."""
    path = ROOT.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def graph() -> tuple[list[str], dict[str, set[str]]]:
    """The modules of this repository's campaign/ and what each imports of campaign."""
    sys.path.insert(0, str(ROOT))  # this checkout's campaign/, not an installed copy
    import grimp

    built = grimp.build_graph("campaign", cache_dir=None)
    modules = sorted(built.modules)
    imports = {m: set(built.find_modules_directly_imported_by(m)) for m in modules}
    return modules, imports


def package(module: str) -> str:
    """The package of the layers a module belongs to: campaign.build.run -> campaign.build."""
    return ".".join(module.split(".")[:2])


def short(module: str) -> str:
    """A name without the leading 'campaign.'."""
    return module.removeprefix("campaign.") or "campaign"


def drawing() -> str:
    """The layer diagram and the module map, as Markdown."""
    modules, imports = graph()
    stack = layers()
    width = max(len(" · ".join(short(p) for p in layer)) for layer in stack)
    lines = [
        "The layers, top to bottom (`[tool.importlinter]` in `pyproject.toml`): a package",
        "may import those below it, never those above, and packages side by side not",
        "each other.",
        "",
        "```text",
    ]
    for number, layer in enumerate(stack):
        if number:
            lines.append("│".center(width + 4).rstrip())
        lines.append(f"  {' · '.join(short(p) for p in layer).center(width)}".rstrip())
    lines += ["```", "", "## Module map", ""]
    lines += [
        "Each package of the layers, top to bottom, with the packages it imports (as",
        "found in the code) and its modules, each with the first line of its docstring.",
        "",
    ]
    for layer in stack:
        for name in layer:
            members = [m for m in modules if package(m) == name]
            uses = sorted(
                {package(i) for m in members for i in imports[m]} - {name, "campaign"},
                key=short,
            )
            lines.append(f"### `{name}`")
            lines.append("")
            lines.append(summary(source(name)))
            lines.append("")
            lines.append("Imports: " + (", ".join(f"`{short(u)}`" for u in uses) or "nothing"))
            lines.append("")
            inner = [m for m in members if m != name]
            if inner:
                lines += ["| module | what it is |", "| --- | --- |"]
                lines += [f"| `{short(m)}` | {summary(source(m))} |" for m in inner]
                lines.append("")
    placed = {name for layer in stack for name in layer} | {"campaign", "campaign.__main__"}
    loose = [m for m in modules if package(m) not in placed]
    if loose:
        lines += ["### Outside the layers", "", "No layer of the contract holds these yet:", ""]
        lines += [f"- `{short(m)}`: {summary(source(m))}" for m in loose]
    return "\n".join(lines).rstrip("\n") + "\n"


def updated(page: str, made: str) -> str:
    """The page with the part between the markers replaced by ``made``."""
    head, sep, rest = page.partition(BEGIN)
    _, sep2, tail = rest.partition(END)
    if not (sep and sep2):
        raise SystemExit(f"{PAGE.relative_to(ROOT)}: the markers are missing")
    return f"{head}{BEGIN}\n\n{made}\n{END}{tail}"


def main(argv: list[str]) -> int:
    """Rewrite the page, or with --check say whether it is up to date."""
    page = PAGE.read_text(encoding="utf-8")
    new = updated(page, drawing())
    if "--check" in argv:
        if new != page:
            print(
                f"{PAGE.relative_to(ROOT)} is out of date: run python scripts/architecture.py",
                file=sys.stderr,
            )
            return 1
        return 0
    if new != page:
        PAGE.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
