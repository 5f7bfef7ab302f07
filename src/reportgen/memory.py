"""Hands memory the build no longer uses back to the system."""

from __future__ import annotations

import ctypes
import gc
import sys
from functools import cache
from typing import Any


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
