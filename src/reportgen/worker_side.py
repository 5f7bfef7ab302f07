"""What runs in a worker process: its task loop, and notify() for the jobs it runs."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import pickle
import queue
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


class _Sender:
    """Sends a worker's messages, already pickled, from a thread: the worker goes on to
    its next task while the main process is busy elsewhere (a director's PDFs are more
    than a pipe holds). A worker killed mid-message closes the pipe all the same."""

    def __init__(self, pipe: Connection) -> None:
        self.pipe = pipe
        self._pending: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def send(self, message: bytes) -> None:
        self._pending.put(message)

    def _run(self) -> None:
        try:
            while (message := self._pending.get()) is not None:
                self.pipe.send_bytes(message)
        except BaseException:  # out of memory, the main process gone: cannot answer
            os._exit(1)  # so end, and the main process hears of it (WorkerDied)

    def close(self) -> None:
        """Returns once everything given to send() has been sent."""
        self._pending.put(None)
        self._thread.join()


# In a worker, how it sends to the main process (set as the worker starts).
_results: _Sender | None = None


def notify(message: Any) -> None:
    """Sends a message from a job, while it runs, to the pool's on_notice (a no-op when
    the job runs in the main process: nobody waits for it there). Raises if it cannot
    be pickled, in the job that sent it."""
    if _results is not None:
        _results.send(pickle.dumps(("notice", message)))


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _end_with(parent: int) -> None:
    """Has Linux kill this worker when the main process ends, however it ends (SIGKILL,
    SIGTERM): a worker waiting for a task would wait for ever, as it holds the other end
    of the task queue itself."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before that was asked
        os._exit(1)


def _sendable(error: BaseException) -> BaseException:
    """The error itself if it survives the trip to the main process, else its text."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def _outcome(number: int, function: Any, item: Any) -> bytes:
    """The job's result or error, pickled here: what cannot be pickled is an error the
    main process hears of (a queue's feeder thread would drop it, and leave it waiting)."""
    try:
        return pickle.dumps(("done", number, True, function(item), ""))
    except BaseException as error:  # every failure goes back to whoever waits for it
        trace = traceback.format_exc()
        return pickle.dumps(("done", number, False, _sendable(error), trace))


# Allocations between young-generation collections (CPython's default is 700).
YOUNG_COLLECTION_THRESHOLD = 10_000


def _tune_collector() -> None:
    """Keeps the cyclic garbage collector from rescanning what a worker holds for long.

    A layout allocates boxes by the hundred thousand and keeps them until the PDF is
    written: with CPython's defaults, collections took 17% of a director's time,
    mostly rescanning WeasyPrint's modules and the document itself (6% this way,
    measured; same peak memory). Frozen, the modules just imported are never scanned
    again; each director's document is freed by one collection when it is done.
    """
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, 10, 10)


def work(
    tasks: Any, results: Connection, parent: int, preload: Callable[[], object] | None = None
) -> None:
    """A worker of process `parent`: runs tasks (pickled) until told there are no more (None)."""
    global _results
    _end_with(parent)
    # Ctrl-C is the main process's to handle: it ends the workers (no trace from each).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _results = sender = _Sender(results)
    if preload is not None:
        # Only a head start: if it fails, the first task that needs it fails the same
        # way, and that error goes back to the main process with the task's.
        with contextlib.suppress(Exception):
            preload()
    _tune_collector()
    while (task := tasks.get()) is not None:
        number, function, item = pickle.loads(task)
        sender.send(_outcome(number, function, item))
    sender.close()
