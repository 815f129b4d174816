"""How a command stops: Ctrl+C, SIGTERM and SIGHUP alike, and the work a stop waits for.

A command is stopped by Ctrl+C, by SIGTERM (``kill``, a service manager, a CI job
cancelled) or by SIGHUP (its terminal closed). Left to their defaults, the last two
ended the process wherever it was: a pool's workers and fork server left running, a
message marked as being sent and never sent. Here the three are one stop, a
``KeyboardInterrupt``, that the code's ``finally`` blocks see and finish cleanly.

Some work must not be cut short by a stop: starting and stopping a pool of workers,
a line written to a log. ``held`` makes a stop wait until such a block is done.

``command`` is the command line's: a command stops once. A stop that comes while it
is stopping (its clean-up under way) is let go, as is one once the command is over
and the process only exits; so is one once the command has written what it was
asked for (``done``), which it then reports, rather than "Aborted!". Left to their
defaults, they killed the process as it said "Aborted!" (exit status 143, not 1).
Signals reach the main thread only: elsewhere all of these are no-ops.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# The signals that stop a command, Ctrl+C's first.
STOPS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


# The command under way (``command``): whether it is stopping already, or done.
_state = {"active": False, "stopping": False, "done": False}


def _in_text_run(frame: Any) -> bool:
    """Whether ``frame`` runs inside code made from a text by ``exec`` or ``eval``.

    Not the outermost frame: that is the program's own (``python -c`` names it so too),
    and an interrupt that ends the program there is unhandled indeed.
    """
    while frame is not None and frame.f_back is not None:
        if frame.f_code.co_filename == "<string>":
            return True
        frame = frame.f_back
    return False


def interrupt(number: int, frame: Any) -> None:
    """Raise KeyboardInterrupt for stop signal ``number``, unless ``frame`` runs in code
    made from a text (``exec``): then the signal is sent again a moment later.

    CPython 3.11 marks a KeyboardInterrupt that passes through ``exec`` of a text (a
    dataclass being made while a module loads) as never handled, even once caught: the
    process then ends itself by SIGINT on its way out, whatever it said ("Stopped.",
    then exit status -2 where a service manager expects 0).
    """
    if _in_text_run(frame):
        later = threading.Timer(0.005, os.kill, (os.getpid(), number))
        later.daemon = True
        later.start()
        return
    raise KeyboardInterrupt


def _stop(number: int, frame: Any) -> None:
    """A stop: the first raises KeyboardInterrupt; one while stopping or done is let go."""
    if _state["stopping"] or _state["done"]:
        return
    if _in_text_run(frame):
        interrupt(number, frame)  # sent again, out of it: still the first stop
        return
    _state["stopping"] = True
    raise KeyboardInterrupt


def _default(number: int, noted: Any = None) -> bool:
    """Whether ``number``'s handler is the one it starts with (Python's, for SIGINT), or
    ``noted``, which only noted a stop while the process loaded."""
    handler = signal.getsignal(number)
    if noted is not None and handler is noted:
        return True
    if number == signal.SIGINT:
        return handler is signal.default_int_handler
    return handler == signal.SIG_DFL


@contextmanager
def command(noted: Any = None) -> Iterator[None]:
    """The whole of a command: each stop signal left at its default stops it once.

    A signal whose handler is ``noted`` (the console script's, which notes a stop while
    the process loads) is taken over as one at its default. On the way out every one of
    them is ignored: the process only exits.
    """
    if not _main_thread():
        yield
        return
    _state.update(active=True, stopping=False, done=False)
    taken: list[signal.Signals] = []
    try:
        for number in STOPS:
            if _default(number, noted):
                signal.signal(number, _stop)
                taken.append(number)
        yield
    finally:
        _state["active"] = False
        for number in taken:
            signal.signal(number, signal.SIG_IGN)


def done() -> None:
    """What the command was asked for is done: a stop from now on is too late.

    In a command (``command``), whoever handles a stop (a handler of the command's
    own too) no longer does: every stop signal is ignored from now on.
    """
    _state["done"] = True
    if _state["active"] and _main_thread():
        for number in STOPS:
            signal.signal(number, signal.SIG_IGN)


@contextmanager
def as_ctrl_c() -> Iterator[None]:
    """SIGTERM and SIGHUP stop the block as Ctrl+C does, where they would end the process.

    Only where their handler is the default: one ignored (``nohup`` ignores SIGHUP) or
    handled by the caller stays so; nested blocks therefore change nothing.
    """
    if not _main_thread():
        yield
        return
    taken = [n for n in STOPS[1:] if signal.getsignal(n) == signal.SIG_DFL]
    before: dict[signal.Signals, Any] = {}
    try:
        # Each handler noted before it is changed: a stop in the middle of this loop
        # leaves none changed and not restored.
        for number in taken:
            before[number] = signal.getsignal(number)
            signal.signal(number, signal.default_int_handler)
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


@contextmanager
def held() -> Iterator[None]:
    """A stop that comes during the block waits until the block is done, then takes effect.

    A handler per signal, not a signal mask: a mask holds for this thread alone, and
    the kernel may hand the signal to any thread (a pool's own threads, say). A signal
    ignored stays ignored.
    """
    if not _main_thread():
        yield
        return
    caught: list[int] = []

    def catch(number: int, _frame: object) -> None:
        caught.append(number)

    before: dict[signal.Signals, Any] = {}
    try:
        for number in STOPS:
            handler = signal.getsignal(number)
            if handler != signal.SIG_IGN:
                before[number] = handler
                signal.signal(number, catch)
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)
        if caught:
            # Raised again under the handler it had: Ctrl+C's KeyboardInterrupt, or
            # the default's end of the process where nobody took the signal over.
            signal.raise_signal(caught[0])
