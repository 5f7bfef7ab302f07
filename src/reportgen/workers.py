"""The process pool that lays out directors: one worker per core, stopped at once on failure."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.pool import Pool
from types import TracebackType
from typing import Any, TypeVar

Result = TypeVar("Result")


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

    def map_unordered(
        self, function: Callable[[Any], Result], items: Sequence[Any]
    ) -> Iterator[Result]:
        """function(item) for each item, as each finishes; in the pool, the work starts now."""
        forks = "fork" in multiprocessing.get_all_start_methods()
        if self.workers < 2 or not items or not forks:
            return map(function, items)  # lazily, in this process
        if self._pool is None:
            import weasyprint  # noqa: F401  # imported once here, inherited by the workers

            import reportgen.assemble  # noqa: F401  # pikepdf

            # Even one job goes to a worker: the main process renders HTML meanwhile.
            workers = min(self.workers, len(items))
            # Objects alive now (modules, the report) are the workers' too: frozen, the
            # workers' collections skip them (and do not touch, so copy, their pages).
            gc.freeze()
            try:
                self._pool = multiprocessing.get_context("fork").Pool(workers)
            finally:
                gc.unfreeze()
        return self._all_then_stop(self._pool.imap_unordered(function, items))

    def _all_then_stop(self, results: Iterator[Result]) -> Iterator[Result]:
        """Yields every result, then ends the workers: idle, they would still hold memory
        while the main process assembles the pack (measured: 215 MB at 1,000 indicators)."""
        yield from results
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

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
