"""A WeasyPrint layout whose style cache is let go as soon as its pages are laid out."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from reportgen.weasyprint_import import load_weasyprint

# The layout contexts made by this thread's layout in progress (None: no layout of ours).
_made = threading.local()

# What a layout context holds only for laying out: the style cache, and the state that
# refers to laid-out boxes (tables, running elements and strings, pages in progress,
# footnotes, floats). Kept: its image loader, fonts, counter styles and hyphenation
# dictionaries, which drawing an SVG image reads through the context.
LAYOUT_STATE = (
    "style_for", "target_collector", "tables", "running_elements", "string_set",
    "page_maker", "current_page", "broken_out_of_flow", "footnotes", "page_footnotes",
    "current_page_footnotes", "reported_footnotes", "rendered_notes",
    "current_footnote_area", "excluded_shapes", "_excluded_shapes",
    "_excluded_shapes_root_boxes",
)


def _keeping_contexts(build: Callable[..., Any]) -> Any:
    """Document._build_layout_context, telling this thread's layout which context it made."""

    def build_and_keep(cls: Any, *args: Any, **kwargs: Any) -> Any:
        context = build(cls, *args, **kwargs)
        contexts = getattr(_made, "contexts", None)
        if contexts is not None:
            contexts.append(context)
        return context

    return classmethod(build_and_keep)


def render_releasing_styles(html: Any, **options: Any) -> Any:
    """html.render(**options), its layout context's style cache let go once done.

    WeasyPrint's layout context refers to itself (its image loader is bound to it), so
    it outlives the layout until the cyclic collector finds it, and with it the style
    cache: every element's cascaded and computed styles, the stylesheets' selectors,
    the unpaginated boxes (~128,000 objects for a director of 20 indicators, measured).
    A full collection finds them only by walking the laid-out document as well: ~90 ms a
    director, 6% of a worker's time. Nothing reads the cache once the pages are laid out
    (drawing, and an SVG image drawn with the context, use its image loader and fonts),
    so dropping the context's reference lets reference counting free it at once.
    """
    document_class = load_weasyprint().document.Document
    if not getattr(document_class, "_reportgen_keeps_contexts", False):
        build = document_class._build_layout_context.__func__
        document_class._build_layout_context = _keeping_contexts(build)
        document_class._reportgen_keeps_contexts = True
    _made.contexts = []
    try:
        return html.render(**options)
    finally:
        for context in _made.contexts:
            for name in LAYOUT_STATE:
                vars(context).pop(name, None)
        _made.contexts = None
