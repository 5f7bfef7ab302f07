"""HTML to PDF with WeasyPrint: whole documents, and a director's pages split for reuse
(the pack's front, which numbers the split pages in the pack, is pdf_front.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.errors import ReportgenError, display_path
from reportgen.fetcher import asset_fetcher, drop_attachments
from reportgen.layout_styles import render_releasing_styles
from reportgen.pdf_tags import finish_tags
from reportgen.section_checks import pack_context_in
from reportgen.template_folders import template_search_path
from reportgen.weasyprint_import import load_weasyprint

# The PDF flavour every writer uses (None: plain PDF). One place, so the pack's parts
# and the director PDFs always agree, and so the cache key can name it. PDF/UA-1: a
# tagged PDF (structure tree, /Lang from <html lang>, /Title from <title>, table
# headers) so screen readers can read the published pack.
PDF_VARIANT: str | None = "pdf/ua-1"

# A margin box whose content counts pages must differ between a director's own PDF
# ("Page 2 of 9") and the pack ("Page 40 of 180"); every other box is the same in both.
PAGE_COUNTERS = {"page", "pages"}


class SplitError(Exception):
    """The pack cannot be joined from the directors' own layouts (no section marked where
    it starts, pages styled by side, a page-number box that shows more than numbers, a
    counter that needs the whole pack, numbers that do not match the pages): it is laid
    out whole instead."""


@dataclass(frozen=True)
class DirectorPdfs:
    """A director's own pack, laid out once: its pages without numbers, and the numbers.

    Their own PDF is the numbers stamped onto the body (stamping.stamp_pdf). The pack
    takes the body's pages from `front_pages` on (the section) and stamps the pack's
    page numbers on them.
    """

    body_pdf: bytes  # every page, without the boxes that show page numbers
    numbers_pdf: bytes  # those boxes alone, a page per body page (plain, untagged)
    front_pages: int  # the director's cover and summary, before their section
    page_names: tuple[str, ...]  # each section page's @page name ("" when unnamed)
    numbered_boxes: frozenset[str]  # at-keywords of the page-number boxes, "@bottom-right"
    page_anchors: tuple[tuple[str, ...], ...]  # the ids on each section page


def weasy_html(html: str, project_templates: Path | None) -> Any:
    html_class = load_weasyprint().HTML  # slow to import: only when a PDF is made
    folders = template_search_path(project_templates)
    return html_class(string=html, base_url=folders[0].as_uri() + "/", url_fetcher=asset_fetcher(folders))


def write_pdf(document: Any, tagged: bool = True) -> bytes:
    """The document as PDF; stamps (tagged=False) are plain: the page they mark is tagged."""
    drop_attachments(document)
    if not tagged:
        plain: bytes = document.write_pdf()
        return plain
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT, finisher=finish_tags)
    return pdf


def lay_out(html: str, project_templates: Path | None, **options: Any) -> Any:
    """WeasyPrint's layout of the HTML (its Document), with `options` for render()."""
    try:
        return render_releasing_styles(weasy_html(html, project_templates), **options)
    except RecursionError:
        # WeasyPrint builds and lays out its boxes by recursion, several calls per level
        # of elements: HTML nested more than ~110 deep (measured; a template opening an
        # element in a loop, never closing it) ends Python's stack. The built-in
        # templates nest far less.
        where = display_path(project_templates) if project_templates is not None else "templates"
        message = (
            f"{where}: the pages' HTML nests elements too deeply to lay out (more than about "
            "a hundred levels): does a template open an element inside a loop and never close it?"
        )
        raise ReportgenError(message) from None


def render_pdf(html: str, project_templates: Path | None) -> bytes:
    """A PDF of the HTML; relative URLs resolve against the first template folder."""
    return write_pdf(lay_out(html, project_templates))


def _page_counter(kind: str, value: Any) -> bool:
    """Whether a content item is counter(page) or counter(pages) (or counters())."""
    return kind in ("counter()", "counters()") and value[0] in PAGE_COUNTERS


def counts_pages(box: Any) -> bool:
    """Whether a margin box's content uses counter(page) or counter(pages)."""
    content = box.style["content"]
    if not isinstance(content, (list, tuple)):
        return False
    return any(_page_counter(kind, value) for kind, value in content)


# What the pack's front can lay out for a section page it does not hold: fixed text and
# images, and the page counters. A running string or element would come out as it
# stands on the front's pages, not as on the section's.
FIXED_CONTENT = {"string", "url"}


def _stampable(box: Any) -> bool:
    """Whether a page-number box shows only page counters, fixed text and images."""
    return all(kind in FIXED_CONTENT or _page_counter(kind, value) for kind, value in box.style["content"])


def _children(page: Any) -> tuple[Any, ...]:
    return tuple(page._page_box.children)


def set_page_boxes(page: Any, children: tuple[Any, ...], stamp: bool = False) -> None:
    """Replaces a laid-out page's boxes (its body and its margin boxes are its children)."""
    box = page._page_box
    box.children = children
    if stamp:  # a stamp must not paint the page's background over the page it marks
        box.background = box.canvas_background = None


def _is_margin(box: Any) -> bool:
    return hasattr(box, "at_keyword")


def page_number_boxes(page: Any) -> tuple[Any, ...]:
    return tuple(box for box in _children(page) if _is_margin(box) and counts_pages(box))


def _has_id(box: Any, anchor: str) -> bool:
    element = getattr(box, "element", None)
    return element is not None and element.get("id") == anchor


FORCED_BREAKS = {"page", "left", "right", "recto", "verso"}


def _comes_first(box: Any, anchor: str) -> bool:
    """Whether, among `box`'s children on this page, the element `anchor` comes first,
    after a forced break of its own (so it would start a page in the whole pack too)."""
    for child in getattr(box, "children", ()):
        if _has_id(child, anchor):
            return child.style["break_before"] in FORCED_BREAKS
        if any(_has_id(inner, anchor) for inner in getattr(child, "descendants", tuple)()):
            return _comes_first(child, anchor)  # a wrapper that opens with the section
        return False  # something else is laid out on the page before the section
    return False


def first_page_with(document: Any, anchor: str) -> int:
    """The page where the element `anchor` starts, which it must start: reusing its
    pages elsewhere would otherwise carry whatever precedes it on that page."""
    for index, page in enumerate(document.pages):
        if anchor in page.anchors:
            if not _comes_first(page._page_box.children[0], anchor):
                raise SplitError(f"#{anchor} does not always start a page")
            return int(index)
    raise SplitError(f"no element with id {anchor!r}")


# Told, as soon as a director is laid out, what the pack's front needs: the section's
# page names, page-number boxes and ids (see pdf_front.render_front).
OnLayout = Callable[[tuple[str, ...], frozenset[str], tuple[tuple[str, ...], ...]], None]


def render_director(
    html: str, anchor: str, project_templates: Path | None, on_layout: OnLayout | None = None
) -> DirectorPdfs:
    """Lays out a director's own pack once; writes its body, then its page numbers alone.

    Stamping the numbers on the body gives the director's PDF; writing the section's
    pages twice, with and without them, would cost a second full write. The section
    starts on the page holding the element `anchor`.
    """
    document = lay_out(html, project_templates)
    start = first_page_with(document, anchor)
    numbers = [page_number_boxes(page) for page in document.pages]
    section = document.pages[start:]
    names = tuple(str(page._page_box.page_type.name) for page in section)
    numbered = frozenset(str(box.at_keyword) for page in numbers[start:] for box in page)
    if not all(_stampable(box) for page in numbers[start:] for box in page):
        raise SplitError("a page-number box also shows running content")
    if reason := pack_context_in(section):
        raise SplitError(reason)
    anchors = tuple(tuple(page.anchors) for page in section)
    if on_layout is not None:
        on_layout(names, numbered, anchors)
    for page, shown in zip(document.pages, numbers, strict=True):
        set_page_boxes(page, tuple(box for box in _children(page) if box not in shown))
    body = write_pdf(document)
    for page, shown in zip(document.pages, numbers, strict=True):
        set_page_boxes(page, shown, stamp=True)
    numbers_pdf = write_pdf(document, tagged=False)
    return DirectorPdfs(body, numbers_pdf, start, names, numbered, anchors)
