"""The order in which a build renders and sends its directors: changed ones first, biggest first.

A director's HTML must be rendered to know whether its pages are stored (the cache is
keyed by it), and the changed director's layout is a re-build's critical path: each
director whose data differs from the last build's goes before every unchanged one.
The data are compared by a digest of the report model, kept in the cache; it only
orders the work: what is laid out again is still decided by the HTML's key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from reportgen.cache import RenderCache
from reportgen.compute import DirectorSection, Report

FINGERPRINTS_KEY = "director-fingerprints"  # the cache entry of the last build's digests


def _size(director: DirectorSection) -> int:
    """Roughly how long a director's pages take to lay out: their indicators, and their
    comments (an indicator is a grid and about a paragraph)."""
    return sum(1000 + sum(len(c.text) for c in i.comments) for i in director.indicators)


def fingerprints(report: Report) -> dict[str, str]:
    """A digest of each director's part of the report model (with the report's own
    settings), by slug."""
    settings = repr((report.title, report.organisation, report.locale, report.period))
    return {
        director.slug: hashlib.sha256(f"{settings}\0{director!r}".encode()).hexdigest()
        for director in report.directors
    }


def in_build_order(report: Report, cache: RenderCache, current: dict[str, str]) -> Sequence[DirectorSection]:
    """The directors, those changed since the last build first, each group biggest first
    (so no worker is left with a long tail)."""
    stored = cache.get(FINGERPRINTS_KEY)
    meta = stored[0] if stored is not None else {}
    last = meta.get("fingerprints") if isinstance(meta, dict) else None
    if not isinstance(last, dict):  # none kept, or not what this version keeps
        last = {}
    return sorted(report.directors, key=lambda d: (last.get(d.slug) == current[d.slug], -_size(d)))


def remember(cache: RenderCache, current: dict[str, str]) -> None:
    """Keeps this build's digests for the next build to compare with."""
    cache.put(FINGERPRINTS_KEY, {"fingerprints": current}, [])
