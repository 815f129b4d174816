"""WeasyPrint imported through campaign.pdf.weasy: no compiler run, the same libraries loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's search")

# Run in a fresh interpreter, between SETUP and REPORT: the programs the import
# starts, the C libraries it loaded (from the process's memory map), and whether
# find_library is the stdlib's again.
SETUP = """
import ctypes.util, json, subprocess, sys
started = []
real_init = subprocess.Popen.__init__
def recording(self, args, *rest, **named):
    started.append(str(args[0] if isinstance(args, (list, tuple)) else args))
    real_init(self, args, *rest, **named)
subprocess.Popen.__init__ = recording
search = ctypes.util.find_library
"""
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
    "weasyprint": sys.modules["weasyprint"].__name__,
}))
"""


def _probe(code: str) -> dict[str, Any]:
    """What running ``code`` (an import) did, in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", SETUP + code + REPORT],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_the_import_runs_no_compiler_and_loads_what_weasyprints_own_loads() -> None:
    own = _probe("import weasyprint\n")
    ours = _probe("import campaign.pdf.weasy\n")
    # WeasyPrint's own import runs gcc and ld for the names it tries (what this saves);
    # ours asks only the loader's cache.
    assert "gcc" in own["started"]
    assert set(ours["started"]) == {"ldconfig"}
    assert ours["libraries"] == own["libraries"]
    # Pango and the optional subsetter too (the fonts of every PDF are subset with it).
    assert any(n.startswith("libpango-1.0.so.0") for n in ours["libraries"])
    assert any(n.startswith("libharfbuzz-subset.so.0") for n in ours["libraries"])
    assert ours["restored"] is True
    assert ours["weasyprint"] == "weasyprint"


# The first import fails, as it would for a library only gcc or ld finds; the second,
# with the stdlib's search back, must run and succeed.
FAIL_ONCE = """
import importlib.abc
class FailOnce(importlib.abc.MetaPathFinder):
    failed = False
    def find_spec(self, name, path, target=None):
        if name == "weasyprint.text.ffi" and ctypes.util.find_library is not search:
            FailOnce.failed = True
            raise OSError("cannot load library 'libpango-1.0-0'")
        return None
sys.meta_path.insert(0, FailOnce())
import campaign.pdf.weasy
assert FailOnce.failed
"""


def test_a_library_the_cache_does_not_find_is_looked_for_the_full_way() -> None:
    ours = _probe(FAIL_ONCE)
    assert ours["weasyprint"] == "weasyprint"
    assert ours["restored"] is True
    assert any(n.startswith("libpango-1.0.so.0") for n in ours["libraries"])
    assert "gcc" in ours["started"]
