"""SECURITY.md cannot drift: every test it names exists, and every claim names one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DOC = ROOT / "SECURITY.md"
REFERENCE = re.compile(r"(tests/[\w/]+\.py)::(\w+)")
# Sections whose items are not claims, so cite no test.
UNCITED = ("Who is trusted with what", "Not yet proven", "What is left to you", "Reporting")


def references(text: str) -> list[tuple[str, str]]:
    """Each ``tests/...py::name`` the text names, in order."""
    return REFERENCE.findall(text)


def defined_tests(path: Path) -> set[str]:
    """The names of the test functions a file defines, at any level."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
    }


def missing(text: str) -> list[str]:
    """The references whose file or test does not exist."""
    found = []
    for file, name in references(text):
        path = ROOT / file
        if not path.is_file():
            found.append(f"{file}::{name} (no such file)")
        elif name not in defined_tests(path):
            found.append(f"{file}::{name} (no such test)")
    return found


def uncited_claims(text: str) -> list[str]:
    """The first line of every list item, in a claims section, that names no test."""
    found = []
    for section in re.split(r"(?m)^## ", text)[1:]:
        heading = section.splitlines()[0]
        if heading.startswith(UNCITED):
            continue
        for item in re.split(r"(?m)^- ", section)[1:]:
            if not references(item):
                found.append(f"{heading}: {item.splitlines()[0]}")
    return found


def test_every_test_named_in_security_md_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert len(references(text)) > 50  # the parse found the references
    assert missing(text) == []


def test_every_claim_in_security_md_names_a_test() -> None:
    assert uncited_claims(DOC.read_text(encoding="utf-8")) == []


def test_a_drifted_reference_or_an_uncited_claim_is_caught() -> None:
    doc = (
        "## Claims\n\n"
        "- Holds. `tests/project/test_lock.py::test_a_lock_that_disagrees_is_caught`\n"
        "- Renamed. `tests/project/test_lock.py::test_gone`\n"
        "- Moved. `tests/nowhere.py::test_x`\n"
        "- Believed, untested.\n\n"
        "## Not yet proven\n\n- Fine here.\n"
    )
    assert missing(doc) == [
        "tests/project/test_lock.py::test_gone (no such test)",
        "tests/nowhere.py::test_x (no such file)",
    ]
    assert uncited_claims(doc) == ["Claims: Believed, untested."]
