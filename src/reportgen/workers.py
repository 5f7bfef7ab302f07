"""The processes that lay out directors: one per core, each ending as soon as no work is left."""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable, Iterable, Iterator, Sized
from types import TracebackType
from typing import Any, TypeVar

from reportgen.worker_answers import Answers
from reportgen.worker_processes import core_count, discard_tasks, end_processes, fork_workers, task_queue

Result = TypeVar("Result")


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
        self._answers = Answers()  # each worker's pipe, and what came back on them
        self._tasks: Any = None
        self._numbers = 0
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
        self._answers.on_notice = on_notice  # set once start() has read what earlier work sent
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
        if not self._answers.pipes:  # a fresh start (workers that ended of themselves leave no trace)
            self._close()
        more = min(self.workers, jobs) - self._staying
        if more > 0:
            context = multiprocessing.get_context("fork")
            if self._tasks is None:
                self._answers.done = {}
                self._tasks = task_queue(context)
            for pipe, process in fork_workers(context, more, self._tasks, preload):
                self._answers.pipes[pipe] = process  # kept at once: if a later fork fails, stop() ends it
                self._staying += 1
        return bool(self._answers.pipes)

    def _put(self, function: Callable[[Any], Any], item: Any) -> int:
        self._numbers += 1
        # Pickled here: one that cannot be fails now, not silently in the queue's thread.
        self._tasks.put(pickle.dumps((self._numbers, function, item)))
        self._answers.awaited.add(self._numbers)
        return self._numbers

    @property
    def _stopping(self) -> bool:
        """Whether every running worker has been told to end (by keep or no_more_work)."""
        return bool(self._answers.pipes) and self._staying == 0

    @property
    def in_workers(self) -> bool:
        """Whether the jobs started last run in worker processes (so send notices)."""
        return self._in_workers and bool(self._answers.pipes)

    def submit(self, function: Callable[[Any], Result], item: Any) -> Callable[[], Result]:
        """Starts function(item) in a worker once one is free, if jobs are running there,
        else runs it in this process when its result is asked for. Returns that ask."""
        if not self._answers.pipes or self._stopping:
            return lambda: function(item)
        number = self._put(function, item)
        return lambda: self._answers.result(number)

    def poll(self) -> None:
        """Takes in what the workers have sent so far (their notices heard at once),
        without waiting: for a long stretch of work in this process."""
        self._answers.poll()

    def wait_any(self) -> None:
        """Waits until a worker sends something or ends, and takes it in."""
        self._answers.wait_any()

    @property
    def busy(self) -> bool:
        """Whether a job given to the workers has not sent its result yet."""
        return bool(self._answers.awaited) and bool(self._answers.pipes)

    @property
    def worker_pids(self) -> list[int]:
        """The processes of the workers whose pipes are still open (running, or ended
        and not yet heard of)."""
        return [process.pid for process in self._answers.pipes.values() if process.pid is not None]

    def no_more_work(self) -> None:
        """Tells the workers that nothing will be added: each ends once the queue is empty."""
        self.keep(0)

    def keep(self, count: int) -> None:
        """Lets all but `count` workers end once the queue is empty: started ahead, more
        than the jobs that came need (a re-build with one director changed needs one)."""
        if not self._answers.pipes or self._stopping:
            return
        for _ in range(max(0, self._staying - count)):
            self._tasks.put(None)  # a worker ends when it takes one
        self._staying = min(self._staying, count)

    def _results(self, numbers: list[int]) -> Iterator[Any]:
        waiting = set(numbers)
        try:
            while waiting:
                finished = waiting.intersection(self._answers.done)
                if not finished:
                    self._answers.receive()
                    continue
                number = finished.pop()
                waiting.discard(number)
                yield self._answers.result(number)
        finally:
            self._answers.on_notice = None  # these jobs are done: nothing more is theirs to hear
        self.no_more_work()  # work submitted meanwhile (the front) still runs

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
            self._answers.on_notice = None  # what they still send is kept for a later ask, unheard
            try:
                self._answers.drain()
            finally:
                self._close()
        else:
            self.stop()

    def stop(self) -> None:
        """Ends the workers at once, unread (a failed build: what they do or sent is not
        wanted, nor must it reach a later build). The pool can start afresh."""
        end_processes(self._answers.pipes.values())
        self._close()
        self._answers.done, self._in_workers = {}, False

    def _close(self) -> None:
        """Closes the pipes and the task queue, once every worker has ended (even if all
        had already ended: the queue's thread may still hold tasks for them)."""
        self._answers.close()
        self._staying = 0
        if self._tasks is not None:
            discard_tasks(self._tasks)
            self._tasks.close()
            self._tasks = None
