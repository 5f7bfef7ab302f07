"""The pack's front: its cover and summary, laid out with a slot page per section page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportgen.pdf import first_page_with, lay_out, page_number_boxes, set_page_boxes, write_pdf
from reportgen.weasyprint_import import load_weasyprint

# The @page name the pack's front gives slot pages standing for unnamed section pages,
# so a stylesheet can skip the margin boxes that slots do not need (see render_front).
SLOT_PAGE = "reportgen-slot"
SIDES = {
    "top": ("@top-left", "@top-center", "@top-right"),
    "bottom": ("@bottom-left", "@bottom-center", "@bottom-right"),
    "left": ("@left-top", "@left-middle", "@left-bottom"),
    "right": ("@right-top", "@right-middle", "@right-bottom"),
    "corners": ("@top-left-corner", "@top-right-corner", "@bottom-left-corner",
                "@bottom-right-corner"),
}


def _slot_stylesheet(numbered_boxes: frozenset[str]) -> str:
    """Turns off, on slot pages, the margin boxes no slot needs.

    A box is kept if it shows page numbers on some section page, and so is every box on
    the same side as one: the boxes of a side share its width, so removing a neighbour
    could move the numbers. (`!important`: a user stylesheet must beat the author's.)
    """
    dropped = []
    for side, keywords in SIDES.items():
        if side == "corners":
            dropped += [k for k in keywords if k not in numbered_boxes]
        elif not numbered_boxes.intersection(keywords):
            dropped += keywords
    rules = " ".join(f"{keyword} {{ content: none !important; }}" for keyword in dropped)
    return f"@page {SLOT_PAGE} {{ {rules} }}"


def _keep_link_targets(front: list[Any], slots: list[Any]) -> None:
    """Lists the slots' anchors on the front's last page.

    The front's PDF leaves the slots out, and WeasyPrint drops a link whose anchor it
    does not write: the contents' links to the sections would go. Kept as names, they
    are pointed at the sections' own pages when the pack is joined (see packjoin).
    """
    for slot in slots:
        for name, position in slot.anchors.items():
            front[-1].anchors.setdefault(name, position)


def render_front(
    html: str,
    front_pages_end: str,
    numbered_boxes: frozenset[str],
    project_templates: Path | None,
) -> tuple[bytes, bytes]:
    """The pack's cover and summary, laid out with one empty slot page per section page.

    Laid out as one document so the slots carry the pack's real page numbers, its
    contents' page references and links. On the slot pages only the page-number boxes
    are kept: they are stamped onto the sections' pages. Returns the front's PDF (the
    pages before the element `front_pages_end`, which starts the first slot) and the
    slot pages alone as plain, untagged stamps.
    """
    slots = load_weasyprint().CSS(string=_slot_stylesheet(numbered_boxes))
    document = lay_out(html, project_templates, stylesheets=[slots])
    first_slot = first_page_with(document, front_pages_end)
    front, slot_pages = document.pages[:first_slot], document.pages[first_slot:]
    for page in slot_pages:
        set_page_boxes(page, page_number_boxes(page), stamp=True)
    stamps = write_pdf(document.copy(slot_pages), tagged=False)
    _keep_link_targets(front, slot_pages)
    return write_pdf(document.copy(front)), stamps
