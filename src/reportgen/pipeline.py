"""The PDFs of a pack: from its parts when the templates allow it, else laid out whole."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from reportgen.cache import RenderCache
from reportgen.parts import Deliver, DirectorHtml, Progress, WritePdf, split_pack_pdf
from reportgen.pdf import SplitError, render_pdf
from reportgen.render import Renderer
from reportgen.template_folders import template_search_path
from reportgen.workers import RenderPool

__all__ = ["Deliver", "DirectorHtml", "Progress", "WritePdf", "page_sides_matter", "render_pack_pdfs"]

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
    director_html: DirectorHtml,
    cache: RenderCache,
    pool: RenderPool,
    progress: Progress,
    meanwhile: Callable[[], None],
    deliver: Deliver,
    write_pack: Callable[[WritePdf], None],
) -> None:
    """The pack's PDF, given to `write_pack` as the way to write it; each director's PDF
    goes to `deliver` (slug, PDF) as it is made.

    Directors are laid out from their HTML, from `director_html`. `meanwhile` does the
    build's other work while the workers lay out pages; it is called exactly once.

    If the templates do not mark where a section starts (a project's own section.html
    without the id), or style pages by side, every PDF is laid out whole instead:
    slower, never wrong.
    """
    report, templates = renderer.report, renderer.project_templates
    total = len(report.directors) + 1
    called: list[bool] = []

    def once() -> None:
        if not called:
            called.append(True)
            meanwhile()

    try:
        if not report.directors or page_sides_matter(templates):
            raise SplitError("nothing to split, or pages styled by side")
        write = split_pack_pdf(renderer, director_html, cache, pool, progress, once, deliver)
        if not renderer.sections.agree([director.slug for director in report.directors]):
            raise SplitError("a section renders otherwise in the pack than in its director's pack")
        write_pack(write)
    except SplitError:
        pool.stop()  # laid out whole from here on: what the workers do is not wanted
        for done, director in enumerate(report.directors, start=1):
            deliver(director.slug, render_pdf(director_html(director), templates))
            progress(done, total, director.name)
        once()
        whole = render_pdf(renderer.pack_html(), templates)

        def write_whole(destination: BinaryIO) -> None:
            destination.write(whole)

        write_pack(write_whole)
    cache.prune()
    progress(total, total, "whole pack")
