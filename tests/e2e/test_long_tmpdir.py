"""A build whose TMPDIR is long (a CI runner's nested work folder).

Python 3.11 puts the workers' fork server socket under $TMPDIR, and a Unix socket's
path holds at most 107 bytes: every build with workers stopped with a traceback
("OSError: AF_UNIX path too long"). The socket now goes in a short folder of its own.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from campaign.errors import CampaignError
from campaign.pdf import pool


def test_a_build_with_workers_under_a_long_tmpdir(example: Path, tmp_path: Path) -> None:
    long = tmp_path / ("t" * 60) / ("m" * 60)
    long.mkdir(parents=True)
    assert len(str(long)) + 38 > 107
    done = subprocess.run(
        [sys.executable, "-m", "campaign", "build", "--jobs", "2"],
        cwd=example, capture_output=True, text=True, env={**os.environ, "TMPDIR": str(long)},
        timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    proof = "  proof: 3 letters, every address inside its window; 51 names in each list\n"
    assert done.stdout.count(proof) == 2
    assert list(long.iterdir()) == []  # nothing of multiprocessing's left there


def test_a_long_tmpdir_with_no_short_folder_to_use_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long = tmp_path / ("t" * 100)
    long.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(long))
    monkeypatch.setattr(multiprocessing.current_process(), "_config", {})
    monkeypatch.setattr(pool, "_SHORT_FOLDERS", (str(tmp_path / "none"),))
    with pytest.raises(CampaignError) as caught:
        pool._short_socket_folder()
    assert caught.value.message == (
        f"the temporary folder's path is too long for the workers' socket ({long})\n"
        "  hint: set TMPDIR to a shorter folder, or build with --jobs 1"
    )


def test_a_short_tmpdir_is_left_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", "/tmp")
    config: dict[str, object] = {}
    monkeypatch.setattr(multiprocessing.current_process(), "_config", config)
    pool._short_socket_folder()
    assert config == {}
