"""The sections' structure trees (PDF/UA tags) in the joined pack: copied from each
part with its pages, then hung under the front's document element, their keys moved
past the front's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Pdf

from reportgen.pdfnav import PageMap


@dataclass
class SectionTags:
    """A part's structure elements and parent-tree entries, keyed as in the part."""

    elements: list[pikepdf.Object] = field(default_factory=list)
    entries: list[tuple[int, pikepdf.Object]] = field(default_factory=list)


def _parent_tree(root: pikepdf.Object) -> list[tuple[int, pikepdf.Object]]:
    numbers = list(root.ParentTree.Nums)
    return [(int(key), value) for key, value in zip(numbers[::2], numbers[1::2], strict=True)]


def _keys_on(pages: Sequence[pikepdf.Object]) -> set[int]:
    """The structure keys of pages and of their annotations (links)."""
    keys = {int(page.StructParents) for page in pages if "/StructParents" in page}
    for page in pages:
        keys |= {int(a.StructParent) for a in page.get("/Annots", []) if "/StructParent" in a}
    return keys


def copy_tags(pack: Pdf, part: Pdf, pages: PageMap) -> SectionTags:
    """Copies the part's structure elements and parent-tree entries for the kept pages."""
    tags = SectionTags()
    root = part.Root.get("/StructTreeRoot")
    if root is None:
        return tags
    document = root.K[0]
    top = list(document.K)
    # An element WeasyPrint leaves out of the tree (a margin box's, where it could not be
    # made an artifact, see pdf_artifacts) points up at the document: copying it would
    # copy the part's whole tree (its cover's and summary's elements too). Such elements
    # now point at a bare document.
    del document["/P"]
    document.K = Array()
    for element in top:
        if "/Pg" in element and element.Pg.objgen in pages:
            del element["/P"]  # copy the element, not the part's tree it points back to
            tags.elements.append(pack.copy_foreign(element))
    kept = _keys_on(list(pages.values()))
    for key, value in _parent_tree(root):
        if key in kept:
            if not value.is_indirect:  # a page's array: copied in one call, not per item
                value = part.make_indirect(value)
            tags.entries.append((key, pack.copy_foreign(value)))
    return tags


def _renumber(pages: Sequence[pikepdf.Object], offset: int) -> None:
    """Moves the structure keys of pages and their links by `offset`."""
    for page in pages:
        if "/StructParents" in page:
            page.StructParents = int(page.StructParents) + offset
        for annotation in page.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset


# A section's tags and its pages (in the pack), in the pack's order.
TaggedPages = tuple[SectionTags, Sequence[pikepdf.Object]]


def join_tags(pack: Pdf, front: Pdf, sections: Sequence[TaggedPages]) -> None:
    """The front's structure tree, with each section's elements after its own and
    the sections' parent-tree keys moved past the front's."""
    if "/StructTreeRoot" not in front.Root:
        return
    root = pack.copy_foreign(front.Root.StructTreeRoot)
    pack.Root.StructTreeRoot = root
    document, nums = root.K[0], root.ParentTree.Nums
    next_key = max((key for key, _ in _parent_tree(root)), default=-1) + 1
    for tags, pages in sections:
        for element in tags.elements:
            element.P = document
            document.K.append(element)
        for key, value in tags.entries:
            nums.append(key + next_key)
            nums.append(value)
        _renumber(pages, next_key)
        next_key += max((key for key, _ in tags.entries), default=-1) + 1
    root.ParentTreeNextKey = next_key
