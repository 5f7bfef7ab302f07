"""A layout's style cache is freed when the pages are laid out; what drawing needs is kept."""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from pypdf import PdfReader

from reportgen.pdf import lay_out, write_pdf

PAGE = "<!doctype html><html lang=en><title>t</title><style>p { margin: 0 }</style>{body}"


@pytest.fixture
def no_collection() -> Iterator[None]:
    """The cyclic collector off: what is freed is freed by reference counting."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _style_caches() -> int:
    return sum(type(thing).__name__ == "StyleFor" for thing in gc.get_objects())


def test_the_style_cache_is_freed_without_a_collection(no_collection: None) -> None:
    # WeasyPrint's layout context refers to itself: left alone, it and its style cache
    # wait for a full collection, which walks the laid-out document too (~90 ms a director).
    before = _style_caches()
    document = lay_out(PAGE.replace("{body}", "<p>One</p>" * 50), None)
    assert len(document.pages) == 1
    assert _style_caches() == before


def test_an_svg_image_is_drawn_after_its_layout_context_is_emptied() -> None:
    # Drawing an SVG image reads the layout context (its image loader, fonts and
    # hyphenation dictionaries) after the layout: what it reads must still be there.
    inner = (
        "<svg xmlns='http://www.w3.org/2000/svg' width='200' height='20'>"
        "<text x='0' y='15' font-family='DejaVu Sans' font-size='12'>Nested mark</text></svg>"
    )
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' width='300' height='60'>"
        "<text x='5' y='20' font-family='DejaVu Sans' font-size='14'>Council logo text</text>"
        f"<image x='5' y='30' width='200' height='20' href='data:image/svg+xml,{quote(inner)}'/></svg>"
    )
    html = PAGE.replace("{body}", f"<p>Before</p><img alt='logo' src='data:image/svg+xml,{quote(svg)}'>")
    reader = PdfReader(io.BytesIO(write_pdf(lay_out(html, None))))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Council logo text" in text
    assert "Nested mark" in text  # loaded, while drawing, by the context's image loader
