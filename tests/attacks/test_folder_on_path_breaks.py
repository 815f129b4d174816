"""A file in the folder a command runs in is never imported by the Python processes it starts.

Found after the worker processes were looked at for another reason (a helper saw workers
import the checkout's ``campaign`` instead of the installed one): the fork server and
multiprocessing's resource tracker start as ``python -c``, and the sign-on worker as
``python -m campaign``, and both put the current folder first on ``sys.path``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from campaign.cli.signon import _worker_process

CAMPAIGN = str(Path(sys.executable).with_name("campaign"))

# Each a module a child process imports (or the stdlib package its start-up imports),
# planted as a file or a package that writes a mark naming itself when imported.
PLANTED = ("cssselect2.py", "weasyprint.py", "pikepdf.py", "campaign/__init__.py",
           "multiprocessing/__init__.py")  # fmt: skip


def _plant(folder: Path, marks: Path) -> None:
    """Put every planted module in ``folder``."""
    for name in PLANTED:
        path = folder / name
        path.parent.mkdir(exist_ok=True)
        mark = marks / name.replace("/", "-")
        path.write_text(f"open({str(mark)!r}, 'w').write('imported')\n")


@pytest.mark.parametrize("command", [["build", "--jobs", "2"], ["check"]])
def test_a_workspace_holding_modules_is_built_with_the_installed_ones(
    example: Path, tmp_path: Path, command: list[str]
) -> None:
    """Broke: 'campaign build --jobs 2' run in a workspace holding a cssselect2.py ran that
    file in the fork server (the build then stopped with an ImportError traceback),
    'campaign check' in one holding a campaign/ folder ran its __init__.py, then said a
    worker process stopped with exit status 1, and a multiprocessing/ folder was run by
    the fork server before anything else (these plants: exit 1, that one's mark)."""
    marks = tmp_path / "marks"
    marks.mkdir()
    _plant(example, marks)
    done = subprocess.run(
        [CAMPAIGN, *command], cwd=example, capture_output=True, text=True, timeout=600
    )
    assert (done.returncode, sorted(p.name for p in marks.iterdir())) == (0, [])
    assert "Traceback" not in done.stderr


def test_the_sign_on_worker_never_imports_the_servers_folder(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Broke: the server started its mail worker as 'python -m campaign' in its own folder,
    so a workspace holding a campaign/ folder had that folder's code run as the worker."""
    marks = tmp_path / "marks"
    marks.mkdir()
    _plant(example, marks)
    monkeypatch.chdir(example)
    worker = _worker_process(example, "no-such-letter", f"sqlite:///{tmp_path / 'signon.db'}")
    assert worker.wait(timeout=120) != 0  # no such letter: it stops, having imported campaign
    assert sorted(p.name for p in marks.iterdir()) == []


def test_the_folder_is_left_off_only_while_the_pool_starts() -> None:
    """PYTHONSAFEPATH is set for the processes the pool starts, not left for others."""
    script = (
        "import os\n"
        "from campaign.pdf.pool import workers\n"
        "with workers(2, separate=True) as pool:\n"
        "    inside = pool.submit(eval, '__import__(\"sys\").flags.safe_path').result()\n"
        "print(inside, os.environ.get('PYTHONSAFEPATH'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONSAFEPATH"}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert (run.returncode, run.stdout, run.stderr) == (0, "True None\n", "")
