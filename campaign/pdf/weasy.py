"""WeasyPrint, imported with its C libraries found by the dynamic loader's cache alone.

Importing this module imports WeasyPrint. The workers' fork server imports it before
it forks (pool.PRELOAD), and engine imports WeasyPrint through it, so that the first
import in a process is the fast one. It imports the standard library and WeasyPrint.
"""

from __future__ import annotations

import ctypes.util
import sys
from types import ModuleType


def _purge() -> None:
    """Forget every WeasyPrint module a failed import left behind, so it can run again."""
    for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
        del sys.modules[name]


def _imported() -> ModuleType:
    """WeasyPrint, imported (this module's import runs once per process)."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    # WeasyPrint tries each library under six names, for every platform; cffi hands a
    # name without a dot to ctypes.util.find_library, which on Linux asks the loader's
    # cache (ldconfig -p), then runs gcc and ld: about twenty programs and 0.15 s of
    # CPU for each process that imports WeasyPrint. A library they find and the cache
    # does not, the loader could open by that name only from LD_LIBRARY_PATH, where it
    # opens WeasyPrint's Linux name for it (libpango-1.0.so.0, with a dot: no search).
    cache_only = getattr(ctypes.util, "_findSoname_ldconfig", None)
    if cache_only is not None and sys.platform.startswith("linux"):
        search = ctypes.util.find_library
        ctypes.util.find_library = cache_only
        try:
            import weasyprint

            return sys.modules["weasyprint"]
        except OSError:
            _purge()  # a library only the full search finds: imported again below
        finally:
            ctypes.util.find_library = search
    import weasyprint  # noqa: F401

    return sys.modules["weasyprint"]


weasyprint = _imported()
