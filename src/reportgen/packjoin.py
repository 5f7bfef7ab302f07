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
from dataclasses import dataclass
from io import BytesIO
from typing import Any, BinaryIO

import pikepdf
from pikepdf import Array, Dictionary, Pdf

from reportgen.packtags import SectionTags, copy_tags, join_tags
from reportgen.pdf import SplitError
from reportgen.pdfnav import Outline, PageMap, read_destinations, read_outline, write_navigation
from reportgen.stamping import save_pdf, stamp_page

# Catalog entries the join writes itself; every other entry is the front's.
JOINED = {"/Type", "/Pages", "/StructTreeRoot", "/Outlines", "/Names"}


@dataclass
class _Section:
    pages: list[pikepdf.Object]
    tags: SectionTags
    outline: Outline
    destinations: dict[str, Array]


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
                copy_tags(pack, part, pages),
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
            join_tags(pack, front_pdf, [(section.tags, section.pages) for section in sections])
            self._copy_catalog(front_pdf)
            outline = read_outline(front_pdf.Root.get("/Outlines"), front_pages)
            destinations = read_destinations(front_pdf, front_pages)
            for section in sections:
                outline += section.outline
                destinations.update(section.destinations)
            write_navigation(pack, outline, destinations)
            save_pdf(pack, destination, min_version=front_pdf.pdf_version)

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
