"""The process pool that lays out directors: one worker per core, stopped at once on failure."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.pool import Pool
from multiprocessing.queues import SimpleQueue
from types import TracebackType
from typing import Any, TypeVar

Result = TypeVar("Result")

# In a worker, where notify() sends its messages (set as the worker starts).
_notices: SimpleQueue[Any] | None = None


def _start_worker(notices: SimpleQueue[Any]) -> None:
    global _notices
    _notices = notices


def notify(message: Any) -> None:
    """Sends a message from a job, while it runs, to RenderPool.notices() (a no-op when
    the job runs in the main process: nobody waits for it there)."""
    if _notices is not None:
        _notices.put(message)


def core_count() -> int:
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


class RenderPool:
    """One worker per core at most, forked when there is work.

    Forked after the main process has imported WeasyPrint (and pikepdf), so workers
    share those modules' memory and do not import them again: on two cores, starting
    workers earlier to import in parallel measured slower. A failed build stops its
    workers at once. With one core, or no fork(), work runs in the main process.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers if workers is not None else core_count()
        self._pool: Pool | None = None
        self._notices: SimpleQueue[Any] | None = None

    def map_unordered(
        self, function: Callable[[Any], Result], items: Sequence[Any]
    ) -> Iterator[Result]:
        """function(item) for each item, as each finishes; in the pool, the work starts now."""
        forks = "fork" in multiprocessing.get_all_start_methods()
        if self.workers < 2 or not items or not forks:
            return map(function, items)  # lazily, in this process
        if self._pool is None:
            import weasyprint  # noqa: F401  # imported once here, inherited by the workers

            import reportgen.packjoin  # noqa: F401  # pikepdf

            # Even one job goes to a worker: the main process renders HTML meanwhile.
            workers = min(self.workers, len(items))
            # Objects alive now (modules, the report) are the workers' too: frozen, the
            # workers' collections skip them (and do not touch, so copy, their pages).
            gc.freeze()
            try:
                context = multiprocessing.get_context("fork")
                self._notices = context.SimpleQueue()
                self._pool = context.Pool(workers, _start_worker, (self._notices,))
            finally:
                gc.unfreeze()
        return self._all_then_stop(self._pool.imap_unordered(function, items))

    @property
    def in_workers(self) -> bool:
        """Whether the jobs started last run in worker processes (so send notices)."""
        return self._pool is not None

    def notices(self) -> Iterator[Any]:
        """The messages the running jobs send with notify(), as they come; forever, so
        the caller stops when it has what it waits for. Only while in_workers."""
        assert self._notices is not None, "no jobs are running in workers"
        while True:
            yield self._notices.get()

    def submit(self, function: Callable[[Any], Result], item: Any) -> Callable[[], Result]:
        """Starts function(item) in a worker once one is free, if jobs are running there,
        else runs it in this process when its result is asked for. Returns that ask."""
        if self._pool is None:
            return lambda: function(item)
        pending = self._pool.apply_async(function, (item,))
        return pending.get

    def _all_then_stop(self, results: Iterator[Result]) -> Iterator[Result]:
        """Yields every result, then ends the workers: idle, they would still hold memory
        while the main process joins the pack (measured: 215 MB at 1,000 indicators)."""
        yield from results
        if self._pool is not None:
            self._pool.close()  # a task submitted meanwhile still runs: join() waits for it
            self._pool.join()
            self._pool = self._notices = None

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is None:
            return
        if kind is None:
            self._pool.close()
        else:
            self._pool.terminate()  # a failed build should not wait for its workers
        self._pool.join()
