"""Memory the build no longer uses goes back to the system."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from reportgen import memory
from reportgen.memory import _libc, resident_size, room_to_grow

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
