"""Attacks on write_atomic's temporary files: names, folders and writers it must survive."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from campaign.files.atomic import write_atomic

# A process that starts writing ``path`` atomically and is killed before the rename.
KILLED = """
import os, signal, sys
from pathlib import Path
from campaign.files import atomic
fd, tmp = atomic._temporary(Path(sys.argv[1]))
os.write(fd, b"half")
os.kill(os.getpid(), signal.SIGKILL)
"""

# One that starts writing ``path`` and stops before the rename, alive.
LIVE = """
import sys, time
from pathlib import Path
from campaign.files import atomic
fd, tmp = atomic._temporary(Path(sys.argv[1]))
print(tmp, flush=True)
time.sleep(60)
"""


def killed_writer(path: Path) -> None:
    subprocess.run([sys.executable, "-c", KILLED, str(path)], check=False)


@pytest.mark.parametrize("name", ["x" * 237 + ".yaml", "ü" * 120 + ".yaml", "y" * 255])
def test_a_file_whose_name_is_near_the_longest_is_written_and_its_leftovers_go(
    tmp_path: Path, name: str
) -> None:
    # '.NAME.XXXXXXXX.tmp' is 14 bytes longer than NAME: for a name of 242 bytes or
    # more (a list named at length) the write failed with 'File name too long'.
    path = tmp_path / name
    path.write_text("old\n")
    write_atomic(path, "new\n")
    assert path.read_text() == "new\n"
    killed_writer(path)
    assert len(os.listdir(tmp_path)) == 2
    write_atomic(path, "newer\n")
    assert os.listdir(tmp_path) == [name]
    assert path.read_text() == "newer\n"


def test_a_long_names_live_temporary_file_is_not_taken_for_another_files_dead_one(
    tmp_path: Path,
) -> None:
    # Two long names alike in their first bytes share their temporary files' prefix:
    # one's live temporary file is still left alone by the other's writes.
    first, second = tmp_path / ("z" * 250 + "1"), tmp_path / ("z" * 250 + "2")
    live = subprocess.Popen(
        [sys.executable, "-c", LIVE, str(first)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert live.stdout is not None
        tmp = Path(live.stdout.readline().strip())
        write_atomic(second, "second\n")
        assert sorted(os.listdir(tmp_path)) == sorted([tmp.name, second.name])
    finally:
        live.kill()
        live.wait()
    write_atomic(second, "second\n")
    assert os.listdir(tmp_path) == [second.name]


def test_a_new_letters_folder_has_its_files_on_disk_before_it_is_renamed_into_place(
    tmp_path: Path, fsynced: list[os.stat_result]
) -> None:
    # Its files were written in place (write_staged) and flushed, but not the folder
    # they are in: after a power cut, letters/<slug>/ could come back without them.
    # (Each write_atomic there used to flush it.)
    from campaign.drafting.new import _place

    folder = tmp_path / "letters" / "draft"
    _place(folder, {"letter.yaml": "title: A\n", "body.md": "Text.\n"})
    info = folder.stat()
    assert any(os.path.samestat(info, each) for each in fsynced)
