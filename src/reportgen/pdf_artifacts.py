"""Margin boxes (running headers, footers) marked as pagination artifacts in tagged PDFs.

WeasyPrint 70 tags a margin box's text as real content but leaves its structure
elements out of the tree (its comment: an artifact would only be allowed in the tree
in PDF 2.0). Content tagged with elements no reader can reach is neither read nor
declared as decoration. ISO 32000-1 (14.8.2.2.2) says running heads and feet are
pagination artifacts, which is what they become here: their marked content is
re-marked `/Artifact <</Type /Pagination>> BDC`, their parent-tree entries nulled and
their elements emptied (left unreferenced, so qpdf never copies them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pydyf

from reportgen.pdf_objects import Reference, object_number, resolved, structure_elements, structure_root


def _unreachable(pdf: Any, root: Any) -> dict[int, Any]:
    """The structure elements that the tree under `root` does not hold."""
    elements = structure_elements(pdf)
    stack = [item for item in root["K"] if isinstance(item, bytes)]
    while stack:
        element = elements.pop(object_number(stack.pop()), None)
        if element is not None:
            stack += [kid for kid in element["K"] if isinstance(kid, bytes)]
    return elements


def _drawn(pdf: Any, stream: Any, resources: Any, depth: int = 0) -> Iterator[Any]:
    """The stream and the forms it draws (WeasyPrint draws a box with opacity in one),
    which share the page's marked-content numbers."""
    yield stream
    forms = resolved(pdf, resolved(pdf, resources or {}).get("XObject")) or {}
    for item in stream.stream:
        if depth < 8 and isinstance(item, bytes) and item.endswith(b" Do"):
            form = resolved(pdf, forms.get(item[1:-3].decode()))
            if isinstance(form, pydyf.Stream) and form.extra.get("Subtype") == "/Form":
                yield from _drawn(pdf, form, form.extra.get("Resources"), depth + 1)


def _marks(streams: list[Any]) -> dict[int, tuple[Any, int]]:
    """Each marked-content sequence's MCID → (its stream, position of its properties)."""
    found = {}
    for stream in streams:
        items = stream.stream
        for index in range(1, len(items) - 1):
            properties = items[index]
            marked = isinstance(properties, pydyf.Dictionary) and items[index + 1] == b"BDC"
            if marked and "MCID" in properties:
                found[properties["MCID"]] = (stream, index)
    return found


def mark_margin_boxes_as_artifacts(pdf: Any) -> None:
    """Re-marks the content of structure elements outside the tree as artifacts.

    Page by page, all or nothing: a page whose such content holds a link, or is not
    found where expected, is left as WeasyPrint made it.
    """
    root, nums = structure_root(pdf)
    by_page: dict[Reference, list[Any]] = {}
    for element in _unreachable(pdf, root).values():
        by_page.setdefault(element["Pg"], []).append(element)
    for page_index, reference in enumerate(pdf.page_references):
        elements = by_page.get(reference, [])
        mcids = {kid for element in elements for kid in element["K"] if isinstance(kid, int)}
        kids = [kid for element in elements for kid in element["K"] if isinstance(kid, bytes)]
        if not mcids or any(resolved(pdf, kid).get("Type") != "/StructElem" for kid in kids):
            continue  # nothing to re-mark, or a link, which needs its element
        page = resolved(pdf, reference)
        streams = list(_drawn(pdf, resolved(pdf, page["Contents"]), page.get("Resources")))
        marks = _marks(streams)
        owners = nums[2 * page_index + 1]  # the page's elements, listed by MCID
        if not mcids <= marks.keys() or sorted(marks) != list(range(len(owners))):
            continue
        for mcid in mcids:
            stream, position = marks[mcid]
            stream.stream[position - 1] = "/Artifact"
            stream.stream[position] = pydyf.Dictionary({"Type": "/Pagination"})
            owners[mcid] = b"null"
        for element in elements:
            element.clear()
