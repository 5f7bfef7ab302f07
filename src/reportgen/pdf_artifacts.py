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

Reference = bytes  # pydyf's b"12 0 R"


def _number(reference: Reference) -> int:
    return int(reference.split()[0])


def _elements(pdf: Any) -> dict[int, Any]:
    return {
        number: obj
        for number, obj in enumerate(pdf.objects)  # pydyf numbers objects by position
        if isinstance(obj, dict) and obj.get("Type") == "/StructElem"
    }


def _reachable(root: Any, elements: dict[int, Any]) -> set[int]:
    seen: set[int] = set()
    stack = [item for item in root["K"] if isinstance(item, bytes)]
    while stack:
        number = _number(stack.pop())
        if number in elements and number not in seen:
            seen.add(number)
            stack += [kid for kid in elements[number]["K"] if isinstance(kid, bytes)]
    return seen


def _marks(stream: Any) -> Iterator[tuple[int, int]]:
    """(position of the property list, MCID) of each marked-content sequence."""
    items = stream.stream
    for index in range(1, len(items) - 1):
        properties = items[index]
        if isinstance(properties, pydyf.Dictionary) and "MCID" in properties and items[index + 1] == b"BDC":
            yield index, properties["MCID"]


def mark_margin_boxes_as_artifacts(pdf: Any) -> None:
    """Re-marks the content of structure elements outside the tree as artifacts.

    All or nothing: if some such content is not found in its page's content stream,
    the PDF is left as WeasyPrint made it.
    """
    elements = _elements(pdf)
    root = pdf.objects[_number(pdf.catalog["StructTreeRoot"])]
    reachable = _reachable(root, elements)
    orphans = [number for number in elements if number not in reachable]
    wanted: dict[Reference, set[int]] = {}  # page → MCIDs to re-mark
    for number in orphans:
        element = elements[number]
        for kid in element["K"]:
            if isinstance(kid, int):
                wanted.setdefault(element["Pg"], set()).add(kid)
            elif not (isinstance(kid, bytes) and _number(kid) in elements):
                return  # a link or other object: it needs its element
    if not wanted:
        return
    pages = {reference: index for index, reference in enumerate(pdf.page_references)}
    nums = pdf.objects[_number(root["ParentTree"])]["Nums"]
    found: list[tuple[Any, int, int, int]] = []  # (stream, position, page index, MCID)
    for reference, mcids in wanted.items():
        page = pdf.objects[_number(reference)]
        stream = pdf.objects[_number(page["Contents"])]
        every = list(_marks(stream))
        marks = [(position, mcid) for position, mcid in every if mcid in mcids]
        page_nums = nums[2 * pages[reference] + 1]
        # The parent tree lists a page's elements by MCID: only so can they be found.
        if len(marks) != len(mcids) or sorted(mcid for _, mcid in every) != list(range(len(page_nums))):
            return
        found += [(stream, position, pages[reference], mcid) for position, mcid in marks]
    for stream, position, page_index, mcid in found:
        stream.stream[position - 1] = "/Artifact"
        stream.stream[position] = pydyf.Dictionary({"Type": "/Pagination"})
        nums[2 * page_index + 1][mcid] = b"null"
    for number in orphans:
        elements[number].clear()
