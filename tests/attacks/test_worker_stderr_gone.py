"""A worker whose stderr nobody reads any more goes on, and the build finishes.

Found by an attack on 5 December; what it found, before the fix:
487adfb sets SIGPIPE to its default in every worker, for a killed build's workers to
end quietly. But a worker of a build that is alive and well may write to stderr too:
not Python (WeasyPrint logs to a NullHandler), but the C libraries below it, e.g.
Fontconfig's "Fontconfig error: Cannot load default config file" in each new worker.
Where stderr is a pipe whose reader has gone (`2> >(head -1)`, a log reader that
ended, a closed ssh session's pipe), that write now kills the worker by SIGPIPE:
the build fails ("a worker process laying out PDFs was killed by signal 13", which
nobody sees either) and writes nothing. Before 487adfb the write failed with EPIPE,
the C library went on, and the build finished (exit 0, every PDF made).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

SLUG = "japan-hrc-2020"


def test_a_build_whose_stderr_reader_has_gone_still_builds(example: Path) -> None:
    env = {**os.environ, "FONTCONFIG_FILE": str(example / "no-such-fonts.conf")}
    child = subprocess.Popen(
        [sys.executable, "-m", "campaign", "build", "--jobs", "2"],
        cwd=example,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    assert child.stderr is not None
    # Up to "Building", then the reader goes, as `head -1` does. The workers' server,
    # started as the letters are read, imports WeasyPrint beside the build's check and
    # may say its own Fontconfig error first (in pieces, between which the label can
    # fall): what came before the label is read too. The workers start once the build
    # lays out, after the label: what they say goes to a pipe nobody reads.
    said = b""
    while not said.endswith(b"Building\n"):
        line = child.stderr.readline()
        if not line:
            break
        said += line
    child.stderr.close()
    try:
        out, _ = child.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        raise
    assert said.endswith(b"Building\n"), said
    assert b"Traceback" not in said, said
    assert child.returncode == 0, out.decode()[-300:]
    assert (example / "build" / SLUG / "to" / "shinzo-abe.pdf").is_file()
