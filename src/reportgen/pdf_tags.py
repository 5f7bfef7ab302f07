"""Finishing the tagged PDF: each table header cell says whether it heads a row or a column."""

from __future__ import annotations

from typing import Any

# HTML's scope attribute → PDF's /Scope attribute of a TH structure element (ISO 32000 14.8.5.7).
SCOPES = {"row": "/Row", "col": "/Column", "rowgroup": "/Row", "colgroup": "/Column"}


def scope_header_cells(document: Any, pdf: Any) -> None:
    """A WeasyPrint finisher that sets /Scope on every TH from its `scope` attribute.

    WeasyPrint 70 tags header cells as TH and lists them in each data cell's /Headers,
    but gives no TH a /Scope; PDF/UA checkers want one or the other on every table, and
    assistive technology that reads only /Scope then knows which way each header points.
    It reads the mark WeasyPrint leaves on each laid-out cell box (the cell's structure
    element), which is why WeasyPrint is pinned below 71.
    """
    del pdf  # the structure elements are reached through the boxes
    for page in document.pages:
        for box in page._page_box.descendants():
            element = getattr(box, "mark", None)
            if element is None or box.element is None or box.element_tag != "th":
                continue
            scope = SCOPES.get(str(box.element.get("scope", "")).lower())
            if scope is not None and "A" in element:
                element["A"]["Scope"] = scope
