"""What runs in a worker process: its task loop, and notify() for the jobs it runs."""

from __future__ import annotations

import pickle
import signal
import traceback
from multiprocessing.connection import Connection
from typing import Any

# In a worker, its own pipe to the main process (set as the worker starts).
_results: Connection | None = None


def notify(message: Any) -> None:
    """Sends a message from a job, while it runs, to RenderPool.notices() (a no-op when
    the job runs in the main process: nobody waits for it there). Raises if it cannot
    be pickled, in the job that sent it."""
    if _results is not None:
        _results.send_bytes(pickle.dumps(("notice", message)))


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


def work(tasks: Any, results: Connection) -> None:
    """A worker: runs tasks (pickled) until it is told there are no more (None)."""
    global _results
    _results = results
    # Ctrl-C is the main process's to handle: it ends the workers (no trace from each).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while (task := tasks.get()) is not None:
        number, function, item = pickle.loads(task)
        results.send_bytes(_outcome(number, function, item))
