"""The process pool that lays out directors, started early so its start-up overlaps other work."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import Pool
from types import TracebackType
from typing import Any, TypeVar

Result = TypeVar("Result")


def core_count() -> int:
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _warm_up() -> None:
    """Runs in each new worker: the slow imports, done while the main process loads."""
    import weasyprint  # noqa: F401

    import reportgen.assemble  # noqa: F401  # pikepdf


class RenderPool:
    """One worker per core, forked before the main process imports WeasyPrint.

    Workers import it in parallel while the main process reads the project and renders
    HTML; they are stopped at once if the build fails. With one core, or no fork(),
    there is no pool and work runs in the main process.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers if workers is not None else core_count()
        self._pool: Pool | None = None
        if self.workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._pool = context.Pool(self.workers, initializer=_warm_up)

    def map_unordered(
        self, function: Callable[[Any], Result], items: Iterable[Any]
    ) -> Iterator[Result]:
        """function(item) for each item, in the pool if there is one, as each finishes."""
        if self._pool is None:
            return map(function, items)
        return self._pool.imap_unordered(function, items)

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
