"""Whether a director's section, laid out on its own, reads as it would inside the pack."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

# Content fetched from elsewhere in the document: inside the pack it would name the
# pack's pages (and a target laid out only there), not those of the director's own PDF.
FETCHED = {"target-counter()", "target-counters()", "target-text()"}
# Counters a section laid out alone still shows right: its page numbers are stamped
# afresh for the pack, and a list counts its own items. Any other counter may run on
# from the sections before it (an indicator numbered across the pack).
SECTION_COUNTERS = {"page", "pages", "list-item"}


def _bound(items: Any) -> bool:
    """Whether a computed content list (content, a string-set, a bookmark label) shows
    a fetched value or a counter the pack would carry on from earlier sections."""
    if not isinstance(items, Sequence) or isinstance(items, str):
        return False
    for kind, value in items:
        if kind in FETCHED:
            return True
        if kind in ("counter()", "counters()") and value[0] not in SECTION_COUNTERS:
            return True
    return False


def _shows_pack_context(style: Any) -> bool:
    string_sets = style["string_set"]
    named = string_sets if isinstance(string_sets, Sequence) and not isinstance(string_sets, str) else ()
    return (
        _bound(style["content"])
        or _bound(style["bookmark_label"])
        or any(_bound(items) for _name, items in named)
    )


def pack_context_in(pages: Iterable[Any]) -> str | None:
    """Why these laid-out pages would read otherwise inside the whole pack, or None.

    Checked on every box of the pages, margin boxes included: it is what WeasyPrint
    really computed, whatever the stylesheets' selectors.
    """
    for page in pages:
        for box in page._page_box.descendants():
            style = getattr(box, "style", None)
            if style is not None and _shows_pack_context(style):
                tag = getattr(box, "element_tag", "?")
                return f"<{tag}> shows a counter or a reference that the whole pack would number"
    return None
