"""The pack from parts: each director laid out once (by a worker, or from the cache), the
front laid out as soon as their pages are known, and the pack joined from them."""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from reportgen.cache import RenderCache
from reportgen.compute import DirectorSection
from reportgen.front_job import FrontStarter, start_front
from reportgen.job_order import in_build_order, remember
from reportgen.layout_jobs import DirectorJob, SectionLayout, lay_out_director
from reportgen.memory import give_back_memory, room_to_grow, trim_heap
from reportgen.pdf import DirectorPdfs
from reportgen.render import Renderer
from reportgen.workers import RenderPool

# Called after each unit of PDF work with (done, total, what was just done).
Progress = Callable[[int, int, str], None]
# Takes a director's finished PDF: (slug, PDF).
Deliver = Callable[[str, bytes], None]
# Writes a PDF to the stream it is given.
WritePdf = Callable[[BinaryIO], None]
# A director's own pack as HTML (rendered once, when first asked for).
DirectorHtml = Callable[[DirectorSection], str]


class _SpilledBodies:
    """The bodies of the directors laid out in this build, kept in a temporary file
    until the pack is joined, not in memory (where they grew the main process by
    ~8 MB at 1,000 indicators, at the build's peak: while the workers lay out)."""

    def __enter__(self) -> _SpilledBodies:
        self._file = tempfile.TemporaryFile()
        self._where: dict[str, tuple[int, int]] = {}
        return self

    def keep(self, slug: str, body: bytes) -> None:
        self._where[slug] = (self._file.seek(0, os.SEEK_END), len(body))
        self._file.write(body)

    def __contains__(self, slug: str) -> bool:
        return slug in self._where

    def take(self, slug: str) -> bytes:
        offset, length = self._where.pop(slug)
        self._file.seek(offset)
        return self._file.read(length)

    def __exit__(self, *_exc: object) -> None:
        self._file.close()


def _render_all(
    jobs: Iterable[DirectorJob],
    templates: Path | None,
    pool: RenderPool,
    on_layout: FrontStarter,
    most: int,
) -> Iterator[tuple[DirectorJob, DirectorPdfs]]:
    """Starts each job on the pool as it comes; the results come as each finishes, and
    each job's layout, as soon as it is done, goes to `on_layout`."""
    by_slug: dict[str, DirectorJob] = {}

    def items() -> Iterator[tuple[DirectorJob, Path | None]]:
        for job in jobs:
            by_slug[job.slug] = replace(job, html="")  # sent: its HTML is not needed here
            yield job, templates

    results = pool.map_unordered(lay_out_director, items(), on_notice=on_layout, most=most)
    return ((by_slug[slug], pdfs) for slug, pdfs in results)


def _layouts(parts: dict[str, DirectorPdfs]) -> dict[str, SectionLayout]:
    return {
        slug: SectionLayout(p.page_names, p.numbered_boxes, p.page_anchors) for slug, p in parts.items()
    }


def _stored_director(cache: RenderCache, key: str) -> tuple[bytes, DirectorPdfs] | None:
    """A director's own PDF and their body (without its numbers), as stored."""
    stored = cache.get(key)
    if stored is None:
        return None
    try:
        meta, (own, body) = stored
        names, numbered = tuple(meta["page_names"]), frozenset(meta["numbered_boxes"])
        anchors = tuple(tuple(str(anchor) for anchor in page) for page in meta["page_anchors"])
        # No numbers: a stored director's own PDF is stored stamped, never stamped again.
        return own, DirectorPdfs(body, b"", int(meta["front_pages"]), names, numbered, anchors)
    except (ValueError, KeyError, TypeError):
        return None  # not what this version stores: lay it out again


def split_pack_pdf(
    renderer: Renderer,
    director_html: DirectorHtml,
    cache: RenderCache,
    pool: RenderPool,
    progress: Progress,
    meanwhile: Callable[[], object],
    deliver: Deliver,
) -> WritePdf:
    """Every director laid out once, from the cache where the inputs are unchanged, and
    the pack joined from their sections and a front laid out with slot pages.

    `meanwhile` is called once the workers have their jobs, to do other work in parallel.
    Each director's own PDF goes to `deliver` as it comes, not kept: the pack needs
    only the bodies (at 1,000 indicators, holding both tipped memory over 300 MB).
    Stored sections are joined while the workers lay out the others, within the
    build's memory budget (a re-build after one comment is then mostly that), in the
    pack's order up to the first new one; the rest once the front is made, so the
    main process grows only after the workers are done.
    Returns how to write the pack's PDF.
    """
    report, templates = renderer.report, renderer.project_templates
    total = len(report.directors) + 1
    parts: dict[str, DirectorPdfs] = {}
    new: list[str] = []  # the directors laid out afresh

    current = renderer.fingerprints

    def new_jobs() -> Iterator[DirectorJob]:
        # Each job starts as soon as its HTML is rendered, not once every director's is;
        # changed directors first, so a re-build's layout starts at once (see job_order).
        for director in in_build_order(report, cache, current):
            html = director_html(director)
            job = DirectorJob(director.slug, director.name, html, cache.key(html))
            stored = _stored_director(cache, job.key)
            if stored is not None:
                own, parts[job.slug] = stored
                deliver(job.slug, own)
                progress(len(parts), total, f"{director.name} (unchanged)")
            else:
                new.append(job.slug)
                yield job

    # With workers, every job is submitted now; without, each runs as it is read below.
    front_starter = FrontStarter(renderer, cache, pool)
    laid_out = _render_all(new_jobs(), templates, pool, front_starter, len(report.directors))
    pool.keep(len(new))  # started ahead of knowing what the cache holds
    meanwhile()
    # pikepdf (~0.15 s to import) only now the workers have their jobs: imported
    # sooner, it held back the first of them (the biggest: the build's critical path).
    from reportgen.packjoin import PackJoiner
    from reportgen.stamping import stamp_pdf

    joiner, joined = PackJoiner(), set()
    if pool.in_workers:
        front_starter.expect(new, _layouts(parts))  # starts it as the last one is laid out
        # In the pack's order, up to the first section being laid out: the order of the
        # joins numbers the PDF's objects, and a re-build must write a fresh build's bytes.
        for slug in itertools.takewhile(parts.__contains__, (d.slug for d in report.directors)):
            stored = parts[slug]
            # Between joins, a layout done meanwhile starts the front now, and a worker
            # with nothing left to do ends now (idle, it held ~80 MB beside the joins).
            pool.poll()
            # Beside a job still running (a layout, or the front), this process grows
            # only within the memory budget: the joins take it to ~270 MB at 1,000
            # indicators.
            while pool.busy and not room_to_grow(pool.worker_pids):
                pool.wait_any()  # the next answer, or a worker's end
            joiner.add_section(slug, stored.body_pdf, stored.front_pages)
            parts[slug] = replace(stored, body_pdf=b"")  # joined: the front needs only its layout
            joined.add(slug)
    with _SpilledBodies() as bodies:
        # Each director's PDFs are taken in as they come, even before the front starts:
        # held until then, they were 14 MB of this process at the build's peak.
        for job, pdfs in laid_out:
            meta = {
                "front_pages": pdfs.front_pages,
                "page_names": pdfs.page_names,
                "numbered_boxes": sorted(pdfs.numbered_boxes),
                "page_anchors": pdfs.page_anchors,
            }
            # Stamped here, not by the worker: pikepdf would be 6 MB more of each one,
            # at the build's peak; it takes this process ~50 ms a director.
            own, body = stamp_pdf(pdfs.body_pdf, pdfs.numbers_pdf)
            trim_heap()
            cache.put(job.key, meta, [own, body])
            deliver(job.slug, own)
            bodies.keep(job.slug, body)
            parts[job.slug] = replace(pdfs, body_pdf=b"", numbers_pdf=b"")
            progress(len(parts), total, job.name)
        front = front_starter.task
        if front is None:  # laid out in this process
            front = start_front(renderer, _layouts(parts), cache, pool)
        give_back_memory()  # while the front is laid out: the join needs the room
        front_pdf, stamps = front()
        for director in report.directors:
            if director.slug not in joined:
                part = parts.pop(director.slug)  # stored ones, in this process, kept theirs
                body = bodies.take(director.slug) if director.slug in bodies else part.body_pdf
                joiner.add_section(director.slug, body, part.front_pages)
    remember(cache, current)
    order = [director.slug for director in report.directors]
    return lambda destination: joiner.finish(front_pdf, stamps, order, destination)
