"""The pack's front as a pool job: laid out by a free worker once every section's pages
are known (or taken from the cache), while the workers still write their PDFs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reportgen.cache import RenderCache
from reportgen.layout_jobs import SectionLayout, lay_out_front, section_anchor
from reportgen.pdf_front import SLOT_PAGE
from reportgen.render import Renderer
from reportgen.workers import RenderPool

FrontTask = Callable[[], tuple[bytes, bytes]]


def start_front(
    renderer: Renderer,
    layouts: dict[str, SectionLayout],
    cache: RenderCache,
    templates: Path | None,
    pool: RenderPool,
) -> FrontTask:
    """Starts the pack's front (cover, summary, a slot page per section page; see
    render_front) on a free worker, unless stored; returns the way to its PDF and stamps."""
    # Unnamed section pages get slots named SLOT_PAGE, whose unneeded margin boxes
    # are skipped: the same @page rules apply to them as to unnamed pages otherwise.
    slots = {
        slug: tuple(name or SLOT_PAGE for name in layout.page_names)
        for slug, layout in layouts.items()
    }
    numbered = frozenset().union(*(layout.numbered_boxes for layout in layouts.values()))
    html = renderer.pack_front_html(slots)
    key = cache.key(f"{sorted(numbered)}\0{html}")
    stored = cache.get(key)
    if stored is not None:
        _meta, (front, stamps) = stored
        return lambda: (front, stamps)
    anchor = section_anchor(renderer.report.directors[0].slug)
    task = pool.submit(lay_out_front, (html, anchor, numbered, templates))
    pool.no_more_work()  # the front is the last: a worker that finds nothing more ends

    def finished() -> tuple[bytes, bytes]:
        front, stamps = task()
        cache.put(key, {}, [front, stamps])
        return front, stamps

    return finished


def front_once_laid_out(
    renderer: Renderer,
    layouts: dict[str, SectionLayout],
    waiting: set[str],
    cache: RenderCache,
    pool: RenderPool,
) -> FrontTask | None:
    """Waits until the workers have laid out every director in `waiting`, then starts
    the front, while they still write their PDFs. None if a director failed: its
    error comes with the results."""
    for slug, layout in pool.notices():
        if layout is None:
            return None
        layouts[slug] = layout
        waiting.discard(slug)
        if not waiting:
            break
    return start_front(renderer, layouts, cache, renderer.project_templates, pool)
