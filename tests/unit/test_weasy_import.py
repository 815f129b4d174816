"""WeasyPrint imported through campaign.pdf.weasy: no compiler run, the same libraries loaded."""

from __future__ import annotations

import sys

import pytest
from importprobe import probe

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's search")


def test_the_import_runs_no_compiler_and_loads_what_weasyprints_own_loads() -> None:
    own = probe("import weasyprint\n")
    ours = probe("import campaign.pdf.weasy\n")
    # WeasyPrint's own import runs gcc and ld for the names it tries (what this saves);
    # ours asks only the loader's cache.
    assert "gcc" in own["started"]
    assert set(ours["started"]) == {"ldconfig"}
    assert ours["libraries"] == own["libraries"]
    # Pango and the optional subsetter too (the fonts of every PDF are subset with it).
    assert any(n.startswith("libpango-1.0.so.0") for n in ours["libraries"])
    assert any(n.startswith("libharfbuzz-subset.so.0") for n in ours["libraries"])
    assert ours["restored"] is True
    assert ours["weasyprint"] is True


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
    ours = probe(FAIL_ONCE)
    assert ours["weasyprint"] is True
    assert ours["restored"] is True
    assert any(n.startswith("libpango-1.0.so.0") for n in ours["libraries"])
    assert "gcc" in ours["started"]
