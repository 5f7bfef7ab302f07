"""The PDFs of a pack: each director laid out once, in parallel, cached; the pack assembled."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from reportgen.cache import RenderCache
from reportgen.compute import Report
from reportgen.pdf import (
    SLOT_PAGE,
    DirectorPdfs,
    SplitError,
    render_director,
    render_front,
    render_pdf,
)
from reportgen.render import Renderer
from reportgen.templating import template_search_path
from reportgen.workers import RenderPool

# Called after each unit of PDF work with (done, total, what was just done).
Progress = Callable[[int, int, str], None]
# Takes a director's finished PDF: (slug, PDF).
Deliver = Callable[[str, bytes], None]


@dataclass(frozen=True)
class DirectorJob:
    """One director's own pack, to be laid out by a worker."""

    slug: str
    name: str
    html: str
    key: str


def section_anchor(slug: str) -> str:
    """The id the section template gives a director's section (see section.html)."""
    return f"director-{slug}"


def _render_job(item: tuple[DirectorJob, Path | None]) -> tuple[str, DirectorPdfs]:
    job, templates = item
    pdfs = render_director(job.html, section_anchor(job.slug), templates)
    # A laid-out document is a web of cycles: free it now, before the next director,
    # not whenever the collector next runs (measured: lower peak memory per worker).
    gc.collect()
    return job.slug, pdfs


def _render_all(
    jobs: list[DirectorJob], templates: Path | None, pool: RenderPool
) -> Iterator[tuple[DirectorJob, DirectorPdfs]]:
    """Starts the jobs across the pool, biggest first so no worker is left with a long
    tail; the results come as each finishes."""
    by_slug = {job.slug: job for job in jobs}
    ordered = sorted(jobs, key=lambda job: len(job.html), reverse=True)
    results = pool.map_unordered(_render_job, [(job, templates) for job in ordered])
    return ((by_slug[slug], pdfs) for slug, pdfs in results)


def _stored_director(cache: RenderCache, key: str) -> DirectorPdfs | None:
    stored = cache.get(key)
    if stored is None:
        return None
    try:
        meta, (own, body) = stored
        names, numbered = tuple(meta["page_names"]), frozenset(meta["numbered_boxes"])
        return DirectorPdfs(own, body, int(meta["front_pages"]), names, numbered)
    except (ValueError, KeyError, TypeError):
        return None  # not what this version stores: lay it out again


def director_pdfs(
    report: Report,
    htmls: dict[str, str],
    cache: RenderCache,
    templates: Path | None,
    pool: RenderPool,
    progress: Progress,
    meanwhile: Callable[[], object],
    deliver: Deliver,
) -> dict[str, DirectorPdfs]:
    """Every director laid out once, from the cache where the inputs are unchanged.

    `meanwhile` is called once the workers have their jobs, to do other work in parallel.
    Each director's own PDF goes to `deliver` as it comes, not kept: the pack needs
    only the bodies (at 1,000 indicators, holding both tipped memory over 300 MB).
    """
    total = len(report.directors) + 1
    results: dict[str, DirectorPdfs] = {}
    jobs = []
    for director in report.directors:
        html = htmls[director.slug]
        job = DirectorJob(director.slug, director.name, html, cache.key(html))
        stored = _stored_director(cache, job.key)
        if stored is not None:
            deliver(job.slug, stored.director_pdf)
            results[job.slug] = replace(stored, director_pdf=b"")
            progress(len(results), total, f"{director.name} (unchanged)")
        else:
            jobs.append(job)
    laid_out = _render_all(jobs, templates, pool)
    meanwhile()
    for job, pdfs in laid_out:
        meta = {
            "front_pages": pdfs.front_pages,
            "page_names": pdfs.page_names,
            "numbered_boxes": sorted(pdfs.numbered_boxes),
        }
        cache.put(job.key, meta, [pdfs.director_pdf, pdfs.body_pdf])
        deliver(job.slug, pdfs.director_pdf)
        results[job.slug] = replace(pdfs, director_pdf=b"")
        progress(len(results), total, job.name)
    return results


def pack_pdf(
    renderer: Renderer, parts: dict[str, DirectorPdfs], cache: RenderCache, templates: Path | None
) -> bytes:
    """The whole pack from the directors' sections and a front laid out with slot pages."""
    from reportgen.assemble import assemble_pack  # pikepdf: only when building

    report = renderer.report
    # Unnamed section pages get slots named SLOT_PAGE, whose unneeded margin boxes
    # are skipped: the same @page rules apply to them as to unnamed pages otherwise.
    slots = {slug: tuple(n or SLOT_PAGE for n in pdfs.page_names) for slug, pdfs in parts.items()}
    numbered = frozenset().union(*(pdfs.numbered_boxes for pdfs in parts.values()))
    html = renderer.pack_front_html(slots)
    key = cache.key(f"{sorted(numbered)}\0{html}")
    stored = cache.get(key)
    if stored is not None:
        _meta, (front, stamps) = stored
    else:
        anchor = section_anchor(report.directors[0].slug)
        front, stamps = render_front(html, anchor, numbered, templates)
        cache.put(key, {}, [front, stamps])
    sections = [(parts[d.slug].body_pdf, parts[d.slug].front_pages) for d in report.directors]
    return assemble_pack(front, stamps, sections)


# Page rules or breaks that depend on a page's side or position: a section laid out in
# its director's pack could then differ from the same section in the whole pack.
SIDED = re.compile(
    r"@page[^{]*:(left|right|recto|verso|blank|nth)"
    r"|(page-)?break-(before|after)\s*:\s*(left|right|recto|verso)",
    re.IGNORECASE,
)


def page_sides_matter(templates: Path | None) -> bool:
    """Whether any template or stylesheet styles pages by side or position."""
    files = (
        path
        for folder in template_search_path(templates)
        for path in folder.rglob("*")
        if path.suffix.lower() in (".html", ".css") and path.is_file()
    )
    return any(SIDED.search(path.read_text("utf-8", errors="replace")) for path in files)


def render_pack_pdfs(
    renderer: Renderer,
    htmls: dict[str, str],
    cache_folder: Path | None,
    pool: RenderPool,
    progress: Progress,
    meanwhile: Callable[[], None],
    deliver: Deliver,
) -> bytes:
    """The pack's PDF; each director's PDF goes to `deliver` (slug, PDF) as it is made.

    Directors are laid out from their HTML (`htmls` by slug). `meanwhile` does the
    build's other work while the workers lay out pages; it is called exactly once.

    If the templates do not mark where a section starts (a project's own section.html
    without the id), or style pages by side, every PDF is laid out whole instead:
    slower, never wrong.
    """
    report, templates = renderer.report, renderer.project_templates
    cache = RenderCache(cache_folder, templates)
    total = len(report.directors) + 1
    called: list[bool] = []

    def once() -> None:
        if not called:
            called.append(True)
            meanwhile()

    try:
        if not report.directors or page_sides_matter(templates):
            raise SplitError("nothing to split, or pages styled by side")
        parts = director_pdfs(report, htmls, cache, templates, pool, progress, once, deliver)
        pack = pack_pdf(renderer, parts, cache, templates)
    except SplitError:
        for done, director in enumerate(report.directors, start=1):
            deliver(director.slug, render_pdf(htmls[director.slug], templates))
            progress(done, total, director.name)
        once()
        pack = render_pdf(renderer.pack_html(), templates)
    cache.prune()
    progress(total, total, "whole pack")
    return pack
