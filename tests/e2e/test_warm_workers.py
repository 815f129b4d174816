"""Workers start warm: the fork server lays a page out once before it forks any of them."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from campaign.pdf import warmup

# A fresh Python opens a pool of two workers and asks the first what it has on its start.
SCRIPT = textwrap.dedent(
    """\
    import json
    from campaign.pdf.pool import workers

    ASK = (
        "[name in __import__('sys').modules for name in "
        "('weasyprint', 'pikepdf', 'campaign.pdf.proof', 'campaign.pdf.warmup')]"
    )
    if __name__ == "__main__":
        with workers(2) as pool:
            print(json.dumps(pool.submit(eval, ASK).result()))
    """
)


def test_a_worker_starts_with_a_first_layouts_imports_done() -> None:
    ran = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    # pikepdf and the proof are imported by a layout's writing only: the server wrote one.
    assert ran.stdout.split() == ["[true,", "true,", "true,", "true]"]


def test_a_first_layout_that_fails_leaves_the_server_to_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def failing(*args: object) -> None:
        raise OSError("no fonts here")

    monkeypatch.setattr(warmup, "layout", failing)
    assert warmup.warm() is None
