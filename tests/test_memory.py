"""Memory the build no longer uses goes back to the system."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen.memory import _libc

from .conftest import REPO

HELD_AFTER_FREE = """\
import os
from reportgen.memory import give_back_memory

def resident_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

texts = [os.urandom(2000) for _ in range(100_000)]  # 200 MB of heap blocks
pinned = os.urandom(2000)  # after them on the heap, so glibc cannot simply shrink it
del texts
freed = resident_mb()
give_back_memory()
print(freed, resident_mb())
"""


@pytest.mark.skipif(_libc() is None, reason="needs glibc's malloc_trim")
def test_freed_heap_goes_back_to_the_system() -> None:
    command = [sys.executable, "-c", HELD_AFTER_FREE]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    freed, given_back = map(float, result.stdout.split())
    assert freed - given_back > 100, (freed, given_back)


def test_a_directors_layout_is_freed_before_its_pdf_is_stamped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stamping reuses the layout's room, rather than adding to a worker's peak."""
    from weasyprint.document import Document

    from reportgen import stamping
    from reportgen.layout_jobs import section_anchor
    from reportgen.main import validate
    from reportgen.pdf import render_director
    from reportgen.render import Renderer

    def documents_alive() -> int:
        return sum(isinstance(thing, Document) for thing in gc.get_objects())

    report = validate(REPO)
    director = report.directors[0]
    html = Renderer(report, None).director_html(director)
    gc.collect()
    before, at_stamping = documents_alive(), []
    real_stamp_pdf = stamping.stamp_pdf

    def stamp_pdf(body: bytes, stamps: bytes) -> bytes:
        at_stamping.append(documents_alive())
        return real_stamp_pdf(body, stamps)

    monkeypatch.setattr(stamping, "stamp_pdf", stamp_pdf)
    render_director(html, section_anchor(director.slug), None)
    assert at_stamping == [before]


WHEN_PIKEPDF_COMES = """\
import sys
from reportgen import parts
from reportgen.main import build
from reportgen.workers import RenderPool

seen = []
keep = parts._SpilledBodies.keep

def keep_and_look(bodies, slug, body):
    seen.append("pikepdf" in sys.modules)
    keep(bodies, slug, body)

parts._SpilledBodies.keep = keep_and_look
with RenderPool(2) as pool:
    build(sys.argv[1], out=sys.argv[2], use_cache=False, pool=pool)
print(set(seen), "pikepdf" in sys.modules)
"""


def test_a_first_build_imports_pikepdf_only_once_the_workers_are_done(tmp_path: Path) -> None:
    """pikepdf is 6 MB of the main process, needed only to join the pack: while the
    workers lay out (the build's peak of memory), a first build has nothing to join."""
    command = [sys.executable, "-c", WHEN_PIKEPDF_COMES, str(REPO), str(tmp_path / "out")]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert result.stdout.split("\n")[0] == "{False} True"  # not while laying out; then, to join
