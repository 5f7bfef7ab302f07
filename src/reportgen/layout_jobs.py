"""What the workers run: a director's layout and the pack's front, and how they start.

Lean on purpose: a worker imports this module and WeasyPrint, not the project's
loaders, Jinja, pydantic or pikepdf (the main process stamps and joins the PDFs). The
command starts its workers before it imports the rest of reportgen (see cli.build), so
they carry none of it (13 MB less each, measured) and import WeasyPrint while the main
process imports and loads the project.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.memory import give_back_memory, trim_heap
from reportgen.names import section_anchor
from reportgen.pdf import DirectorPdfs, render_director
from reportgen.pdf_front import render_front
from reportgen.weasyprint_import import load_weasyprint
from reportgen.worker_side import notify
from reportgen.workers import RenderPool

# Workers started before the project is loaded, whatever the cores: on a machine with
# many, most would have to import WeasyPrint (~30 MB each) only to be told to end.
EARLY_WORKERS = 4


@dataclass(frozen=True)
class SectionLayout:
    """What the pack's front needs of a director's laid-out section."""

    page_names: tuple[str, ...]  # each page's @page name ("" when unnamed)
    numbered_boxes: frozenset[str]  # the margin boxes showing page numbers
    page_anchors: tuple[tuple[str, ...], ...]  # the ids on each page (the front links to them)


@dataclass(frozen=True)
class DirectorJob:
    """One director's own pack, to be laid out by a worker."""

    slug: str
    name: str
    html: str
    key: str


def lay_out_director(item: tuple[DirectorJob, Path | None]) -> tuple[str, DirectorPdfs]:
    """A worker's job: a director's PDFs, telling the main process the section's page
    names as soon as they are known (the front can start then)."""
    job, templates = item

    def laid_out(
        names: tuple[str, ...], numbered: frozenset[str], anchors: tuple[tuple[str, ...], ...]
    ) -> None:
        notify((job.slug, SectionLayout(names, numbered, anchors)))
        # The layout's style cache is freed by now (pdf.lay_out): its heap pages go back
        # before the PDFs are written, so that writing does not add to them.
        trim_heap()

    try:
        pdfs = render_director(job.html, section_anchor(job.slug), templates, laid_out)
    except BaseException:
        notify((job.slug, None))  # whoever waits for this layout must stop waiting
        raise
    # A laid-out document is a web of cycles: free it now, before the next director,
    # not whenever the collector next runs (measured: lower peak memory per worker).
    give_back_memory()
    return job.slug, pdfs


def lay_out_front(item: tuple[str, str, frozenset[str], Path | None]) -> tuple[bytes, bytes]:
    """A worker's job: the pack's front and its page-number stamps (see render_front)."""
    return render_front(*item)


def prepare_worker() -> None:
    """Imports, in a worker as it starts, what laying out needs (WeasyPrint)."""
    load_weasyprint()


def start_workers(pool: RenderPool, jobs: int) -> None:
    """Starts workers, prepared to lay out, for up to `jobs` jobs (adding to any running)."""
    pool.start(jobs, preload=prepare_worker)
