"""Memory the build no longer uses goes back to the system."""

from __future__ import annotations

import subprocess
import sys

import pytest

from reportgen.memory import _libc

HELD_AFTER_FREE = """\
import os, sys
from reportgen import memory

def resident_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

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
