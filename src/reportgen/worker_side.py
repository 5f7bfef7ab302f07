"""What runs in a worker process: its task loop, and notify() for the jobs it runs."""

from __future__ import annotations

import pickle
from typing import Any

# In a worker, where notify() and the results go (set as the worker starts).
_outbox: Any = None


def notify(message: Any) -> None:
    """Sends a message from a job, while it runs, to RenderPool.notices() (a no-op when
    the job runs in the main process: nobody waits for it there)."""
    if _outbox is not None:
        _outbox.put(("notice", message))


def _sendable(error: BaseException) -> BaseException:
    """The error itself if it survives the trip to the main process, else its text."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def work(tasks: Any, outbox: Any) -> None:
    """A worker: runs tasks until it is told there are no more (None)."""
    global _outbox
    _outbox = outbox
    while (task := tasks.get()) is not None:
        number, function, item = task
        try:
            outbox.put(("done", number, True, function(item)))
        except BaseException as error:  # every failure goes back to whoever waits for it
            outbox.put(("done", number, False, _sendable(error)))
