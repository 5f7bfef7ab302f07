"""What the workers send back, read by the main process alone: results, notices, ends."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from multiprocessing.connection import wait
from typing import Any

from reportgen.worker_processes import Workers


class WorkerDied(RuntimeError):
    """A worker ended without finishing its work (killed, or crashed in native code)."""


class RemoteTraceback(Exception):
    """Where an error raised in a worker came from: attached to it as its cause."""

    def __str__(self) -> str:
        return str(self.args[0])


class Answers:
    """Each worker's pipe, and the results read from them, kept by job number.

    A worker that dies, even halfway through a message, closes its pipe: reading it
    then raises WorkerDied, so the build fails instead of waiting. What a job notifies
    goes to `on_notice` as soon as it is read, whatever is being waited for then.
    """

    def __init__(self) -> None:
        self.pipes: Workers = {}  # each worker's pipe, while open
        self.done: dict[int, tuple[bool, Any]] = {}
        self.awaited: set[int] = set()  # the jobs sent whose result has not come yet
        self.on_notice: Callable[[Any], object] | None = None

    def result(self, number: int) -> Any:
        """The result of job `number`, waited for; its error raised if it failed."""
        while number not in self.done:
            self.receive()
        succeeded, value = self.done.pop(number)
        if not succeeded:
            raise value
        return value

    def receive(self) -> None:
        """Waits for the next message from a worker. Raises WorkerDied if a worker ends
        other than cleanly, or if all have ended while something is still waited for."""
        while self.pipes:
            for pipe in wait(list(self.pipes)):
                if self._read(pipe, lenient=False):
                    return
        raise WorkerDied("the layout workers ended with work unfinished")

    def wait_any(self) -> None:
        """Waits until a worker sends something or ends (an error unless cleanly)."""
        if self.pipes:
            self._read(wait(list(self.pipes))[0], lenient=False)

    def poll(self) -> None:
        """Reads every message the workers have sent so far, without waiting for one to
        send (a message already begun is read to its end)."""
        while self.pipes:
            ready = wait(list(self.pipes), timeout=0)
            if not ready:
                return
            for pipe in ready:
                self._read(pipe, lenient=False)

    def drain(self) -> None:
        """Reads until every worker has ended, however it ends (what they send is kept
        for a later ask)."""
        while self.pipes:
            for pipe in wait(list(self.pipes)):
                self._read(pipe, lenient=True)

    def close(self) -> None:
        """Closes every pipe (their workers have ended) and forgets the notice handler."""
        for pipe in self.pipes:
            pipe.close()
        self.pipes, self.on_notice, self.awaited = {}, None, set()

    def _read(self, pipe: Any, lenient: bool) -> bool:
        """Keeps the next message on a worker's pipe; False if the pipe has closed, the
        worker having ended (an error unless it ended cleanly, or `lenient`)."""
        try:
            message = pickle.loads(pipe.recv_bytes())
        except (EOFError, OSError):  # closed, maybe in the middle of a message
            process = self.pipes.pop(pipe)
            pipe.close()
            process.join()
            if process.exitcode != 0 and not lenient:
                raise WorkerDied(
                    f"a layout worker ended unexpectedly (exit code {process.exitcode})"
                ) from None
            return False
        if message[0] == "notice":
            if self.on_notice is not None:
                self.on_notice(message[1])
        else:
            _, number, succeeded, value, trace = message
            if not succeeded:
                value.__cause__ = RemoteTraceback(trace)
            self.done[number] = (succeeded, value)
            self.awaited.discard(number)
        return True
