"""A PDF's navigation, carried from part PDFs into the pack: outline and named destinations."""

from __future__ import annotations

from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, NameTree, Pdf

# A part's page (by object id) → the pack's copy of it. Pages left out are not keys.
PageMap = dict[tuple[int, int], pikepdf.Object]
# An outline as (title, destination, children).
Outline = list[tuple[str, Array, Any]]


def map_destination(destination: pikepdf.Object, pages: PageMap) -> Array | None:
    """A destination `[page /XYZ x y zoom]` moved to the pack's page, or None if left out."""
    page = pages.get(destination[0].objgen)
    return None if page is None else Array([page, *list(destination)[1:]])


def read_outline(parent: pikepdf.Object | None, pages: PageMap) -> Outline:
    """The outline under `parent`, mapped to the pack's pages.

    An item on a page left out (a director's own cover or summary) is dropped; any
    children it has on kept pages take its place.
    """
    tree: Outline = []
    item = None if parent is None else parent.get("/First")
    while item is not None:
        children = read_outline(item, pages)
        destination = map_destination(item.Dest, pages)
        if destination is None:
            tree += children
        else:
            tree.append((str(item.Title), destination, children))
        item = item.get("/Next")
    return tree


def write_outline(pdf: Pdf, tree: Outline, parent: pikepdf.Object) -> int:
    """Writes outline items under `parent`; returns how many are visible (all open)."""
    items = [
        pdf.make_indirect(Dictionary(Title=pikepdf.String(title), Dest=dest, Parent=parent))
        for title, dest, _children in tree
    ]
    count = len(items)
    for index, (item, (_title, _dest, children)) in enumerate(zip(items, tree, strict=True)):
        if index:
            item.Prev = items[index - 1]
            items[index - 1].Next = item
        if children:
            item.Count = write_outline(pdf, children, item)
            count += int(item.Count)
    if items:
        parent.First, parent.Last = items[0], items[-1]
    return count


def read_destinations(pdf: Pdf, pages: PageMap) -> dict[str, Array]:
    """The named destinations (HTML ids) on kept pages, mapped to the pack's pages."""
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    found = {}
    for name, destination in NameTree(names.Dests).items():
        mapped = map_destination(destination, pages)
        if mapped is not None:
            found[str(name)] = mapped
    return found


def write_navigation(pdf: Pdf, outline: Outline, destinations: dict[str, Array]) -> None:
    """Replaces a PDF's outline and named destinations."""
    tree = NameTree.new(pdf)
    for name in sorted(destinations):
        tree[name] = destinations[name]
    pdf.Root.Names = pdf.make_indirect(Dictionary(Dests=tree.obj))
    outlines = pdf.make_indirect(Dictionary(Type=pikepdf.Name.Outlines))
    outlines.Count = write_outline(pdf, outline, outlines)
    pdf.Root.Outlines = outlines
