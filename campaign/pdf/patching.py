"""Changes to the pinned WeasyPrint put in place once per process, whichever thread asks first.

shaping, pagestyles, linestyle, boxsizes, prelines, linewidths, glyphdraw and nofloats each
replace a function of WeasyPrint the first time a document is laid out; ``once`` is the lock and the
done-flag they share.
Imports nothing.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable


def once(install: Callable[[], None]) -> Callable[[], None]:
    """``install`` run by the first call only; later calls, from any thread, do nothing."""
    # Two threads (the preview's server) may lay out their first documents at once.
    lock = threading.Lock()
    done = False

    @functools.wraps(install)
    def run_once() -> None:
        nonlocal done
        with lock:
            if not done:
                install()
                done = True

    return run_once
