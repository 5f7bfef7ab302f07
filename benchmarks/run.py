"""Times `reportgen build` against a bare WeasyPrint render of the same report.html.

    python benchmarks/run.py [--indicators 200 --directors 50 | --project DIR] [--memory-log CSV]

One run prints: the host's parallel throughput (its cores' work together, in cores),
the full build (fresh output folder, fresh cache), a bare
`weasyprint.HTML(filename=report.html).write_pdf()` of the build's report.html, their
ratio, the page counts, the peak memory of the build (the sum of the resident sizes of
the build and all its worker processes, polled from /proc), and a second build after one comment
changed (the incremental case). Both renders run as fresh Python processes, imports
included, so they compare like with like. CPU seconds are printed too: on a machine
that other work keeps busy, wall-clock time understates what parallelism buys.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil
from generate import generate
from pypdf import PdfReader

BARE = "import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])"


@dataclass
class Measure:
    """A finished run: wall-clock and CPU seconds (children included), peak memory in MB."""

    seconds: float
    cpu: float
    rss: float  # the resident sizes of the process and its workers, summed
    pss: float  # the same, shared pages counted once (what the machine really spends)

    def __str__(self) -> str:
        return (f"{self.seconds:7.2f} s  CPU {self.cpu:7.2f} s  "
                f"peak RSS {self.rss:5.0f} MB (PSS {self.pss:5.0f} MB)")


PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss(pid: int) -> int:
    """A process's resident size in bytes, from /proc/PID/statm: a counter the kernel
    keeps, so reading it costs microseconds however big the process."""
    with open(f"/proc/{pid}/statm", "rb") as statm:
        return int(statm.read().split()[1]) * PAGE


def _pss(pid: int) -> int:
    """A process's proportional set size in bytes (shared pages split between sharers).

    /proc/PID/smaps_rollup walks the page tables: ~15 ms for a 2 GB process, so it is
    read ten times less often than the RSS, not to steal the CPU being measured."""
    with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
        for line in rollup:
            if line.startswith(b"Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def _read(measure: Callable[[int], int], pid: int) -> int:
    """measure(pid), or 0 for a process that has ended (gone, or a zombie not yet
    collected, whose smaps_rollup cannot be read) rather than losing the whole poll."""
    try:
        return measure(pid)
    except (OSError, ValueError):
        return 0


def run_measured(command: list[str], memory_log: Path | None = None) -> Measure:
    """Runs a command, polling the memory of it and all its descendants (Linux /proc).

    With `memory_log`, every poll's resident size of each process goes to that CSV file
    (seconds, pid, MB): the build's phases can be read off it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL)
    peak_rss = peak_pss = polls = 0
    samples: list[tuple[float, int, float]] = []
    while process.poll() is None:
        try:
            pids = [process.pid, *(child.pid for child in process.children(recursive=True))]
        except psutil.Error:
            pids = [process.pid]
        sizes = [_read(_rss, pid) for pid in pids]
        peak_rss = max(peak_rss, sum(sizes))
        if memory_log is not None:
            now = time.perf_counter() - start
            samples += [(now, pid, size / 2**20) for pid, size in zip(pids, sizes, strict=True) if size]
        if polls % 10 == 0:
            peak_pss = max(peak_pss, sum(_read(_pss, pid) for pid in pids))
        polls += 1
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    if memory_log is not None:
        with open(memory_log, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["seconds", "pid", "rss_mb"])
            writer.writerows((f"{t:.2f}", pid, f"{mb:.1f}") for t, pid, mb in samples)
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Measure(elapsed, cpu, peak_rss / 2**20, peak_pss / 2**20)


SPIN = "x = 0\nfor i in range(10_000_000): x += i * i % 7"


def parallel_throughput(cores: int) -> float:
    """How many times one core's work the host's cores do together, measured now: the
    same pure-Python loop alone, then one per core at once. 2.0 on 2 idle cores of
    their own; less on a virtual machine whose cores share a physical one, or are
    lent to other guests. A build can only be as parallel as this allows."""

    def wall(copies: int) -> float:
        start = time.perf_counter()
        spinning = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(copies)]
        for process in spinning:
            process.wait()
        return time.perf_counter() - start

    # Alternated three times, medians: the host's other guests come and go.
    alone, together = zip(*((wall(1), wall(cores)) for _ in range(3)), strict=True)
    return cores * statistics.median(alone) / statistics.median(together)


def pages(pdf: Path) -> int:
    return len(PdfReader(pdf).pages)


def change_one_comment(project: Path) -> None:
    """Appends a sentence to the first comment, as an officer's late edit would."""
    path = project / "data" / "comments.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[1][4] += " Updated after the performance meeting."
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, help="an existing project (default: generate)")
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--directors", type=int, default=50)
    parser.add_argument("--memory-log", type=Path, help="CSV of each process's RSS per poll (first build)")
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="reportgen-bench-"))
    project = work / "project"
    if arguments.project:
        shutil.copytree(arguments.project / "config", project / "config")
        shutil.copytree(arguments.project / "data", project / "data")
        if (arguments.project / "templates").is_dir():
            shutil.copytree(arguments.project / "templates", project / "templates")
    else:
        generate(project, arguments.indicators, arguments.directors)
    out = work / "out"
    build = [sys.executable, "-m", "reportgen", "build"]
    build += ["--project", str(project), "--out", str(out)]
    load = os.getloadavg()[0]
    cores = len(os.sched_getaffinity(0))
    throughput = parallel_throughput(cores)
    first = run_measured(build, arguments.memory_log)
    pack_dir = next(p for p in out.iterdir() if not p.name.startswith("."))
    html, pdf = pack_dir / "report.html", work / "bare.pdf"
    bare = run_measured([sys.executable, "-c", BARE, str(html), str(pdf)])
    change_one_comment(project)
    again = run_measured(build)
    throughput_after = parallel_throughput(cores)
    directors = sorted((pack_dir / "directors").glob("*.pdf"))
    print(f"project: {arguments.project or f'{arguments.indicators} indicators'}, "
          f"{len(directors)} directors; {cores} cores, load average {load:.1f}")
    print(f"parallel throughput: {throughput:.2f} and {throughput_after:.2f} times one core "
          f"(before and after; {cores:.1f} would be a perfect split)")
    print(f"full build:      {first}  report.pdf {pages(pack_dir / 'report.pdf')} pages, "
          f"director PDFs {sum(pages(p) for p in directors)} pages")
    print(f"bare WeasyPrint: {bare}  {pages(pdf)} pages")
    print(f"ratio build/bare: {first.seconds / bare.seconds:.2f} wall-clock, "
          f"{first.cpu / bare.cpu:.2f} CPU")
    print(f"re-build, 1 comment changed: {again}  "
          f"({again.seconds / first.seconds:.2f} of the first build)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
