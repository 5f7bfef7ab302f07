"""WeasyPrint, imported without the compiler runs of its library search on Linux."""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys
from typing import Any


def _no_search(name: str) -> str | None:
    """find_library that finds nothing: WeasyPrint goes on to its next name."""
    return None


def load_weasyprint() -> Any:
    """The weasyprint module, imported on first use.

    WeasyPrint opens each of its libraries (Pango, HarfBuzz, fontconfig...) by trying
    the names it has on Windows, macOS and Linux in turn. Through cffi, every name that
    does not open is looked up with ctypes.util.find_library, which on Linux runs
    ldconfig, gcc and ld: ~200 processes and ~0.3 s at each import, measured, in every
    worker. The names that open on Linux are the libraries' sonames, which the dynamic
    loader finds itself, so the first attempt skips that search; should it fail (a
    library found only by the search), the import is made again as WeasyPrint makes it.
    """
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    search = ctypes.util.find_library
    ctypes.util.find_library = _no_search
    try:
        # WeasyPrint prints advice on stdout before raising; not for a first attempt.
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint
    except OSError:
        pass
    else:
        return weasyprint
    finally:
        ctypes.util.find_library = search
    import weasyprint

    return weasyprint
