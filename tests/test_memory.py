"""Memory the build no longer uses goes back to the system."""

from __future__ import annotations

import collections
import importlib.util
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
import simplejson

from reportgen import memory
from reportgen.compute import compute_report
from reportgen.main import build
from reportgen.memory import _libc, resident_size, room_to_grow
from reportgen.project import load_project
from reportgen.render import Renderer
from reportgen.report_json import report_document, report_json_chunks
from reportgen.workers import RenderPool

from .pipeline_project import make_project

HELD_AFTER_FREE = """\
import os, sys
from reportgen import memory

def resident_mb():
    return memory.resident_size([os.getpid()]) / 2**20

texts = [os.urandom(2000) for _ in range(100_000)]  # 200 MB of heap blocks
pinned = os.urandom(2000)  # after them on the heap, so glibc cannot simply shrink it
del texts
freed = resident_mb()
getattr(memory, sys.argv[1])()
print(freed, resident_mb())
"""


@pytest.mark.skipif(_libc() is None, reason="needs glibc's malloc_trim")
@pytest.mark.parametrize("give_back", ["give_back_memory", "trim_heap"])
def test_freed_heap_goes_back_to_the_system(give_back: str) -> None:
    command = [sys.executable, "-c", HELD_AFTER_FREE, give_back]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    freed, given_back = map(float, result.stdout.split())
    assert freed - given_back > 100, (freed, given_back)


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc")


@needs_proc
def test_resident_size_sums_the_processes_and_counts_an_ended_one_as_nothing() -> None:
    code = "import sys; print('ready', flush=True); sys.stdin.read()"
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        alone, both = resident_size([os.getpid()]), resident_size([os.getpid(), child.pid])
        assert alone is not None and both is not None
        assert alone > 10 * 2**20  # this interpreter, with pytest
        assert both - alone > 2**20  # an interpreter is more than a megabyte
    finally:
        child.communicate(b"")
    assert resident_size([os.getpid(), child.pid]) == pytest.approx(alone, rel=0.2)


@needs_proc
def test_there_is_room_to_grow_within_the_budget_or_with_no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    assert room_to_grow([])  # nothing lays out beside this process
    monkeypatch.setattr(memory, "MEMORY_BUDGET", 0)
    assert not room_to_grow([os.getpid()])
    assert room_to_grow([])
    monkeypatch.setattr(memory, "MEMORY_BUDGET", 2**50)
    assert room_to_grow([os.getpid()])


def test_a_director_s_layout_garbage_is_freed_before_its_pdfs_are_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Writing the PDFs reuses what the layout discarded rather than adding to it: the
    layout's style cache is freed as it returns (test_layout_styles), and the heap pages
    go back before writing; the document is collected once written."""
    from reportgen import layout_jobs, pdf

    steps: list[str] = []
    monkeypatch.setattr(layout_jobs, "give_back_memory", lambda: steps.append("collect"))
    monkeypatch.setattr(layout_jobs, "trim_heap", lambda: steps.append("trim"))
    real_write = pdf.write_pdf

    def writing(document: object, tagged: bool = True) -> bytes:
        steps.append("write")
        return real_write(document, tagged)

    monkeypatch.setattr(pdf, "write_pdf", writing)
    html = '<p>cover</p><section id="director-a" style="break-before: page">A</section>'
    layout_jobs.lay_out_director((layout_jobs.DirectorJob("a", "A", html, "key"), None))
    assert steps == ["trim", "write", "write", "collect"]


def _generate(root: Path, indicators: int, directors: int) -> Path:
    """A synthetic project from the benchmark's generator."""
    source = Path(__file__).parents[1] / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("reportgen_benchmark_generate", source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Path(module.generate(root, indicators, directors))


def _peak_traced(make: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        make()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_report_json_is_written_without_holding_the_whole_document(tmp_path: Path) -> None:
    project, period = load_project(_generate(tmp_path, 300, 30), None)
    report = compute_report(project, period)
    chunks = report_json_chunks(report)
    whole = simplejson.dumps(report_document(report), indent=2, ensure_ascii=False)
    streamed = _peak_traced(lambda: collections.deque(report_json_chunks(report), maxlen=0))
    held = _peak_traced(lambda: simplejson.dumps(report_document(report), indent=2, ensure_ascii=False))
    assert streamed < 0.75 * held, (streamed, held)
    assert "".join(chunks) == whole + "\n"  # the same text (no Decimal written otherwise here)


def test_the_build_writes_each_fragment_and_reads_them_back_for_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never every fragment held at once (10 MB at 1,000 indicators): the index shows
    the files as written."""

    def every_fragment_at_once(self: Renderer) -> dict[str, str]:
        raise AssertionError("every fragment held at once")

    with monkeypatch.context() as patched:
        patched.setattr(Renderer, "fragments", every_fragment_at_once)
        project = make_project(tmp_path / "project", long=False)
        result = build(project, out=tmp_path / "out", pool=RenderPool(1))
    index = (result.output_dir / "fragments" / "index.html").read_text(encoding="utf-8")
    assert index == Renderer(result.report, tmp_path / "project" / "templates").fragments_index_html()
