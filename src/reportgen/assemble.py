"""Stamps page numbers onto laid-out pages, and joins the pack from its parts.

A director's own PDF is its body with its own page numbers stamped on. The pack is
its front (cover and summary, laid out with one empty slot page per section page so
its numbers, contents references and links are the pack's; the slots are not written)
followed by the section pages, each stamped with its slot's page numbers; the
sections' outline, named destinations and structure tree (PDF/UA tags) are grafted
onto the front's, their keys renumbered.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

import pikepdf
from pikepdf import Name, Pdf

from reportgen.pdf import SplitError
from reportgen.pdfnav import PageMap, read_destinations, read_outline, write_navigation


def _stamp(page: pikepdf.Page, stamp: pikepdf.Page, number: int) -> None:
    """Draws a stamp page's content over a page, under a name fixed by the page number.

    (pikepdf's add_overlay picks a random name: the pack would differ run to run. The
    name differs per page because a part's pages share one resource dictionary.) The
    stamp is marked as an artifact, as PDF/UA wants page numbers to be.
    """
    form = stamp.as_form_xobject()
    name = page.add_resource(form, Name.XObject, name=Name(f"/ReportgenPageNumber{number}"))
    placement = page.calc_form_xobject_placement(form, name, pikepdf.Rectangle(page.trimbox))
    # Added as streams of their own: joining them with the page's would decompress and
    # compress again every page's content (measured: most of the pack's save time).
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"Q\n/Artifact BMC\n" + placement + b"\nEMC\n", prepend=False)


def _save(pdf: Pdf) -> bytes:
    output = BytesIO()
    # deterministic_id: the same input gives the same bytes. Object streams generated:
    # the structure elements packed and compressed together, a third of the size and
    # faster to write than as separate objects.
    pdf.save(output, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return output.getvalue()


def stamp_pdf(body: bytes, numbers: bytes) -> bytes:
    """A director's own PDF: each page of the body with its page numbers stamped on."""
    pdf, stamps = Pdf.open(BytesIO(body)), Pdf.open(BytesIO(numbers))
    if len(pdf.pages) != len(stamps.pages):
        raise SplitError("the page numbers do not match the pages")
    for number, (page, stamp) in enumerate(zip(pdf.pages, stamps.pages, strict=True), 1):
        _stamp(page, stamp, number)
    return _save(pdf)


def _parent_tree(root: pikepdf.Object) -> list[tuple[int, pikepdf.Object]]:
    numbers = list(root.ParentTree.Nums)
    return [(int(key), value) for key, value in zip(numbers[::2], numbers[1::2], strict=True)]


def _keys_on(pages: Sequence[pikepdf.Object]) -> set[int]:
    """The structure keys of pages and of their annotations (links)."""
    keys = {int(page.StructParents) for page in pages if "/StructParents" in page}
    for page in pages:
        keys |= {int(a.StructParent) for a in page.get("/Annots", []) if "/StructParent" in a}
    return keys


def _graft_structure(pack: Pdf, part: Pdf, pages: PageMap, next_key: int) -> int:
    """Moves a part's tags for the kept pages under the pack's Document element.

    Returns the next free key of the pack's parent tree.
    """
    root, pack_root = part.Root.get("/StructTreeRoot"), pack.Root.get("/StructTreeRoot")
    if root is None or pack_root is None:
        return next_key
    document, part_document = pack_root.K[0], root.K[0]
    del part_document["/P"]  # copy the elements, not the part's whole tree
    for element in part_document.K:
        if "/Pg" in element and element.Pg.objgen in pages:
            copied = pack.copy_foreign(element)
            copied.P = document
            document.K.append(copied)
    entries = _parent_tree(root)
    kept = _keys_on(list(pages.values()))
    for key, value in entries:
        if key in kept:
            if not value.is_indirect:  # a page's array: copied in one call, not per item
                value = part.make_indirect(value)
            value = pack.copy_foreign(value)
            pack_root.ParentTree.Nums.append(key + next_key)
            pack_root.ParentTree.Nums.append(value)
    for page in pages.values():
        if "/StructParents" in page:
            page.StructParents = int(page.StructParents) + next_key
        for annotation in page.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + next_key
    return next_key + max((key for key, _ in entries), default=-1) + 1


def _next_key(pdf: Pdf) -> int:
    """The first key after those in a PDF's parent tree."""
    root = pdf.Root.get("/StructTreeRoot")
    return 0 if root is None else max((key for key, _ in _parent_tree(root)), default=-1) + 1


def _last_object_number(pdf: Pdf) -> int:
    objects = pdf.objects  # in object number order
    return int(objects[-1].objgen[0]) if len(objects) else 0


def _own_streams(pack: Pdf, last_before: int) -> int:
    """Copies into the pack the data of the streams numbered after `last_before` (copied
    from a part: qpdf would read their data from the part's file only when saving).

    Returns the pack's last object number."""
    last = _last_object_number(pack)
    for number in range(last_before + 1, last + 1):
        stream = pack.get_object(number, 0)
        if isinstance(stream, pikepdf.Stream):
            encoding: Any = (stream.get("/Filter"), stream.get("/DecodeParms"))
            stream.write(stream.read_raw_bytes(), filter=encoding[0], decode_parms=encoding[1])
    return last


def assemble_pack(front: bytes, stamps: bytes, parts: Sequence[tuple[bytes, int]]) -> bytes:
    """The whole pack from its front, the stamps of the sections' pages and, per
    director, (body PDF, first section page)."""
    pack = Pdf.open(BytesIO(front))
    front_pages = len(pack.pages)
    stamp_pdf = Pdf.open(BytesIO(stamps))
    numbers = list(stamp_pdf.pages)
    kept_front: PageMap = {page.obj.objgen: page.obj for page in pack.pages}
    outline = read_outline(pack.Root.get("/Outlines"), kept_front)
    destinations = read_destinations(pack, kept_front)
    next_key = _next_key(pack)
    stamped, last_number = 0, _last_object_number(pack)
    for body, start in parts:
        # One part open at a time, its streams copied before it closes: holding all
        # of them open until the save measured 2x the memory at 1,000 indicators.
        with Pdf.open(BytesIO(body)) as part:
            if stamped + len(part.pages) - start > len(numbers):
                # The front was laid out differently from the sections: stamping would misnumber.
                raise SplitError(f"{len(numbers)} page-number slots for more section pages")
            pages: PageMap = {}
            for page in part.pages[start:]:
                pack.pages.append(page)
                pages[page.obj.objgen] = pack.pages[-1].obj
                _stamp(pack.pages[-1], numbers[stamped], front_pages + stamped + 1)
                stamped += 1
            outline += read_outline(part.Root.get("/Outlines"), pages)
            destinations.update(read_destinations(part, pages))
            next_key = _graft_structure(pack, part, pages, next_key)
            last_number = _own_streams(pack, last_number)
    if stamped != len(numbers):
        raise SplitError(f"{len(numbers)} page-number slots for {stamped} section pages")
    if "/StructTreeRoot" in pack.Root:
        pack.Root.StructTreeRoot.ParentTreeNextKey = next_key
    write_navigation(pack, outline, destinations)
    return _save(pack)
