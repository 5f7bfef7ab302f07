"""The render pool's processes: forked with a task queue and a pipe each, ended at once."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from reportgen.worker_side import work

# What the main process holds of its workers: each one's answer pipe, while open.
Workers = dict[Connection, BaseProcess]


def core_count() -> int:
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def task_queue(context: Any) -> Any:
    """The queue the workers take tasks from.

    A queue, not a pipe per worker: its thread sends while the main process works on,
    and a worker takes the next task as soon as it is free."""
    tasks = context.Queue()
    tasks.cancel_join_thread()  # at exit, tasks nobody will run are not waited on
    tasks._ignore_epipe = True  # its thread ends quietly once no one reads (discard_tasks)
    return tasks


def fork_workers(
    context: Any, count: int, tasks: Any, preload: Callable[[], object] | None
) -> Iterator[tuple[Connection, BaseProcess]]:
    """Forks `count` workers that take tasks from `tasks`; gives each, as it starts,
    with the pipe it answers on."""
    # Objects alive now (modules, settings) are the workers' too: frozen, the workers'
    # collections skip them (and do not touch, so copy, their pages).
    gc.freeze()
    try:
        for _ in range(count):
            reader, writer = context.Pipe(duplex=False)
            arguments = (tasks, writer, os.getpid(), preload)
            process = context.Process(target=work, args=arguments, daemon=True)
            try:
                process.start()
            except BaseException:
                reader.close()
                raise
            finally:
                # Only the worker holds its end, so the pipe closes when the worker
                # ends; closed before the next fork, so no other worker inherits it.
                writer.close()
            yield reader, process
    finally:
        gc.unfreeze()


def end_processes(processes: Iterable[BaseProcess]) -> None:
    """Ends the processes at once: terminated, killed if that is not enough."""
    processes = list(processes)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()


def discard_tasks(tasks: Any) -> None:
    """Throws away the tasks no worker will take, once every worker has ended.

    The queue's thread sends them down a pipe only the workers read: once that is
    full, it would wait on it for ever, holding them. With the last reading end closed,
    its write fails and it ends. (Reading the tasks away cannot work: a worker killed
    halfway through reading one leaves the pipe in the middle of a message.)
    """
    pipe = getattr(tasks, "_reader", None)  # multiprocessing's own
    if pipe is not None:
        pipe.close()
