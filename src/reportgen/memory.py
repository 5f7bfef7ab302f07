"""Hands memory the build no longer uses back to the system, and measures what it holds."""

from __future__ import annotations

import ctypes
import gc
import os
import sys
from collections.abc import Iterable
from functools import cache
from typing import Any

# What a build aims to keep its processes within, together (issue 5: 300 MB at 1,000
# indicators), less the room for one more step: the main process holds back work that
# grows it (joining stored sections) while workers lay out pages beside it.
MEMORY_BUDGET = 280 * 2**20


@cache
def _libc() -> Any:
    """The C library when it has glibc's malloc_trim, else None.

    Looked up among the symbols already loaded (dlopen(NULL)), not by file name:
    ctypes.util.find_library would start an ldconfig process in every worker."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


def trim_heap() -> None:
    """Asks glibc to return free heap pages (what C libraries freed: qpdf's work on a
    PDF leaves ~6 MB otherwise, measured), without a full collection's cost."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def give_back_memory() -> None:
    """Frees unreachable objects, then asks glibc to return free heap pages.

    glibc keeps the pages of freed blocks for reuse, so a process that built big texts
    (the pack's HTML, the fragments' index) keeps their size as long as it lives: 24 MB
    at 1,000 indicators, measured, when the PDF join that follows needs 200 MB more.
    """
    gc.collect()
    trim_heap()


def resident_size(pids: Iterable[int]) -> int | None:
    """The processes' resident sizes summed, in bytes, from /proc (None without it: the
    budget is then not kept). A process that has ended counts nothing."""
    if not os.path.isdir("/proc/self"):
        return None
    total, page = 0, os.sysconf("SC_PAGE_SIZE")
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm", "rb") as statm:
                total += int(statm.read().split()[1]) * page
        except (OSError, ValueError, IndexError):
            pass
    return total


def room_to_grow(workers: list[int]) -> bool:
    """Whether this process may grow by another step now: while `workers` lay out pages
    beside it, only within the build's memory budget."""
    if not workers:
        return True
    size = resident_size([os.getpid(), *workers])
    return size is None or size < MEMORY_BUDGET
