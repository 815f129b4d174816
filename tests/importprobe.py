"""Code run in a fresh interpreter, and what it did: programs started, C libraries loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

# Before the code: every program started is recorded, and find_library as it was found.
SETUP = """
import ctypes.util, json, subprocess, sys, tempfile
from pathlib import Path
started = []
real_init = subprocess.Popen.__init__
def recording(self, args, *rest, **named):
    started.append(str(args[0] if isinstance(args, (list, tuple)) else args))
    real_init(self, args, *rest, **named)
subprocess.Popen.__init__ = recording
search = ctypes.util.find_library
"""
# After it: what it started (file names, in order), the C libraries in the process's
# memory map, whether find_library is the stdlib's again, what is imported, and the
# start of ``pdf`` if the code made one.
REPORT = """
libraries = sorted({
    line.split()[-1].rsplit("/", 1)[-1]
    for line in open("/proc/self/maps")
    if any(n in line for n in ("libpango", "libharfbuzz", "libgobject", "libfontconfig"))
})
print(json.dumps({
    "started": [p.rsplit("/", 1)[-1] for p in started],
    "libraries": libraries,
    "restored": ctypes.util.find_library is search,
    "weasyprint": "weasyprint" in sys.modules,
    "weasy": "campaign.pdf.weasy" in sys.modules,
    "pdf": globals().get("pdf", b"")[:5].decode(),
}))
"""


def probe(code: str) -> dict[str, Any]:
    """What running ``code`` did, in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", SETUP + code + REPORT],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result
