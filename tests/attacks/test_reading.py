"""A workspace's input that is a named pipe or a device: every command says so at its path.

Found on 5 December, before the fix: the inputs were read with Path.read_bytes and
open(), which wait for ever on a named pipe and never end on a device. `campaign
check` hung on a campaign.yaml or a recipients.yaml that was a pipe, and filled the
memory on one linked to /dev/zero; a letter.yaml that was a pipe was "no letter
'x' (letters: x)", a list that was one "no signatories/x.yaml" with x in the hint,
and a recipients.ja.yaml that was one was passed over, the letter in Japanese going
to recipients.yaml's addresses. Now every read of a file campaign did not write
goes through campaign/paths.py (the first test holds every module to it), which
reads only a regular file.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
from bounded_run import campaign

SLUG = "japan-hrc-2020"
HINT = "  hint: put the file itself there: campaign reads files, never a pipe or a device"

# Reads that are not of a file by its path: pikepdf's streams, our own process's status,
# the build's feed of parts. os.open is not a read (each use sets its own flags).
_NOT_PATHS = {
    ("build/run.py", "feed.open"),
    ("pdf/proof.py", "encoding.read_bytes"),
    ("pdf/proof.py", "to_unicode.read_bytes"),
    ("pdf/joining.py", "stream.read_bytes"),
    ("model/limits.py", "open:'/proc/self/status'"),
    # new --from copies a letter's folder as it is, links as links (symlinks=True,
    # follow_symlinks=False), and says a pipe in it (drafting/new._place).
    ("drafting/new.py", "shutil.copytree"),
    ("drafting/new.py", "shutil.copy2"),
    # A PDF library given what paths opened and checked, or bytes campaign made.
    ("pdf/joining.py", "pikepdf.open:handle"),
    ("pdf/listing.py", "pikepdf.open:written"),
}
# Library calls that read a file by its path, as open() does.
_READERS = {
    ("shutil", name) for name in ("copy", "copy2", "copyfile", "copytree", "copyfileobj")
} | {("filecmp", "cmp"), ("filecmp", "cmpfiles")}


def _reads(path: Path, package: Path) -> list[str]:
    """Each read of a file by its path in ``path``'s code that is not through campaign.paths."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("read_bytes", "read_text"):
            what = f"{ast.unparse(func.value)}.{func.attr}"
        elif (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and (func.value.id, func.attr) in _READERS
        ):
            what = f"{func.value.id}.{func.attr}"
        elif (
            isinstance(func, ast.Attribute)
            and func.attr == "open"
            and isinstance(func.value, ast.Name)
            and func.value.id in ("pikepdf", "Image")
        ):
            # A library that opens a file by its name reads it as open() does: given
            # anything but bytes in memory, it is a read to go through paths.
            given = node.args[0] if node.args else None
            if isinstance(given, ast.Call) and ast.unparse(given.func) in ("io.BytesIO", "BytesIO"):
                continue
            what = f"{func.value.id}.open:{ast.unparse(given) if given else ''}"
        elif (isinstance(func, ast.Name) and func.id == "open") or (
            isinstance(func, ast.Attribute)
            and func.attr == "open"
            and not (
                isinstance(func.value, ast.Name)
                and func.value.id in ("os", "pikepdf", "Image", "webbrowser")
            )
        ):
            given = [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "mode")]
            mode = given[0].value if given and isinstance(given[0], ast.Constant) else "r"
            if any(c in str(mode) for c in "wax+"):
                continue  # a file it writes: written whole, elsewhere, by files/atomic.py
            first = ast.unparse(node.args[0]) if node.args and isinstance(func, ast.Name) else ""
            what = f"open:{first}" if first else f"{ast.unparse(func.value)}.open"
        else:
            continue
        where = str(path.relative_to(package))
        if (where, what) not in _NOT_PATHS:
            found.append(f"{where}:{node.lineno}: {what}")
    return found


def test_the_scan_finds_each_kind_of_read(tmp_path: Path) -> None:
    module = tmp_path / "campaign" / "mod.py"
    module.parent.mkdir()
    module.write_text(
        "a.read_bytes()\nb.read_text('utf-8')\nopen(c)\nd.open('rb')\n"
        "shutil.copyfile(e, f)\nfilecmp.cmp(g, h)\n"
        "open(i, 'w')\nos.open(j, 0)\npikepdf.open(k)\nImage.open(m)\n"
        "pikepdf.open(io.BytesIO(n))\nImage.open(io.BytesIO(p))\n"
    )
    assert _reads(module, module.parent) == [
        "mod.py:1: a.read_bytes",
        "mod.py:2: b.read_text",
        "mod.py:3: open:c",
        "mod.py:4: d.open",
        "mod.py:5: shutil.copyfile",
        "mod.py:6: filecmp.cmp",
        "mod.py:9: pikepdf.open:k",
        "mod.py:10: Image.open:m",
    ]


def test_no_module_reads_a_file_but_through_paths() -> None:
    package = Path(__file__).parents[2] / "campaign"
    found = [
        read
        for path in sorted(package.rglob("*.py"))
        if path != package / "paths.py"
        for read in _reads(path, package)
    ]
    assert found == []


def _plant(path: Path, kind: str) -> None:
    path.unlink(missing_ok=True)
    if kind == "pipe":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")


@pytest.mark.parametrize("kind", ["pipe", "device"])
@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("campaign.yaml", "check"),
        (f"letters/{SLUG}/letter.yaml", "check"),
        (f"letters/{SLUG}/recipients.yaml", "check"),
        (f"letters/{SLUG}/recipients.ja.yaml", "check"),
        (f"signatories/{SLUG}.yaml", "build"),
        (f"signatories/{SLUG}.yaml", "sig list"),
    ],
)
def test_an_input_that_is_a_pipe_or_a_device_is_said_where_it_is(
    example: Path, name: str, command: str, kind: str
) -> None:
    _plant(example / name, kind)
    ran = campaign(example, *command.split(), *([SLUG] if command == "sig list" else []))
    assert ran.code is not None, f"hung, killed after 60 s\n{ran.err}"
    what = "a named pipe" if kind == "pipe" else "a device"
    assert (ran.code, ran.err.splitlines()) == (
        1,
        [
            f"{name}: cannot read file: it is {what}, not a file",
            HINT,
            "Error: 1 problem in 1 file; nothing was written",
        ],
    )


def test_a_list_to_edit_that_is_a_pipe_is_said_and_nothing_is_written(example: Path) -> None:
    _plant(example / "signatories" / f"{SLUG}.yaml", "pipe")
    ran = campaign(example, "sig", "withdraw", SLUG, "Amnesty International Japan")
    assert (ran.code, ran.err.splitlines()) == (
        1,
        [f"Error: signatories/{SLUG}.yaml: it is a named pipe, not a file", HINT],
    )
    assert (example / "signatories" / f"{SLUG}.yaml").is_fifo()


def test_a_csv_to_import_that_is_a_pipe_is_said(example: Path) -> None:
    os.mkfifo(example / "answers.csv")
    ran = campaign(example, "sig", "import", SLUG, "answers.csv")
    assert (ran.code, ran.err.splitlines()) == (
        1,
        ["Error: answers.csv: it is a named pipe, not a file", HINT],
    )
