"""The processes that lay out directors: one per core, each ending as soon as no work is left."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import multiprocessing.connection
import os
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any, TypeVar

from reportgen.worker_side import work

Result = TypeVar("Result")

# How often the main process, while it waits, checks that no worker has died.
LIVENESS_SECONDS = 0.5


class WorkerDied(RuntimeError):
    """A worker ended without finishing its work (killed, or crashed in native code)."""


def _reap(processes: list[BaseProcess]) -> None:
    """Collects each worker as it ends, so that none lingers as a zombie process."""
    while processes:
        ended = multiprocessing.connection.wait([process.sentinel for process in processes])
        for process in [p for p in processes if p.sentinel in ended]:
            process.join()
            processes.remove(process)


def core_count() -> int:
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


class RenderPool:
    """One worker per core at most, forked when there is work, ended when there is none.

    Forked when the first jobs are given, so that they share what the main process has
    loaded (frozen for their garbage collectors) and import only WeasyPrint themselves.
    Once no_more_work() is called each worker ends when it finds the queue empty, so one
    that is done does not hold its memory while another finishes (multiprocessing.Pool
    keeps every worker to the end). A failed build stops its workers at once. With one
    core, or no fork(), work runs in the main process.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers if workers is not None else core_count()
        self._processes: list[BaseProcess] = []
        self._tasks: Any = None
        self._outbox: Any = None
        self._numbers = 0
        self._done: dict[int, tuple[bool, Any]] = {}
        self._notices: deque[Any] = deque()
        self._stopping = False

    def map_unordered(
        self, function: Callable[[Any], Result], items: Sequence[Any]
    ) -> Iterator[Result]:
        """function(item) for each item, as each finishes; in workers, the work starts now."""
        if self._stopping:  # the workers of an earlier build are ending: let them, start anew
            self.__exit__(None, None, None)
        forks = "fork" in multiprocessing.get_all_start_methods()
        if self.workers < 2 or not items or not forks:
            return map(function, items)  # lazily, in this process
        if not self._processes:
            # Even one job goes to a worker: the main process renders HTML meanwhile.
            self._start(min(self.workers, len(items)))
        return self._results([self._put(function, item) for item in items])

    def _start(self, count: int) -> None:
        # pikepdf is imported here, so the workers share it; WeasyPrint is not: only the
        # workers use it, and 32 MB less in the main process (which joins the pack at
        # the end, its peak) measured the same time, each worker importing in parallel.
        import reportgen.packjoin  # noqa: F401

        context = multiprocessing.get_context("fork")
        self._stopping, self._done, self._notices = False, {}, deque()
        # Queues, not pipes: their threads send and receive, so neither side blocks on
        # a full pipe while it has other work (a director's PDFs are megabytes).
        self._tasks, self._outbox = context.Queue(), context.Queue()
        # Objects alive now (modules, the report) are the workers' too: frozen, the
        # workers' collections skip them (and do not touch, so copy, their pages).
        gc.freeze()
        try:
            for _ in range(count):
                process = context.Process(target=work, args=(self._tasks, self._outbox), daemon=True)
                process.start()
                self._processes.append(process)
        finally:
            gc.unfreeze()
        threading.Thread(target=_reap, args=(list(self._processes),), daemon=True).start()

    def _put(self, function: Callable[[Any], Any], item: Any) -> int:
        self._numbers += 1
        self._tasks.put((self._numbers, function, item))
        return self._numbers

    @property
    def in_workers(self) -> bool:
        """Whether the jobs started last run in worker processes (so send notices)."""
        return bool(self._processes)

    def notices(self) -> Iterator[Any]:
        """The messages the running jobs send with notify(), as they come; forever, so
        the caller stops when it has what it waits for. Only while in_workers."""
        assert self._processes, "no jobs are running in workers"
        while True:
            while not self._notices:
                self._receive()
            yield self._notices.popleft()

    def submit(self, function: Callable[[Any], Result], item: Any) -> Callable[[], Result]:
        """Starts function(item) in a worker once one is free, if jobs are running there,
        else runs it in this process when its result is asked for. Returns that ask."""
        if not self._processes or self._stopping:
            return lambda: function(item)
        number = self._put(function, item)
        return lambda: self._result(number)

    def no_more_work(self) -> None:
        """Tells the workers that nothing will be added: each ends once the queue is empty."""
        if self._processes and not self._stopping:
            self._stopping = True
            for _ in self._processes:
                self._tasks.put(None)

    def _results(self, numbers: list[int]) -> Iterator[Any]:
        waiting = set(numbers)
        while waiting:
            finished = waiting.intersection(self._done)
            if not finished:
                self._receive()
                continue
            number = finished.pop()
            waiting.discard(number)
            yield self._result(number)
        self.no_more_work()  # work submitted meanwhile (the front) still runs

    def _result(self, number: int) -> Any:
        while number not in self._done:
            self._receive()
        succeeded, value = self._done.pop(number)
        if not succeeded:
            raise value
        return value

    def _receive(self) -> None:
        """Waits for the next message from a worker, checking that the workers live."""
        while True:
            try:
                message = self._outbox.get(timeout=LIVENESS_SECONDS)
            except queue.Empty:
                message = self._last_word()
                if message is None:
                    continue
            self._keep(message)
            return

    def _last_word(self) -> tuple[Any, ...] | None:
        """None while the workers live; raises WorkerDied if one was killed, or if every
        worker has ended while something is still awaited. All a worker sent is in the
        queue before it ends, so once all have, the queue is looked in once more."""
        codes = [process.exitcode for process in self._processes]
        for code in codes:
            if code not in (None, 0):
                raise WorkerDied(f"a layout worker ended unexpectedly (exit code {code})")
        if None in codes:
            return None
        try:
            message: tuple[Any, ...] = self._outbox.get(timeout=LIVENESS_SECONDS)
        except queue.Empty:
            raise WorkerDied("the layout workers ended with work unfinished") from None
        return message

    def _keep(self, message: tuple[Any, ...]) -> None:
        if message[0] == "notice":
            self._notices.append(message[1])
        else:
            _, number, succeeded, value = message
            self._done[number] = (succeeded, value)

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if not self._processes:
            return
        if kind is None:
            self.no_more_work()
            while any(process.is_alive() for process in self._processes):
                # A worker ends only once what it sent is read: read it, and keep it.
                with contextlib.suppress(queue.Empty):
                    self._keep(self._outbox.get(timeout=0.05))
        else:
            # A failed build does not wait for its workers, nor reads what they sent: a
            # message cut off by terminate() would block the read for ever.
            for process in self._processes:
                process.terminate()
            for process in self._processes:
                process.join(5)
                if process.is_alive():
                    process.kill()
                    process.join()
        self._close()

    def _close(self) -> None:
        for channel in (self._tasks, self._outbox):
            channel.close()
            # Tasks not yet sent (after a failure) are not wanted: do not wait at exit
            # for their thread to hand them to workers that are gone.
            channel.cancel_join_thread()
        self._processes = []
