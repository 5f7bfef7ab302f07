"""Joins the pack's PDF: the directors' sections as they come, then the front before them.

Each section is the part of a director's body PDF after their own cover and summary.
Its pages, structure tree (PDF/UA tags), outline and named destinations are copied in
as soon as it is added, one part open at a time. The front (the pack's cover and
summary, laid out with a slot page per section page, see pdf_front.render_front) can
only be laid out once every section's pages are known, so it is added last, put first,
and the slots' page numbers are stamped onto the section pages then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any, BinaryIO

import pikepdf
from pikepdf import Array, Dictionary, Pdf

from reportgen.pdf import SplitError
from reportgen.pdfnav import Outline, PageMap, read_destinations, read_outline, write_navigation
from reportgen.stamping import save_pdf, stamp_page

# Catalog entries the join writes itself; every other entry is the front's.
JOINED = {"/Type", "/Pages", "/StructTreeRoot", "/Outlines", "/Names"}


@dataclass
class _Tags:
    """A part's structure elements and parent-tree entries, keyed as in the part."""

    elements: list[pikepdf.Object] = field(default_factory=list)
    entries: list[tuple[int, pikepdf.Object]] = field(default_factory=list)


@dataclass
class _Section:
    pages: list[pikepdf.Object]
    tags: _Tags
    outline: Outline
    destinations: dict[str, Array]


def _parent_tree(root: pikepdf.Object) -> list[tuple[int, pikepdf.Object]]:
    numbers = list(root.ParentTree.Nums)
    return [(int(key), value) for key, value in zip(numbers[::2], numbers[1::2], strict=True)]


def _keys_on(pages: Sequence[pikepdf.Object]) -> set[int]:
    """The structure keys of pages and of their annotations (links)."""
    keys = {int(page.StructParents) for page in pages if "/StructParents" in page}
    for page in pages:
        keys |= {int(a.StructParent) for a in page.get("/Annots", []) if "/StructParent" in a}
    return keys


def _copy_tags(pack: Pdf, part: Pdf, pages: PageMap) -> _Tags:
    """Copies the part's structure elements and parent-tree entries for the kept pages."""
    tags = _Tags()
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


def _next_object_number(pdf: Pdf) -> int:
    """The number qpdf will give the next new object: one past the highest (found by
    making a throwaway object, which is never saved: nothing refers to it)."""
    return int(pdf.make_indirect(Dictionary()).objgen[0])


def _own_streams(pack: Pdf, first: int) -> int:
    """Copies into the pack the data of the streams numbered from `first` on (copied
    from a part: qpdf would read their data from the part's file only when saving).

    Returns the number the next object copied in will get."""
    end = _next_object_number(pack)
    for number in range(first, end):
        stream = pack.get_object(number, 0)
        if isinstance(stream, pikepdf.Stream):
            encoding: Any = (stream.get("/Filter"), stream.get("/DecodeParms"))
            stream.write(stream.read_raw_bytes(), filter=encoding[0], decode_parms=encoding[1])
    return end + 1


def _renumber(pages: Sequence[pikepdf.Object], offset: int) -> None:
    """Moves the structure keys of pages and their links by `offset`."""
    for page in pages:
        if "/StructParents" in page:
            page.StructParents = int(page.StructParents) + offset
        for annotation in page.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset


class PackJoiner:
    """The pack's PDF, joined from sections added in any order and a front added last."""

    def __init__(self) -> None:
        self._pack = Pdf.new()
        self._sections: dict[str, _Section] = {}
        self._first_new = 1  # the first object number not yet given its own streams

    def add_section(self, name: str, body: bytes, first_page: int) -> None:
        """Copies in the pages of a body PDF from `first_page` on, with their tags and
        navigation; the part is closed again at once (holding every part open until
        the save measured twice the memory at 1,000 indicators)."""
        pack = self._pack
        with Pdf.open(BytesIO(body)) as part:
            # Copied, not yet in the page tree: the front goes first, and the sections
            # go in the pack's order, not the order they come in.
            pages: PageMap = {
                page.obj.objgen: pack.copy_foreign(page.obj) for page in part.pages[first_page:]
            }
            section = _Section(
                list(pages.values()),
                _copy_tags(pack, part, pages),
                read_outline(part.Root.get("/Outlines"), pages),
                read_destinations(part, pages),
            )
            self._first_new = _own_streams(pack, self._first_new)
        self._sections[name] = section

    def finish(self, front: bytes, stamps: bytes, order: Sequence[str], destination: BinaryIO) -> None:
        """Writes the pack: the front's pages, then each section in `order`, numbered by
        the stamps (one page per section page, in order). Written straight to the file,
        not made as bytes first: the save is the build's peak of memory."""
        pack = self._pack
        sections = [self._sections[name] for name in order]
        section_pages = [page for section in sections for page in section.pages]
        with Pdf.open(BytesIO(front)) as front_pdf, Pdf.open(BytesIO(stamps)) as stamp_pdf:
            if len(stamp_pdf.pages) != len(section_pages):
                # The front was laid out differently from the sections: stamping would misnumber.
                raise SplitError(f"{len(stamp_pdf.pages)} page-number slots for {len(section_pages)} pages")
            front_pages: PageMap = {}
            for page in front_pdf.pages:
                pack.pages.append(page)
                front_pages[page.obj.objgen] = pack.pages[-1].obj
            for number, (section_page, stamp) in enumerate(zip(section_pages, stamp_pdf.pages, strict=True)):
                pack.pages.append(pikepdf.Page(section_page))
                stamp_page(pack.pages[-1], stamp, len(front_pages) + number + 1)
            self._join_tags(front_pdf, sections)
            self._copy_catalog(front_pdf)
            outline = read_outline(front_pdf.Root.get("/Outlines"), front_pages)
            destinations = read_destinations(front_pdf, front_pages)
            for section in sections:
                outline += section.outline
                destinations.update(section.destinations)
            write_navigation(pack, outline, destinations)
            save_pdf(pack, destination, min_version=front_pdf.pdf_version)

    def _join_tags(self, front: Pdf, sections: Sequence[_Section]) -> None:
        """The front's structure tree, with each section's elements after its own and
        the sections' parent-tree keys moved past the front's."""
        if "/StructTreeRoot" not in front.Root:
            return
        pack = self._pack
        root = pack.copy_foreign(front.Root.StructTreeRoot)
        pack.Root.StructTreeRoot = root
        document, nums = root.K[0], root.ParentTree.Nums
        next_key = max((key for key, _ in _parent_tree(root)), default=-1) + 1
        for section in sections:
            for element in section.tags.elements:
                element.P = document
                document.K.append(element)
            for key, value in section.tags.entries:
                nums.append(key + next_key)
                nums.append(value)
            _renumber(section.pages, next_key)
            next_key += max((key for key, _ in section.tags.entries), default=-1) + 1
        root.ParentTreeNextKey = next_key

    def _copy_catalog(self, front: Pdf) -> None:
        """The front's document-wide entries: language, XMP metadata, viewer settings."""
        pack = self._pack
        for key, value in front.Root.items():
            if key in JOINED:
                continue
            if isinstance(value, (Dictionary, Array)) and not value.is_indirect:
                value = front.make_indirect(value)
            pack.Root[key] = pack.copy_foreign(value) if value.is_indirect else value
        if "/Info" in front.trailer:
            pack.trailer.Info = pack.copy_foreign(front.trailer.Info)
