"""The processes that lay out directors: one per core, each ending as soon as no work is left."""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable, Iterable, Iterator, Sized
from multiprocessing.connection import wait
from types import TracebackType
from typing import Any, TypeVar

from reportgen.worker_processes import (
    Workers,
    core_count,
    discard_tasks,
    end_processes,
    fork_workers,
    task_queue,
)

Result = TypeVar("Result")


class WorkerDied(RuntimeError):
    """A worker ended without finishing its work (killed, or crashed in native code)."""


class RemoteTraceback(Exception):
    """Where an error raised in a worker came from: attached to it as its cause."""

    def __str__(self) -> str:
        return str(self.args[0])


class RenderPool:
    """One worker per core at most, forked when there is work, ended when there is none.

    Forked by start() (the sooner, the less of the main process each carries) or when
    the first jobs are given. keep(n) lets those beyond n end; after no_more_work()
    each ends when it finds the queue empty, so one that is done does not hold its
    memory while another finishes (multiprocessing.Pool keeps every worker to the end).
    Each answers on its own pipe, read by the main process alone: a worker that dies,
    even halfway through a message, closes it, so the build fails instead of waiting.
    A failed build stops its workers at once. With one core, or no fork(), work runs in
    the main process.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers if workers is not None else core_count()
        self._answers: Workers = {}  # each worker's pipe, while open
        self._tasks: Any = None
        self._numbers = 0
        self._done: dict[int, tuple[bool, Any]] = {}
        self._on_notice: Callable[[Any], object] | None = None
        self._staying = 0  # workers not yet told to end
        self._in_workers = False

    def map_unordered(
        self,
        function: Callable[[Any], Result],
        items: Iterable[Any],
        on_notice: Callable[[Any], object] | None = None,
        most: int | None = None,
    ) -> Iterator[Result]:
        """function(item) for each item, as each finishes. In workers, each item is
        submitted as `items` gives it (all of them before this returns); in this
        process, each runs as the results are read. What the jobs notify() goes to
        `on_notice` as soon as it is read, whatever this process is waiting for then,
        until their last result is read (only in workers: in this process there is no
        one to tell while a job runs). `most`: how many items there can be, when
        `items` cannot say (no more workers are started than that)."""
        jobs = len(items) if isinstance(items, Sized) else most if most is not None else self.workers
        if not self.start(jobs):
            self._in_workers = False
            return map(function, items)  # lazily, in this process
        self._on_notice = on_notice  # set once start() has read what earlier work sent
        numbers = [self._put(function, item) for item in items]
        self._in_workers = bool(numbers)
        return self._results(numbers) if numbers else iter(())

    def start(self, jobs: int, preload: Callable[[], object] | None = None) -> bool:
        """Starts workers for up to `jobs` jobs, one per core at most, adding to those
        running; each first calls `preload` (to import what the jobs need while the main
        process works on). False if work runs in this process (one core, or no fork())."""
        if self._stopping:  # the workers of an earlier build are ending: let them, start anew
            self.__exit__(None, None, None)
        if self.workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return False
        # Even one job goes to a worker: the main process renders HTML meanwhile.
        if not self._answers:  # a fresh start (workers that ended of themselves leave no trace)
            self._close()
        more = min(self.workers, jobs) - self._staying
        if more > 0:
            context = multiprocessing.get_context("fork")
            if self._tasks is None:
                self._done = {}
                self._tasks = task_queue(context)
            for pipe, process in fork_workers(context, more, self._tasks, preload):
                self._answers[pipe] = process  # kept at once: if a later fork fails, stop() ends it
                self._staying += 1
        return bool(self._answers)

    def _put(self, function: Callable[[Any], Any], item: Any) -> int:
        self._numbers += 1
        # Pickled here: one that cannot be fails now, not silently in the queue's thread.
        self._tasks.put(pickle.dumps((self._numbers, function, item)))
        return self._numbers

    @property
    def _stopping(self) -> bool:
        """Whether every running worker has been told to end (by keep or no_more_work)."""
        return bool(self._answers) and self._staying == 0

    @property
    def in_workers(self) -> bool:
        """Whether the jobs started last run in worker processes (so send notices)."""
        return self._in_workers and bool(self._answers)

    def submit(self, function: Callable[[Any], Result], item: Any) -> Callable[[], Result]:
        """Starts function(item) in a worker once one is free, if jobs are running there,
        else runs it in this process when its result is asked for. Returns that ask."""
        if not self._answers or self._stopping:
            return lambda: function(item)
        number = self._put(function, item)
        return lambda: self._result(number)

    def no_more_work(self) -> None:
        """Tells the workers that nothing will be added: each ends once the queue is empty."""
        self.keep(0)

    def keep(self, count: int) -> None:
        """Lets all but `count` workers end once the queue is empty: started ahead, more
        than the jobs that came need (a re-build with one director changed needs one)."""
        if not self._answers or self._stopping:
            return
        for _ in range(max(0, self._staying - count)):
            self._tasks.put(None)  # a worker ends when it takes one
        self._staying = min(self._staying, count)

    def _results(self, numbers: list[int]) -> Iterator[Any]:
        waiting = set(numbers)
        try:
            while waiting:
                finished = waiting.intersection(self._done)
                if not finished:
                    self._receive()
                    continue
                number = finished.pop()
                waiting.discard(number)
                yield self._result(number)
        finally:
            self._on_notice = None  # these jobs are done: nothing more is theirs to hear
        self.no_more_work()  # work submitted meanwhile (the front) still runs

    def _result(self, number: int) -> Any:
        while number not in self._done:
            self._receive()
        succeeded, value = self._done.pop(number)
        if not succeeded:
            raise value
        return value

    def _receive(self) -> None:
        """Waits for the next message from a worker. Raises WorkerDied if a worker ends
        other than cleanly, or if all have ended while something is still awaited."""
        while self._answers:
            for pipe in wait(list(self._answers)):
                if self._read(pipe, lenient=False):
                    return
        raise WorkerDied("the layout workers ended with work unfinished")

    def _read(self, pipe: Any, lenient: bool) -> bool:
        """Keeps the next message on a worker's pipe; False if the pipe has closed, the
        worker having ended (an error unless it ended cleanly, or `lenient`)."""
        try:
            message = pickle.loads(pipe.recv_bytes())
        except (EOFError, OSError):  # closed, maybe in the middle of a message
            process = self._answers.pop(pipe)
            pipe.close()
            process.join()
            if process.exitcode != 0 and not lenient:
                raise WorkerDied(
                    f"a layout worker ended unexpectedly (exit code {process.exitcode})"
                ) from None
            return False
        if message[0] == "notice":
            if self._on_notice is not None:
                self._on_notice(message[1])
        else:
            _, number, succeeded, value, trace = message
            if not succeeded:
                value.__cause__ = RemoteTraceback(trace)
            self._done[number] = (succeeded, value)
        return True

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.no_more_work()
            self._on_notice = None  # what they still send is kept for a later ask, unheard
            try:
                while self._answers:
                    for pipe in wait(list(self._answers)):
                        self._read(pipe, lenient=True)
            finally:
                self._close()
        else:
            self.stop()

    def stop(self) -> None:
        """Ends the workers at once, unread (a failed build: what they do or sent is not
        wanted, nor must it reach a later build). The pool can start afresh."""
        end_processes(self._answers.values())
        self._close()
        self._done, self._in_workers = {}, False

    def _close(self) -> None:
        """Closes the pipes and the task queue, once every worker has ended (even if all
        had already ended: the queue's thread may still hold tasks for them)."""
        for pipe in self._answers:
            pipe.close()
        self._answers, self._staying, self._on_notice = {}, 0, None
        if self._tasks is not None:
            discard_tasks(self._tasks)
            self._tasks.close()
            self._tasks = None
