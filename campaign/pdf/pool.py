"""The worker processes PDFs are laid out in, and the in-process stand-in for one job.

A fork server starts the workers (each imports WeasyPrint once); a worker that dies
is said by name, a stopped build leaves none running. Nothing here lays out a page:
the jobs (workers.py, listing.py) are handed in as functions, so this module imports
none of them.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.pool
import multiprocessing.resource_tracker
import multiprocessing.util
import os
import shutil
import signal
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from campaign.errors import CampaignError
from campaign.model import stops
from campaign.model.limits import DEFAULT, LimitExceeded, Limits, end_with_parent, output_name

# A worker is replaced after this many jobs, so memory WeasyPrint keeps (caches,
# fragmentation) cannot creep over a long build.
JOBS_PER_WORKER = 8


class Pending(Protocol):
    """A job handed to a worker: ``result()`` waits for it and returns what it returned."""

    def result(self) -> Any:
        """Wait for the job; its return value, or its exception raised here."""


class Workers(Protocol):
    """Where jobs run: a pool of processes, or this process."""

    def submit(self, fn: Callable[[Any], Any], job: Any) -> Pending:
        """Start ``fn(job)``."""


class _Done:
    def __init__(self, fn: Callable[[Any], Any], job: Any) -> None:
        self._value: Any = None
        self._error: BaseException | None = None
        try:
            self._value = fn(job)
        except Exception as exc:
            self._error = exc

    def result(self) -> Any:
        if self._error is not None:
            raise self._error
        return self._value


class _InProcess:
    """Runs each job at once, in this process: for --jobs 1 and for tests."""

    def submit(self, fn: Callable[[Any], Any], job: Any) -> Pending:
        return _Done(fn, job)


class WorkerDied(CampaignError):
    """A worker process ended in the middle of a build (killed, or a C library aborted)."""


def _died(exitcode: int) -> str:
    """How a process ended, in words: 'was killed by signal 9 (SIGKILL)', ..."""
    if exitcode < 0:
        try:
            name = f" ({signal.Signals(-exitcode).name})"
        except ValueError:
            name = ""
        return f"was killed by signal {-exitcode}{name}"
    return f"stopped with exit status {exitcode}"


def _quiet_when_orphaned(*args: Any) -> None:
    """multiprocessing's worker loop, ended without a word once its build has gone.

    A worker hands each result back through a pipe the build reads; the pipe breaks
    only when the build has ended (killed outright: a build that stops ends its workers
    first). A job that ended just then printed a BrokenPipeError's traceback twice over
    where the build's output was, though nobody was left to read the result.
    """
    try:
        multiprocessing.pool.worker(*args)  # type: ignore[attr-defined]
    except (BrokenPipeError, ConnectionResetError):
        os._exit(0)


# The threads of our pools that start replacement workers, each with the error that
# ended it, if one did (_Worker.start).
_replacing: weakref.WeakKeyDictionary[threading.Thread, BaseException | None] = (
    weakref.WeakKeyDictionary()
)


class _Worker(multiprocessing.context.ForkServerProcess):
    """A pool's worker process, whose replacement that cannot start ends its thread quietly.

    Raised from the pool's thread, the error was a traceback from a thread and nothing
    more: the pool then had a worker fewer, and a job waiting for one waited until its
    time limit (ten minutes) and blamed the memory. It is kept for the job that waits,
    which says why (``unstartable``), and the thread ends by SystemExit, which Python
    ends a thread with in silence. A stop sent to the whole process group (SIGTERM
    from a service manager, say) ends the fork server with the workers as this process
    stops: its traceback came before "Aborted!", and now nothing does.
    """

    def start(self) -> None:
        try:
            super().start()
        except Exception as exc:
            thread = threading.current_thread()
            if thread not in _replacing:  # the first workers: the pool's opening fails
                raise
            _replacing[thread] = exc
            raise SystemExit from None


class _WatchedPool(multiprocessing.pool.Pool):
    """A pool that remembers every worker it starts, so that one that dies is noticed.

    multiprocessing.Pool replaces a dead worker but loses the job it was running: the
    command would wait for its result until the time limit ran out. Workers end with
    status 0 when they are recycled; any other end means a lost job.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.started: list[Any] = []

        def process(_ctx: Any, *a: Any, **kw: Any) -> Any:
            kw["target"] = _quiet_when_orphaned
            worker = _Worker(*a, **kw)
            self.started.append(worker)
            return worker

        # Pool starts its workers (and later their replacements) through self.Process.
        self.Process = process  # type: ignore[method-assign,assignment]
        super().__init__(*args, **kwargs)
        _replacing[self._worker_handler] = None  # type: ignore[attr-defined]

    def unstartable(self) -> str:
        """Why a replacement worker could not be started, or ''."""
        failed = _replacing.get(self._worker_handler)  # type: ignore[attr-defined]
        if failed is None:
            return ""
        if isinstance(failed, EOFError):
            return "the process that starts them had ended"
        return str(failed) or type(failed).__name__

    def dead(self) -> str:
        """How the first worker that did not end normally ended, or ''."""
        for worker in list(self.started):
            # As the pool's worker handler has found it: reading ``exitcode`` here would
            # ask the fork server too, and of two threads asking, one reads nothing
            # (and takes the worker for ended with status 255).
            code = getattr(worker._popen, "returncode", None)
            if code:
                return _died(code)
        return ""

    def stop(self) -> None:
        """End every worker this pool started and wait for each, whatever it was doing.

        Pool.terminate alone can wait for ever: an idle worker waits for its next job
        holding the job queue's lock, and one killed there never lets go of it.
        """
        # First no replacement may start: the worker handler is what starts them.
        handler: Any = self._worker_handler  # type: ignore[attr-defined]
        handler._state = multiprocessing.pool.TERMINATE
        self._change_notifier.put(None)  # type: ignore[attr-defined]
        handler.join()
        # A worker killed while it sends a result holds the results' lock for ever, and
        # the pool's threads wait for it for ever (a build ends as one finishes a job
        # nobody waits for: a part or a master laid out ahead). Held here, no worker is
        # sending as they are killed: one that was has sent all of it first.
        lock: Any = getattr(self._outqueue, "_wlock", None)  # type: ignore[attr-defined]
        held = lock is not None and self._free(lock)
        try:
            running = [w for w in self.started if w.pid is not None and w.exitcode is None]
            for worker in running:
                worker.terminate()
            for worker in running:
                worker.join(STOP_GRACE)
                if worker.exitcode is None:  # SIGTERM blocked or ignored
                    worker.kill()
                    worker.join()
        finally:
            if held:
                lock.release()
        # The pool's own threads. Each step is bounded now that no worker is left,
        # except a queue lock held by a worker that died in the middle of sending a
        # result (killed by another, or the lock not had in time above): that waits in
        # a thread of its own, not in the build.
        ending = threading.Thread(target=self._end_threads, daemon=True)
        ending.start()
        ending.join(STOP_GRACE)

    def _free(self, lock: Any) -> bool:
        """Whether ``lock`` was had: not if a worker died meanwhile, holding it perhaps."""
        deadline = time.monotonic() + STOP_GRACE
        while not lock.acquire(timeout=0.05):
            # A worker that ended otherwise than by recycling (killed as it sent, by
            # the kernel or a signal to the group) lets go of nothing: not waited for.
            if time.monotonic() > deadline or any(
                w.pid is not None and w.exitcode for w in self.started
            ):
                return False
        return True

    def _end_threads(self) -> None:
        self.terminate()
        self.join()

    @staticmethod
    def _help_stuff_finish(inqueue: Any, task_handler: Any, size: int) -> None:
        """Let the task handler go, once every worker has ended (stop).

        Pool's own takes the job queue's lock to drain it, which a worker killed while
        waiting for a job holds for ever. With no worker left nothing reads the queue
        again: closing it fails a write the task handler may be blocked in.
        """
        inqueue._reader.close()


# How often a wait for a worker's result looks for workers that died (seconds).
WATCH_EVERY = 0.5


class _Async:
    def __init__(self, result: Any, job: Any, pool: _WatchedPool) -> None:
        self._result = result
        self._job = job
        self._pool = pool

    def result(self) -> Any:
        # A worker enforces the limits itself; but one that dies (a C library aborting
        # when memory runs out, the kernel's OOM killer) never answers.
        limits: Limits = getattr(self._job, "limits", DEFAULT)
        outputs = [out for _, out in getattr(self._job, "items", ())]
        outputs += list(getattr(self._job, "outputs", ()))
        timeout = limits.pdf_seconds * max(len(outputs), 1) + WORKER_GRACE
        deadline = time.monotonic() + timeout
        while not self._result.ready():
            if why := self._pool.unstartable():
                raise WorkerDied(
                    f"a worker process to lay out PDFs could not be started ({why}); "
                    "nothing was written\n"
                    "  hint: too many processes or open files for this user? build with "
                    "--jobs 1 to lay out in this process alone"
                )
            if how := self._pool.dead():
                raise WorkerDied(
                    f"a worker process laying out PDFs {how}; nothing was written\n"
                    "  hint: if it ran out of memory, raise 'pdf_memory_mb' under 'limits:' "
                    "in campaign.yaml; build with --jobs 1 to see any error it met"
                )
            if time.monotonic() > deadline:
                what = output_name(outputs[0]) if outputs else "a PDF"
                raise LimitExceeded(
                    f"laying out {what} did not finish within {timeout:g} seconds: the worker "
                    f"laying it out stopped answering (out of memory?); nothing was written\n"
                    "  hint: raise 'pdf_seconds' or 'pdf_memory_mb' under 'limits:' in "
                    "campaign.yaml, or build with --jobs 1 to see the error"
                )
            self._result.wait(WATCH_EVERY)
        return self._result.get()


# Seconds a worker may take beyond its layout limits (starting, writing the files).
WORKER_GRACE = 60.0


class _Pool:
    def __init__(self, pool: _WatchedPool) -> None:
        self._pool = pool

    def submit(self, fn: Callable[[Any], Any], job: Any) -> Pending:
        return _Async(self._pool.apply_async(fn, (job,)), job, self._pool)


def default_jobs() -> int:
    """One worker per CPU this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# What the fork server imports once, so that each worker starts with it.
# The last, warmup, lays a page out there, so that each worker starts past the costs of
# a process's first layout.
PRELOAD = (
    "campaign.pdf.workers", "campaign.pdf.render", "campaign.pdf.weasy", "campaign.pdf.warmup"
)  # fmt: skip


@contextmanager
def workers(jobs: int, separate: bool = False) -> Iterator[Workers]:
    """A pool of ``jobs`` worker processes (or this process alone when ``jobs`` is 1).

    ``separate`` keeps even one job out of this process: for commands (``check``) that
    must not import WeasyPrint themselves. Whatever the way out (an error, Ctrl+C, SIGTERM, a
    worker killed), every process started for the pool has ended before this returns
    or raises.
    """
    if jobs <= 1 and not separate:
        _unwarm()  # a server started ahead for nothing: stopped before this process lays out
        yield _InProcess()
        return
    # Workers fork from a server that has imported WeasyPrint once, so a fresh or
    # recycled worker starts in milliseconds. (multiprocessing.Pool, not
    # concurrent.futures: the latter can hang when it recycles workers on 3.11.)
    _short_socket_folder()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    global _pools
    with stops.as_ctrl_c():
        with _pools_lock:
            _pools += 1
        pool = None
        try:
            # Started whole before a Ctrl+C or SIGTERM takes effect: cut short, a worker
            # forked but never handed its start would wait for it for ever, and with it
            # the server, which ends only once every process it forked has let go of it.
            with stops.held(), _no_folder_on_path():
                _start_server()
                pool = _WatchedPool(
                    jobs,
                    initializer=_worker_started,
                    maxtasksperchild=JOBS_PER_WORKER,
                    context=context,
                )
            yield _Pool(pool)
            pool.close()
        finally:
            with stops.held():  # a second Ctrl+C must not cut the stopping short
                try:
                    if pool is not None:
                        pool.stop()
                finally:
                    with _pools_lock:
                        _pools -= 1
                        if not _pools:
                            _stop_server()


@contextmanager
def _no_folder_on_path() -> Iterator[None]:
    """Python processes started inside import nothing from the folder the command runs in.

    The fork server (and multiprocessing's resource tracker) start as ``python -c``,
    which puts the current folder first on ``sys.path``: run in a workspace holding a
    ``weasyprint.py``, a ``campaign/`` or a ``multiprocessing/`` folder, they would run
    that file's code. PYTHONSAFEPATH (Python 3.11) leaves the folder off; the workers
    are forked from the server and keep its path.
    """
    before = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = before


# Seconds a worker has to end on SIGTERM before it is killed, and the pool's threads.
STOP_GRACE = 5.0


def _worker_started() -> None:
    """Each worker's start: Ctrl+C is the build's to handle, and the worker ends with the build.

    Ctrl+C reaches every process of the terminal's group; the build stops the workers
    itself, and a worker interrupted on its own would print its traceback. A closed
    terminal's SIGHUP reaches the whole group too; SIGTERM is the pool's own way to stop
    a worker. Should the build be killed outright (SIGKILL, nothing of it runs), the
    fork server ends as its connection closes, and the kernel then ends each worker.
    """
    for number in (signal.SIGINT, signal.SIGHUP):
        signal.signal(number, signal.SIG_IGN)
    end_with_parent()
    # The server lives while any process holds the pipe that keeps it alive, and it hands
    # each worker an end of it, for processes the worker might start; ours start none.
    # Held, a killed build's workers went on with their jobs, the server waiting for them.
    server = getattr(multiprocessing.forkserver, "_forkserver", None)
    alive = getattr(server, "_forkserver_alive_fd", None)
    if isinstance(alive, int):
        os.close(alive)
        server._forkserver_alive_fd = None  # type: ignore[union-attr]
    # What the fork server imported (WeasyPrint, its fonts' tables, ~100,000 objects)
    # lives as long as the worker: the collector need not walk it again at every full
    # collection of a job's boxes (a tenth of an overlay job's CPU went to collecting),
    # nor write to its pages, which then stay shared with the server.
    gc.freeze()


_pools = 0  # pools open in this process, which share the fork server
_pools_lock = threading.Lock()


_warm = False  # a fork server started ahead of its pool (server_started) holds a count


@contextmanager
def server_started(wanted: bool) -> Iterator[None]:
    """With ``wanted``, the workers' fork server started now, for a pool this block opens later.

    Its import of WeasyPrint then runs on another core while this process reads and
    plans, not after. It ends with the block, or as soon as the block lays out in this
    process instead (``workers(1)``), so a wrong guess costs only that core's time.
    """
    global _pools, _warm
    if not wanted:
        yield
        return
    _short_socket_folder()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    # SIGTERM stops the command as Ctrl+C does from now on, not only once a pool is open:
    # killed outright, the build would leave the server importing, its output held open.
    with stops.as_ctrl_c():
        try:
            # Counted as soon as it is started, so that it is stopped below.
            with stops.held(), _pools_lock:
                _pools += 1
                _warm = True
                _start_server()  # started; it imports on its own
            yield
        finally:
            with stops.held():
                _unwarm()


# A Unix socket's path holds at most 107 bytes; multiprocessing's (its folder, then
# "pymp-XXXXXXXX/listener-XXXXXXXX") adds 38 to the temporary folder's.
_SOCKET_PATH = 107
_SOCKET_NAME = 38
_SHORT_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")


def _short_socket_folder() -> None:
    """Have multiprocessing put its sockets in a folder short enough for their paths.

    Python 3.11 puts the fork server's socket under $TMPDIR, and a long one (a CI
    runner's nested work folder) stopped every build with "AF_UNIX path too long".
    """
    config: dict[str, Any] = multiprocessing.current_process()._config  # type: ignore[attr-defined]
    if config.get("tempdir") is not None:
        return  # chosen already (multiprocessing keeps one a process)
    if len(os.fsencode(tempfile.gettempdir())) + _SOCKET_NAME <= _SOCKET_PATH:
        return
    for folder in _SHORT_FOLDERS:
        if os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK):
            made = tempfile.mkdtemp(prefix="pymp-", dir=folder)
            # Removed as multiprocessing removes its own, when the process ends.
            multiprocessing.util.Finalize(None, shutil.rmtree, args=(made, True), exitpriority=-100)
            config["tempdir"] = made
            return
    raise CampaignError(
        f"the temporary folder's path is too long for the workers' socket "
        f"({tempfile.gettempdir()})\n"
        "  hint: set TMPDIR to a shorter folder, or build with --jobs 1"
    )


def _start_server() -> None:
    """Start the fork server if it is not running, deaf to Ctrl+C from its first instruction.

    Ctrl+C reaches every process of the terminal's group, and the server ignores it only
    once its imports are done: interrupted in them, it would print their traceback. A
    blocked signal stays blocked across exec, until the server ignores it (which drops
    it); this process takes a Ctrl+C that came meanwhile once it is unblocked here.
    A closed terminal's SIGHUP reaches the group too, and neither the server nor the
    resource tracker ever handles it: both start with it blocked, and it stays so. (It
    killed them, while this process stopped as on Ctrl+C: their deaths said as errors.)
    """
    with _no_folder_on_path():
        before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})
        try:
            # The resource tracker first: starting it unblocks SIGINT on its way out.
            multiprocessing.resource_tracker.ensure_running()
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            multiprocessing.forkserver.ensure_running()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _unwarm() -> None:
    """Let go of the server started ahead: it ends now, unless a pool still uses it."""
    global _pools, _warm
    with _pools_lock:
        if _warm:
            _warm = False
            _pools -= 1
            if not _pools:
                _stop_server()


def _stop_server() -> None:
    """Stop the fork server, which the first pool started for the life of the process.

    It would outlive the build and hold its output open. multiprocessing has no
    public way to stop it; a later pool starts it again. It is ended by SIGTERM before
    it is waited for: left to exit on its own, it tears down the WeasyPrint it imported
    (about 0.1 s at every build's end), and it has nothing to save or flush.
    """
    server: Any = multiprocessing.forkserver._forkserver
    pid = server._forkserver_pid
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    server._stop()
