"""Times `reportgen build` against a bare WeasyPrint render of the same report.html.

    python benchmarks/run.py [--indicators 200 --directors 50 | --project DIR]

One run prints: the full build (fresh output folder, fresh cache), a bare
`weasyprint.HTML(filename=report.html).write_pdf()` of the build's report.html, their
ratio, the page counts, the peak memory of the build (the sum of the resident sizes of
the build and all its worker processes, polled), and a second build after one comment
changed (the incremental case). Both renders run as fresh Python processes, imports
included, so they compare like with like.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from generate import generate
from pypdf import PdfReader

BARE = "import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])"


def run_measured(command: list[str]) -> tuple[float, float]:
    """Runs a command; returns (seconds, peak summed RSS of it and its children in MB)."""
    start = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        total = 0
        try:
            for member in [process, *process.children(recursive=True)]:
                total += member.memory_info().rss
        except psutil.Error:
            pass  # a worker ended between listing and reading: next poll
        peak = max(peak, total)
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    return elapsed, peak / 2**20


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
    build_seconds, build_mb = run_measured(build)
    pack_dir = next(p for p in out.iterdir() if not p.name.startswith("."))
    html, pdf = pack_dir / "report.html", work / "bare.pdf"
    bare_seconds, bare_mb = run_measured([sys.executable, "-c", BARE, str(html), str(pdf)])
    change_one_comment(project)
    again_seconds, again_mb = run_measured(build)
    directors = sorted((pack_dir / "directors").glob("*.pdf"))
    print(f"project: {arguments.project or f'{arguments.indicators} indicators'}, "
          f"{len(directors)} directors")
    print(f"full build:        {build_seconds:7.2f} s  peak RSS {build_mb:6.0f} MB  "
          f"report.pdf {pages(pack_dir / 'report.pdf')} pages, "
          f"director PDFs {sum(pages(p) for p in directors)} pages")
    print(f"bare WeasyPrint:   {bare_seconds:7.2f} s  peak RSS {bare_mb:6.0f} MB  "
          f"{pages(pdf)} pages")
    print(f"ratio build/bare:  {build_seconds / bare_seconds:7.2f}")
    print(f"re-build, 1 comment changed: {again_seconds:.2f} s "
          f"({again_seconds / build_seconds:.2f} of the first build), peak RSS {again_mb:.0f} MB")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
