"""The render pool: jobs tell the main process what they have done before they end, and
work started late runs on a free worker."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reportgen import layout_jobs, worker_side, workers
from reportgen.main import build
from reportgen.worker_answers import RemoteTraceback, WorkerDied
from reportgen.worker_side import notify
from reportgen.workers import RenderPool

from .pipeline_project import make_project


@contextlib.contextmanager
def _deadline(seconds: int, what: str) -> Iterator[None]:
    """Fails the test with TimeoutError(`what`) if the block runs longer than `seconds`."""

    def expired(*_args: Any) -> None:
        raise TimeoutError(what)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _pool_that_fails(
    error: type[BaseException], match: str, hang: str, seconds: int = 60
) -> Iterator[RenderPool]:
    """A pool of two workers whose block must raise `error` (matching `match`) within
    `seconds`; `hang` says what waiting for ever would mean."""
    with _deadline(seconds, hang), pytest.raises(error, match=match), RenderPool(2) as pool:
        yield pool


def _half_done(item: int) -> tuple[int, int]:
    notify(("laid out", item, os.getpid()))
    return item, os.getpid()


def _pid(_item: object) -> int:
    return os.getpid()


def test_jobs_send_notices_while_they_run_and_late_work_runs_in_a_worker() -> None:
    notices: list[tuple[str, int, int]] = []
    with RenderPool(2) as pool:
        results = pool.map_unordered(_half_done, [1, 2, 3], on_notice=notices.append)
        assert pool.in_workers
        late = pool.submit(_pid, None)
        done = []
        for item, pid in results:
            assert ("laid out", item, pid) in notices  # heard before the job's result
            done.append((item, pid))
    assert sorted(item for _, item, _ in notices) == [1, 2, 3]
    assert {pid for _, _, pid in notices} <= {pid for _, pid in done}
    assert os.getpid() not in {pid for _, pid in done}
    assert late() != os.getpid()


def test_without_workers_everything_runs_here_when_asked() -> None:
    pool = RenderPool(1)
    results = pool.map_unordered(_half_done, [1])
    assert not pool.in_workers
    late = pool.submit(_pid, None)
    assert list(results) == [(1, os.getpid())] and late() == os.getpid()


def _half_done_later(item: int) -> tuple[int, int]:
    time.sleep(1)  # long after the other job's result has been read
    return _half_done(item)


def test_a_notice_goes_to_the_jobs_that_sent_it_not_to_later_work() -> None:
    heard: list[tuple[str, int, int]] = []
    with RenderPool(2) as pool:
        results = pool.map_unordered(_half_done, [1], on_notice=heard.append)
        late = pool.submit(_half_done_later, 2)  # as the pack's front is, mid-way
        assert [item for item, _pid in results] == [1]
        assert late()[0] == 2
    assert [item for _, item, _ in heard] == [1]


def test_jobs_that_come_one_by_one_start_no_more_workers_than_they_can_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A re-build's one changed director comes from a generator: the pool must not
    fork a worker per core for it (late, from the loaded main process)."""
    forks: list[int] = []
    real = workers.fork_workers

    def counting(context: Any, count: int, *rest: Any) -> Any:
        forks.append(count)
        return real(context, count, *rest)

    monkeypatch.setattr(workers, "fork_workers", counting)
    with RenderPool(4) as pool:
        assert pool.start(1)
        results = pool.map_unordered(_pid, (item for item in [1]), most=1)
        assert len(set(results)) == 1
    assert forks == [1]


@pytest.fixture
def front_pids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where each layout of the pack's front writes the id of the process it ran in."""
    log = tmp_path / "front-pids"
    real = layout_jobs.render_front

    def recording(*args: Any) -> Any:
        with log.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real(*args)

    monkeypatch.setattr(layout_jobs, "render_front", recording)  # inherited by forked workers
    return log


def test_the_front_is_laid_out_by_a_worker_when_directors_are(tmp_path: Path, front_pids: Path) -> None:
    result = build(make_project(tmp_path / "project"), out=tmp_path / "out", pool=RenderPool(2))
    assert (result.output_dir / "report.pdf").is_file()
    pids = front_pids.read_text().split()
    assert len(pids) == 1 and int(pids[0]) != os.getpid()


def test_a_director_failing_in_a_worker_fails_the_build_without_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The main process waits for every director's layout before starting the front: a
    director that fails must end that wait, and its error must reach the caller."""

    def failing(*_args: Any) -> Any:
        raise RuntimeError("layout failed")

    monkeypatch.setattr(layout_jobs, "render_director", failing)
    with _pool_that_fails(
        RuntimeError, "layout failed", "the build still waits for a director that failed", 120
    ) as pool:
        build(make_project(tmp_path / "project"), out=tmp_path / "out", pool=pool)


def test_a_rebuild_waiting_for_memory_still_fails_at_once_when_a_director_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Joins held back for the memory budget wait on the workers' jobs: a job that
    fails (and so never lets the front start) must end that wait too."""
    from reportgen import memory

    from .pipeline_project import comments_csv

    project = make_project(tmp_path / "project", long=False)
    build(project, out=tmp_path / "out")
    (project / "data" / "comments.csv").write_text(comments_csv(" A late addition.", long=False))

    def failing(*_args: Any) -> Any:
        raise RuntimeError("layout failed")

    monkeypatch.setattr(layout_jobs, "render_director", failing)
    monkeypatch.setattr(memory, "MEMORY_BUDGET", 0)
    with _pool_that_fails(RuntimeError, "layout failed", "the joins wait for ever on an idle worker") as pool:
        build(project, out=tmp_path / "out", pool=pool)


def _sleep_then_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _die(_item: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + 30
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never came"
        time.sleep(0.02)


def _quick_or_slow(item: tuple[str, Path]) -> int:
    role, folder = item
    if role == "slow":
        (folder / "slow-started").touch()
        _wait_for(folder / "release")
    else:  # returns only once the other worker has the slow job, so neither takes both
        _wait_for(folder / "slow-started")
    return os.getpid()


def test_a_worker_with_nothing_left_to_do_ends_while_another_works(tmp_path: Path) -> None:
    """Its memory goes back as soon as it is idle: not when the last worker is done."""
    with RenderPool(2) as pool:
        results = pool.map_unordered(_quick_or_slow, [("quick", tmp_path), ("slow", tmp_path)])
        quick = next(results)
        pool.no_more_work()
        deadline = time.monotonic() + 10
        while quick in {child.pid for child in multiprocessing.active_children()}:
            assert time.monotonic() < deadline, "the idle worker still runs"
            time.sleep(0.05)
        assert len(multiprocessing.active_children()) == 1  # the other is still at work
        (tmp_path / "release").touch()
        slow = next(results)
    assert slow != quick


def _notify_then_wait(folder: Path) -> int:
    notify(os.getpid())
    _wait_for(folder / "release")
    return os.getpid()


def test_poll_hears_what_the_workers_sent_without_waiting_for_more(tmp_path: Path) -> None:
    heard: list[int] = []
    with _deadline(30, "poll waited for a job still running"), RenderPool(2) as pool:
        results = pool.map_unordered(_notify_then_wait, [tmp_path], on_notice=heard.append)
        while not heard:
            pool.poll()  # returns at once while the job runs on
            time.sleep(0.05)
        (tmp_path / "release").touch()
        deadline = time.monotonic() + 20
        while pool.busy and time.monotonic() < deadline:
            pool.poll()  # takes the result in, too
            time.sleep(0.05)
        assert not pool.busy
        assert next(results) == heard[0] != os.getpid()  # kept for the one who asks


def test_a_worker_that_dies_fails_the_build_rather_than_hang_it() -> None:
    with _pool_that_fails(WorkerDied, "exit code -9", "the pool still waits for a worker that died") as pool:
        list(pool.map_unordered(_die, [1, 2]))


def test_only_the_workers_import_weasyprint(tmp_path: Path) -> None:
    """The main process joins the pack last, at the build's peak of memory: it does not
    carry WeasyPrint (32 MB) when workers lay out the pages."""
    project = make_project(tmp_path / "project")
    script = (
        "import sys\n"
        "from reportgen.main import build\n"
        "from reportgen.workers import RenderPool\n"
        "result = build(sys.argv[1], out=sys.argv[2], pool=RenderPool(2))\n"
        "assert (result.output_dir / 'report.pdf').stat().st_size > 0\n"
        "print('weasyprint' in sys.modules)\n"
    )
    command = [sys.executable, "-c", script, str(project), str(tmp_path / "out")]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False"]


# What the main process needs and a worker does not: a worker that carries them has
# memory the build's peak counts for nothing.
MAIN_ONLY = ("jinja2", "pydantic", "yaml", "babel", "simplejson", "pikepdf")


def test_workers_carry_none_of_what_only_the_main_process_needs(tmp_path: Path) -> None:
    """The command starts its workers as early as it can (cli.build): what it has
    imported by then is what they carry, and a director's job imports little more."""
    script = (
        "import sys\n"
        "from reportgen import cli\n"
        "from reportgen.layout_jobs import DirectorJob, lay_out_director, start_workers\n"
        "from reportgen.workers import RenderPool\n"
        f"MAIN_ONLY = {MAIN_ONLY!r}\n"
        "def carried():\n"
        "    return sorted({name.split('.')[0] for name in sys.modules} & set(MAIN_ONLY))\n"
        "def director_then_carried(item):\n"
        "    slug, _pdfs = lay_out_director(item)\n"
        "    return slug, carried()\n"
        "print(carried())\n"
        "html = '<p>cover</p><section id=\"director-a\" style=\"break-before: page\">A</section>'\n"
        "with RenderPool(2) as pool:\n"
        "    start_workers(pool, 1)\n"
        "    import reportgen.main\n"
        "    print(carried())\n"
        "    jobs = [(DirectorJob('a', 'A', html, 'key'), None)]\n"
        "    print(list(pool.map_unordered(director_then_carried, jobs)))  # on the early worker\n"
        "    assert pool.in_workers\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    before, main_process, workers = result.stdout.splitlines()
    assert before == "[]"
    assert main_process != "[]"  # so the check sees them where they are
    assert workers == "[('a', [])]"


def _quit(_item: object) -> None:
    os._exit(0)  # ends the worker "successfully", its job never answered


def test_workers_that_all_end_quietly_with_work_unfinished_fail_the_build() -> None:
    with _pool_that_fails(WorkerDied, "unfinished", "the pool still waits for workers that ended") as pool:
        list(pool.map_unordered(_quit, [1, 2]))


def test_one_pool_serves_build_after_build(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    with RenderPool(2) as pool:
        for out in ("out", "out", "other"):  # fresh, from the cache, fresh again
            result = build(project, out=tmp_path / out, pool=pool)
            assert (result.output_dir / "report.pdf").stat().st_size > 0


def _twenty_megabytes(_item: int) -> bytes:
    return b"x" * 20_000_000


def test_a_failing_build_does_not_wait_on_half_sent_results() -> None:
    """The main process fails while workers send megabytes: ending them must not hang."""
    with _pool_that_fails(
        RuntimeError, "main failed", "ending the workers waits on what they half sent"
    ) as pool:
        pool.map_unordered(_twenty_megabytes, list(range(6)))
        time.sleep(2)
        raise RuntimeError("main failed")


def _die_halfway_through_an_answer(_item: object) -> None:
    # The length of a megabyte's message, a few bytes of it, then death: as if killed
    # while sending a director's PDFs.
    os.write(worker_side._results.pipe.fileno(), struct.pack("!i", 1_000_000) + b"%PDF-1.7")  # type: ignore[union-attr]
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_killed_while_it_answers_fails_the_build_rather_than_hang_it() -> None:
    with _pool_that_fails(
        WorkerDied, "exit code -9", "the pool still reads from a worker that died mid-message"
    ) as pool:
        list(pool.map_unordered(_die_halfway_through_an_answer, [1]))


def _unpicklable_result(_item: object) -> Any:
    return lambda: None


def _unpicklable_notice(_item: object) -> None:
    notify(lambda: None)


@pytest.mark.parametrize("job", [_unpicklable_result, _unpicklable_notice])
def test_what_a_worker_cannot_send_fails_its_job_rather_than_hang_the_build(job: Any) -> None:
    with _pool_that_fails(Exception, "pickle", "the pool waits for an answer that could not be sent") as pool:
        list(pool.map_unordered(job, [1]))


def test_a_task_that_cannot_be_sent_fails_at_once() -> None:
    with _pool_that_fails(Exception, "pickle", "the pool waits for a task that could not be sent") as pool:
        pool.map_unordered(_pid, [lambda: None])


def _fail_deep_inside(_item: object) -> None:
    raise ValueError("bad layout")


def test_an_error_from_a_worker_carries_the_worker_s_traceback() -> None:
    with pytest.raises(ValueError, match="bad layout") as raised, RenderPool(2) as pool:
        list(pool.map_unordered(_fail_deep_inside, [1]))
    assert isinstance(raised.value.__cause__, RemoteTraceback)
    assert "_fail_deep_inside" in str(raised.value.__cause__)


def _interrupted_then_pid(_item: object) -> int:
    os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C sends it to every process of the group
    time.sleep(0.2)
    return os.getpid()


def test_ctrl_c_is_left_to_the_main_process() -> None:
    """A worker neither dies of it nor prints a trace: the main process ends the build."""
    with RenderPool(2) as pool:
        pids = list(pool.map_unordered(_interrupted_then_pid, [1, 2]))
    assert os.getpid() not in pids and len(pids) == 2


def _preload() -> None:
    os.environ["REPORTGEN_TEST_PRELOADED"] = str(os.getpid())


def _preloaded(_item: object) -> str | None:
    return os.environ.get("REPORTGEN_TEST_PRELOADED")


def test_workers_started_ahead_preload_then_take_the_jobs() -> None:
    with RenderPool(2) as pool:
        assert pool.start(2, preload=_preload)
        started = {child.pid for child in multiprocessing.active_children()}
        assert len(started) == 2
        marks = list(pool.map_unordered(_preloaded, [1, 2, 3, 4]))
        assert {child.pid for child in multiprocessing.active_children()} <= started  # no new ones
    assert "REPORTGEN_TEST_PRELOADED" not in os.environ
    assert all(mark is not None and int(mark) in started for mark in marks)


# Made by _preload_object in a worker, as WeasyPrint's modules are by its preload.
_PRELOADED: list[object] = []


def _preload_object() -> None:
    _PRELOADED.append(["made as the worker started"])  # a list: always tracked


def _collector_state(_item: object) -> tuple[int, bool]:
    """The worker's young-generation threshold, and whether the collector still scans
    what the preload made (frozen objects are in no generation gc lists)."""
    made = _PRELOADED[0]
    return gc.get_threshold()[0], any(thing is made for thing in gc.get_objects())


def test_workers_do_not_rescan_what_they_preloaded() -> None:
    with RenderPool(2) as pool:
        assert pool.start(1, preload=_preload_object)
        [(threshold, scanned)] = list(pool.map_unordered(_collector_state, [1]))
    assert threshold == worker_side.YOUNG_COLLECTION_THRESHOLD
    assert not scanned
    here = ["made in the test"]
    assert any(thing is here for thing in gc.get_objects())  # so the check can see one


def test_workers_started_ahead_for_nothing_end_with_the_pool() -> None:
    """A re-build with every director stored starts workers it does not need: the jobs
    that do come (none here, then the front) run, and the pool ends cleanly."""
    with _deadline(60, "the pool waits for workers that had nothing to do"), RenderPool(2) as pool:
        pool.start(2, preload=_preload)
        assert list(pool.map_unordered(_pid, [])) == [] and not pool.in_workers
        assert pool.submit(_pid, None)() != os.getpid()
    assert multiprocessing.active_children() == []


def test_workers_started_ahead_beyond_the_jobs_end_at_once() -> None:
    with _deadline(60, "the surplus worker does not end"), RenderPool(2) as pool:
        pool.start(2)
        started = {child.pid for child in multiprocessing.active_children()}
        pool.keep(1)
        results = pool.map_unordered(_sleep_then_pid, [3.0])
        while len(multiprocessing.active_children()) > 1:
            time.sleep(0.05)  # the surplus one ends while the job still runs
        [worker] = multiprocessing.active_children()
        assert list(results) == [worker.pid] and worker.pid in started


ORPHANING = """\
import os, signal, sys
from reportgen.workers import RenderPool
pool = RenderPool(2)
pool.start(2)
print(" ".join(str(process.pid) for process in pool._answers.pipes.values()), flush=True)
os.kill(os.getpid(), signal.SIGKILL if sys.argv[1] == "KILL" else signal.SIGTERM)
"""


@pytest.mark.parametrize("signal_name", ["KILL", "TERM"])
def test_workers_end_when_the_main_process_is_killed(signal_name: str) -> None:
    """Killed (the out-of-memory killer, a CI time-out), it runs no clean-up: its idle
    workers must not wait on the task queue for ever."""
    command = [sys.executable, "-c", ORPHANING, signal_name]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    pids = [int(pid) for pid in result.stdout.split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids):
        assert time.monotonic() < deadline, "a worker outlived the main process"
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


def _touch(path: str) -> str:
    Path(path).touch()
    return path


def test_each_job_starts_as_soon_as_it_is_given(tmp_path: Path) -> None:
    """A re-build's changed director starts while the other directors' HTML is still
    being rendered: the pool takes each item as the iterable yields it."""
    first, second = str(tmp_path / "first"), str(tmp_path / "second")

    def items() -> Iterator[str]:
        yield first
        deadline = time.monotonic() + 30
        while not Path(first).exists():  # would never come if jobs waited for the last item
            assert time.monotonic() < deadline, "the first job did not start before the last was given"
            time.sleep(0.05)
        yield second

    with RenderPool(2) as pool:
        assert sorted(pool.map_unordered(_touch, items())) == [first, second]


def test_a_pool_serves_the_next_build_after_a_failed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed build's workers neither hold the output folder's lock (the next build
    would wait for ever) nor hand what they did to the next build."""
    from reportgen.render import Renderer

    project = make_project(tmp_path / "project", long=False)

    def failing(*_args: Any) -> str:
        raise RuntimeError("template failed")

    with RenderPool(2) as pool:
        with monkeypatch.context() as patch:
            patch.setattr(Renderer, "director_html", failing)
            with pytest.raises(RuntimeError, match="template failed"):
                build(project, out=tmp_path / "out", pool=pool)
        with _deadline(120, "the next build waits for the failed build's workers"):
            result = build(project, out=tmp_path / "out", pool=pool)
    assert (result.output_dir / "report.pdf").stat().st_size > 0


def test_a_pack_laid_out_whole_leaves_no_worker_behind(tmp_path: Path) -> None:
    """Templates that style pages by side are laid out whole, in this process: the
    workers started ahead are ended, and the next build into the folder goes ahead."""
    project = make_project(tmp_path / "project", long=False)
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates" / "pack.css").write_text("@page :left { margin-left: 30mm; }\n")
    with RenderPool(2) as pool:
        build(project, out=tmp_path / "out", pool=pool)
        assert multiprocessing.active_children() == []
        with _deadline(120, "the next build waits for the first build's workers"):
            build(project, out=tmp_path / "out", pool=pool)


def _fail_first(item: tuple[int, bytes]) -> None:
    if item[0] == 0:
        raise RuntimeError("the first job failed")
    time.sleep(60)


def _feeders() -> set[Any]:
    import threading

    return {thread for thread in threading.enumerate() if thread.name == "QueueFeederThread"}


def _no_new_feeders(before: set[Any]) -> None:
    deadline = time.monotonic() + 10
    while _feeders() - before:
        assert time.monotonic() < deadline, "the queue's thread still waits to send"
        time.sleep(0.05)


def test_a_stopped_pool_leaves_no_thread_sending_its_tasks() -> None:
    """Tasks still queued when a failed build stops its pool are thrown away: the
    queue's thread would otherwise wait for ever to send them down a pipe no one reads."""
    before = _feeders()
    pool = RenderPool(2)
    # Far more than the pipe holds: the queue's thread is left with tasks to send.
    results = pool.map_unordered(_fail_first, [(n, b"x" * 1_000_000) for n in range(20)])
    with pytest.raises(RuntimeError, match="first job"):
        next(results)
    pool.stop()
    _no_new_feeders(before)


def _die_first(item: tuple[int, bytes]) -> None:
    if item[0] == 0:
        _die(item)
    time.sleep(60)


def test_tasks_left_when_the_last_worker_dies_are_thrown_away_too() -> None:
    before = _feeders()
    pool = RenderPool(2)
    pool.start(1)
    asks = [pool.submit(_die_first, (n, b"x" * 1_000_000)) for n in range(5)]
    with pytest.raises(WorkerDied):
        asks[0]()
    pool.stop()  # no worker is left to end, but the queue's thread still holds tasks
    _no_new_feeders(before)


def test_a_fork_that_fails_leaves_no_worker_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    from multiprocessing.context import ForkProcess

    real, started = ForkProcess.start, []

    def second_fails(process: Any) -> None:
        started.append(process)
        if len(started) == 2:
            raise OSError(11, "Resource temporarily unavailable")  # fork()'s EAGAIN
        real(process)

    monkeypatch.setattr(ForkProcess, "start", second_fails)
    with pytest.raises(OSError, match="temporarily"), RenderPool(2) as pool:
        pool.start(2)
    assert multiprocessing.active_children() == []


def test_workers_started_few_are_added_to_when_the_jobs_are_known() -> None:
    """A build starts a few workers before it knows its directors, then adds to them
    (up to one per core): never more than the jobs, never twice the same."""
    with RenderPool(3) as pool:
        assert pool.start(1)
        assert len(multiprocessing.active_children()) == 1
        assert pool.start(5)
        assert len(multiprocessing.active_children()) == 3  # one per core at most
        assert pool.start(2)  # enough already
        assert len(multiprocessing.active_children()) == 3
        pool.keep(2)
        results = pool.map_unordered(_sleep_then_pid, [0.5, 0.5])
        assert len(set(results)) == 2  # the two that stayed took a job each
    assert multiprocessing.active_children() == []


def test_a_pool_whose_workers_died_starts_afresh() -> None:
    pool = RenderPool(2)
    with pytest.raises(WorkerDied):
        list(pool.map_unordered(_die, [1, 2]))
    pool.stop()
    assert pool.start(2)  # not left thinking its dead workers still stay
    assert len(multiprocessing.active_children()) == 2
    pool.stop()
    assert multiprocessing.active_children() == []
