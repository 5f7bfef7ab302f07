"""Stamps page numbers, laid out on their own, onto laid-out pages.

A director's own PDF is its body with its own page numbers stamped on; the pack's
section pages get the pack's numbers the same way (see packjoin).
"""

from __future__ import annotations

from io import BytesIO
from typing import BinaryIO

import pikepdf
from pikepdf import Name, Pdf

from reportgen.pdf import SplitError


def stamp_page(page: pikepdf.Page, stamp: pikepdf.Page, number: int) -> None:
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


def save_pdf(pdf: Pdf, destination: BinaryIO, min_version: str = "") -> None:
    """Writes the PDF, the same bytes for the same content."""
    # deterministic_id: the same input gives the same bytes. Object streams generated:
    # the structure elements packed and compressed together, a third of the size and
    # faster to write than as separate objects.
    pdf.save(
        destination,
        deterministic_id=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        min_version=min_version,
    )


def stamp_pdf(body: bytes, numbers: bytes) -> tuple[bytes, bytes]:
    """A director's own PDF (each page of the body with its page numbers stamped on),
    and the body as qpdf writes it, for the pack to join.

    WeasyPrint's body holds every object in one object stream, about half of them
    structure elements emptied by pdf_tags.merge_wrappers: qpdf parses all of them to
    open it (27 ms at 1,000 indicators over 50 directors, against 2.5 ms as rewritten),
    and the pack joins every stored body on each re-build (measured: 0.45 s less).
    """
    with Pdf.open(BytesIO(body)) as pdf, Pdf.open(BytesIO(numbers)) as stamps:
        if len(pdf.pages) != len(stamps.pages):
            raise SplitError("the page numbers do not match the pages")
        rewritten = BytesIO()
        save_pdf(pdf, rewritten)  # before stamping: the pack stamps its own numbers
        for number, (page, stamp) in enumerate(zip(pdf.pages, stamps.pages, strict=True), 1):
            stamp_page(page, stamp, number)
        own = BytesIO()
        save_pdf(pdf, own)
    return own.getvalue(), rewritten.getvalue()
