"""A workspace whose .campaign/lists is a symbolic link loop: keeping a reading stays quiet.

Found by an attack on 5 December; what it found, before the fix:
remembered.store (split out of keep in 2550741) checks that .campaign/lists/ is inside
the workspace with Path.resolve(), which on Python 3.11 raises RuntimeError ("Symlink
loop from ...") for a link loop - not OSError, the one error store() swallows. A
workspace received from another organisation with ``.campaign/lists -> lists`` makes
``campaign build`` lay out every file, then die with a traceback at keep_readings
(exit status 1), and ``sig add`` print one after writing the list. The cache is
documented as "quietly, if at all". (The old keep() missed RuntimeError too: this
predates the commit, but sits in the function it moved.)
"""

from __future__ import annotations

from pathlib import Path

from campaign.lists.listfile import keep_readings, read_list


def test_a_reading_kept_where_lists_is_a_link_loop_is_not_kept_and_says_nothing(
    tmp_path: Path,
) -> None:
    ws = tmp_path / "ws"
    (ws / "signatories").mkdir(parents=True)
    (ws / ".campaign").mkdir()
    (ws / ".campaign" / "lists").symlink_to("lists")  # points at itself
    path = ws / "signatories" / "names.yaml"
    path.write_text(
        "signatories:\n  - name: Ada Lovelace\n    type: individual\n    group: people\n"
    )
    problems: list = []
    kept: list = []
    assert read_list(path, problems, kept) is not None
    assert kept  # the build would keep it once it has made its files
    keep_readings(kept)  # RuntimeError: Symlink loop from '.../.campaign/lists'
