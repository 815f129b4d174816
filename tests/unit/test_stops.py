"""How a command stops (campaign/model/stops.py): one stop for three signals."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator

import pytest

from campaign.model import stops


@pytest.fixture(autouse=True)
def _defaults() -> Iterator[None]:
    """Each test starts with SIGTERM and SIGHUP at their defaults, and leaves them so."""
    before = {n: signal.getsignal(n) for n in stops.STOPS}
    for number in stops.STOPS[1:]:
        signal.signal(number, signal.SIG_DFL)
    yield
    for number, handler in before.items():
        signal.signal(number, handler)


@pytest.mark.parametrize("number", stops.STOPS, ids=["sigint", "sigterm", "sighup"])
def test_each_signal_is_a_ctrl_c_inside_and_its_default_again_after(number: int) -> None:
    with stops.as_ctrl_c(), pytest.raises(KeyboardInterrupt):
        signal.raise_signal(number)
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    assert signal.getsignal(signal.SIGHUP) == signal.SIG_DFL


def test_a_signal_ignored_or_handled_by_the_caller_is_left_so() -> None:
    def own(_number: int, _frame: object) -> None:
        seen.append(_number)

    seen: list[int] = []
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    signal.signal(signal.SIGTERM, own)
    with stops.as_ctrl_c():
        signal.raise_signal(signal.SIGHUP)
        signal.raise_signal(signal.SIGTERM)
    assert seen == [signal.SIGTERM]
    assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    assert signal.getsignal(signal.SIGTERM) is own


def test_nested_blocks_change_nothing_and_restore_nothing_early() -> None:
    with stops.as_ctrl_c():
        with stops.as_ctrl_c():
            pass
        assert signal.getsignal(signal.SIGTERM) is signal.default_int_handler
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGTERM)


@pytest.mark.parametrize("number", stops.STOPS, ids=["sigint", "sigterm", "sighup"])
def test_a_stop_during_a_held_block_takes_effect_once_it_is_done(number: int) -> None:
    done: list[str] = []
    with stops.as_ctrl_c(), pytest.raises(KeyboardInterrupt):
        with stops.held():
            signal.raise_signal(number)
            done.append("after the signal")
            signal.raise_signal(signal.SIGINT)  # a second one: still one stop
            done.append("the block's end")
        done.append("past the block")
    assert done == ["after the signal", "the block's end"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_held_block_that_raises_still_ends_in_the_stop() -> None:
    with stops.as_ctrl_c(), pytest.raises(KeyboardInterrupt) as caught, stops.held():
        signal.raise_signal(signal.SIGTERM)
        raise OSError("the disk is full")
    assert isinstance(caught.value.__context__, OSError)


def test_a_held_block_leaves_an_ignored_signal_ignored() -> None:
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    with stops.held():
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
        signal.raise_signal(signal.SIGHUP)
    assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN


def test_outside_the_main_thread_both_do_nothing() -> None:
    seen: list[object] = []

    def work() -> None:
        with stops.as_ctrl_c(), stops.held():
            seen.append(signal.getsignal(signal.SIGTERM))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [signal.SIG_DFL]
