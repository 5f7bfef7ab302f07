"""Finishing the tagged PDF: header cells get a scope, and text needs no element of its own."""

from __future__ import annotations

from typing import Any

from reportgen.pdf_artifacts import mark_margin_boxes_as_artifacts
from reportgen.pdf_objects import object_number, structure_elements, structure_root

# HTML's scope attribute → PDF's /Scope attribute of a TH structure element (ISO 32000 14.8.5.7).
SCOPES = {"row": "/Row", "col": "/Column", "rowgroup": "/Row", "colgroup": "/Column"}

# Elements that only group content, and say nothing of it when they carry no attributes:
# WeasyPrint wraps every run of text in a Span and a table cell's anonymous block in a
# NonStruct. Their content can belong to the element around them instead.
WRAPPERS = {"/Span", "/NonStruct"}
PLAIN_KEYS = {"Type", "S", "K", "Pg", "P"}


def scope_header_cells(document: Any) -> None:
    """Sets /Scope on every TH structure element from its cell's `scope` attribute.

    WeasyPrint 70 tags header cells as TH and lists them in each data cell's /Headers,
    but gives no TH a /Scope; PDF/UA checkers want one or the other on every table, and
    assistive technology that reads only /Scope then knows which way each header points.
    It reads the mark WeasyPrint leaves on each laid-out cell box (the cell's structure
    element), which is why WeasyPrint is pinned below 71.
    """
    for page in document.pages:
        for box in page._page_box.descendants():
            element = getattr(box, "mark", None)
            if element is None or box.element is None or box.element_tag != "th":
                continue
            scope = SCOPES.get(str(box.element.get("scope", "")).lower())
            if scope is not None and "A" in element:
                element["A"]["Scope"] = scope


def merge_wrappers(pdf: Any) -> None:
    """Gives the content of plain Span and NonStruct elements to the element around them.

    WeasyPrint makes one structure element per line of text, which doubles the size of
    the structure tree (and of the memory that joining the pack's parts takes) while
    telling a screen reader nothing: the text reads the same as its paragraph's or
    cell's own content. An emptied element is left unreferenced (pydyf numbers objects
    by position), so PDF readers never load it, and qpdf does not copy it.
    """
    elements = structure_elements(pdf)
    owner: dict[bytes, bytes] = {}  # a merged element's reference → the one holding its content

    def mergeable(kid: Any, parent: Any) -> bool:
        return kid["S"] in WRAPPERS and kid.keys() <= PLAIN_KEYS and kid.get("Pg") == parent.get("Pg")

    # Children before parents: objects are numbered as WeasyPrint made them, parents first.
    for number in sorted(elements, reverse=True):
        element = elements[number]
        kids = element.get("K")
        if not isinstance(kids, list) or element["S"] == "/Link":
            continue
        merged: list[Any] = []
        for kid in kids:
            inner = elements.get(object_number(kid)) if isinstance(kid, bytes) else None
            if inner is None or not mergeable(inner, element):
                merged.append(kid)
                continue
            for item in inner["K"]:
                if isinstance(item, bytes) and object_number(item) in elements:
                    elements[object_number(item)]["P"] = element.reference
                merged.append(item)
            owner[kid] = element.reference
            inner.clear()
        kids[:] = merged
    if owner:
        _point_marked_content_at_owners(pdf, owner)


def _point_marked_content_at_owners(pdf: Any, owner: dict[bytes, bytes]) -> None:
    """Rewrites the parent tree, which maps each page's marked content to its element."""

    def final(reference: bytes) -> bytes:
        while reference in owner:
            reference = owner[reference]
        return reference

    _root, nums = structure_root(pdf)
    for index in range(1, len(nums), 2):
        value = nums[index]
        if isinstance(value, list):
            value[:] = [final(item) if isinstance(item, bytes) else item for item in value]
        elif isinstance(value, bytes):
            nums[index] = final(value)


def finish_tags(document: Any, pdf: Any) -> None:
    """The WeasyPrint finisher for tagged PDFs: header scopes, margin boxes as
    artifacts, then merged wrappers."""
    scope_header_cells(document)
    mark_margin_boxes_as_artifacts(pdf)
    merge_wrappers(pdf)
