"""Ctrl-C and SIGTERM held back while a step that must not be cut in two runs."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

STOPS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def stops_held(*, late_if_done: bool = False) -> Iterator[None]:
    """Runs a step whole: a stop that comes during it is delivered after it.

    With `late_if_done`, a stop that came during a step that went through is dropped
    instead: the step committed the build (the new pack swapped in), so stopping then
    would only report a failure that did not happen.

    The stops' handlers are replaced for the step, not the signals masked: a signal
    for the process may be delivered to any thread (a multiprocessing queue's feeder),
    while Python runs every handler in the main thread.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # handlers can only be set from the main thread
        return
    came: list[int] = []
    # A handler set outside Python (None) cannot be put back: that stop is not held.
    held = [number for number in STOPS if signal.getsignal(number) is not None]
    previous = {number: signal.signal(number, lambda number, _frame: came.append(number)) for number in held}
    done = False
    try:
        yield
        done = True
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if came and not (late_if_done and done):
            signal.raise_signal(came[0])  # now handled as it would have been
