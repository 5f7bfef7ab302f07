"""The pack's front as a pool job: laid out by a free worker once every section's pages
are known (or taken from the cache), while the workers still write their PDFs."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from reportgen.cache import RenderCache
from reportgen.layout_jobs import SectionLayout, lay_out_front
from reportgen.link_check import LinkTargets
from reportgen.names import section_anchor
from reportgen.pdf_front import SLOT_PAGE
from reportgen.render import Renderer
from reportgen.workers import RenderPool

FrontTask = Callable[[], tuple[bytes, bytes]]


def _linked_anchors(html: str, layouts: dict[str, SectionLayout]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Per slot page, the ids on its section page that the front's HTML links to (a
    contents of indicators, say): put on the slot, their page numbers and links come
    out right. Only those: most ids are linked from nowhere, and each costs the front's
    layout."""
    linked = LinkTargets.linked_from(html)
    anchors = {}
    for slug, layout in layouts.items():
        linked_here = linked - {section_anchor(slug)}  # the first slot has that id itself
        anchors[slug] = tuple(tuple(a for a in page if a in linked_here) for page in layout.page_anchors)
    return anchors


def start_front(
    renderer: Renderer,
    layouts: dict[str, SectionLayout],
    cache: RenderCache,
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
    html = renderer.pack_front_html(slots, {})
    anchors = _linked_anchors(html, layouts)
    if any(ids for pages in anchors.values() for ids in pages):  # else that HTML is the front's
        html = renderer.pack_front_html(slots, anchors)
    key = cache.key(f"{sorted(numbered)}\0{html}")
    stored = cache.get(key)
    if stored is not None:
        pool.no_more_work()  # the front is the last job there could have been
        _meta, (front, stamps) = stored
        return lambda: (front, stamps)
    anchor = section_anchor(renderer.report.directors[0].slug)
    task = pool.submit(lay_out_front, (html, anchor, numbered, renderer.project_templates))
    pool.no_more_work()  # the front is the last: a worker that finds nothing more ends

    def finished() -> tuple[bytes, bytes]:
        front, stamps = task()
        cache.put(key, {}, [front, stamps])
        return front, stamps

    return finished


class FrontStarter:
    """Starts the pack's front on a free worker as soon as every section's pages are
    known: told by each director's job as soon as it is laid out (a notice), while the
    workers still write their PDFs and this process takes in those already written."""

    def __init__(self, renderer: Renderer, cache: RenderCache, pool: RenderPool) -> None:
        self._renderer, self._cache, self._pool = renderer, cache, pool
        self._layouts: dict[str, SectionLayout] = {}
        self._expected: set[str] | None = None
        self.task: FrontTask | None = None  # set once started

    def __call__(self, notice: tuple[str, SectionLayout | None]) -> None:
        """A job's notice: a director's section laid out (None: it failed, and its error
        comes with the results)."""
        slug, layout = notice
        if layout is not None:
            self._layouts[slug] = layout
            self._start_when_ready()

    def expect(self, slugs: Iterable[str], stored: dict[str, SectionLayout]) -> None:
        """The directors being laid out, and the sections taken from the cache."""
        self._expected = set(slugs)
        self._layouts.update(stored)
        self._start_when_ready()

    def _start_when_ready(self) -> None:
        if self.task is None and self._expected is not None and self._expected <= self._layouts.keys():
            self.task = start_front(self._renderer, self._layouts, self._cache, self._pool)
