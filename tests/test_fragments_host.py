"""A fragment pasted into a page with aggressive CSS of its own stays legible, in Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reportgen.main import validate
from reportgen.rag import Band
from reportgen.render import Renderer

from .a11y_browser import axe_violations, chromium, describe
from .conftest import REPO

# A host page nobody here wrote, hostile on purpose: global rules on the very elements a
# fragment is made of, some with an id's weight, and dark colours.
HOSTILE_HOST = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Host page</title>
<style>
* {{ font-family: cursive; letter-spacing: 2px; }}
body {{ background: #222; color: #eee; font-size: 9px; }}
div, article, section {{ padding: 40px; margin: 0; background: #333; color: #ccc; }}
table {{ display: block; border: 0; width: 50px; }}
tr {{ display: inline; }}
td {{ color: #eee; font-size: 6px; background: #fafafa; }}
th {{ display: none; }}
caption {{ display: none; }}
p {{ font-size: 7px; color: #444; line-height: 0.5; }}
h3 {{ font-size: 48px; text-transform: uppercase; color: #f0f; }}
span {{ display: none; }}
style {{ display: block; }}
#content table td {{ font-size: 5px; color: #fff; }}
#content p {{ visibility: hidden; }}
</style></head>
<body><div id="content"><h1>News</h1>
<table id="host-table"><tr><td>host cell</td></tr></table>
<p id="host-paragraph">Host text.</p>
{fragment}
</div></body></html>
"""

# Computed style facts, read in the page: WCAG contrast needs the colour actually painted
# behind the text, the first opaque background up the tree.
MEASURE = """element => {
  const rgb = text => text.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  let back = element;
  while (back && rgb(getComputedStyle(back).backgroundColor)[3] === 0) back = back.parentElement;
  const style = getComputedStyle(element);
  const fore = luminance(rgb(style.color));
  const behind = luminance(rgb(back ? getComputedStyle(back).backgroundColor : "rgb(255,255,255)"));
  const box = element.getBoundingClientRect();
  return {
    display: style.display, visibility: style.visibility, fontSize: parseFloat(style.fontSize),
    fontFamily: style.fontFamily, color: style.color, width: box.width, height: box.height,
    contrast: (Math.max(fore, behind) + 0.05) / (Math.min(fore, behind) + 0.05),
  };
}"""


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    """The host page with a red, commented fragment pasted in, loaded in Chromium."""
    renderer = Renderer(validate(REPO), None)
    result = next(
        r for r in renderer.report.indicators if r.band is Band.RED_DIAMOND and r.comments
    )
    html = HOSTILE_HOST.format(fragment=renderer.fragment_html(result))
    path = tmp_path_factory.mktemp("host") / "host.html"
    path.write_text(html, encoding="utf-8")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(path.as_uri())
        screenshot = path.with_suffix(".png")
        page.locator(".reportgen-fragment").screenshot(path=str(screenshot))
        # To look at it: REPORTGEN_SCREENSHOTS=/some/folder pytest tests/test_fragments_host.py
        if os.environ.get("REPORTGEN_SCREENSHOTS"):
            shutil.copy(screenshot, Path(os.environ["REPORTGEN_SCREENSHOTS"]) / "hostile-host.png")
        yield page, screenshot


def _measure(page: Any, selector: str) -> list[dict[str, Any]]:
    measured: list[dict[str, Any]] = page.locator(selector).evaluate_all(
        f"elements => elements.map({MEASURE})"
    )
    assert measured, f"nothing matches {selector}"
    return measured


def _legible(facts: dict[str, Any]) -> None:
    assert facts["visibility"] == "visible"
    assert facts["display"] != "none"
    assert facts["fontSize"] >= 12
    assert "cursive" not in facts["fontFamily"]
    assert facts["contrast"] >= 4.5, facts


def test_grid_is_still_a_table(hostile_page: tuple[Any, Path]) -> None:
    page, _ = hostile_page
    (grid,) = _measure(page, ".reportgen-fragment .grid")
    assert grid["display"] == "table"
    assert grid["width"] >= 600
    assert {f["display"] for f in _measure(page, ".reportgen-fragment .grid tr")} == {"table-row"}
    (caption,) = _measure(page, ".reportgen-fragment .grid caption")
    assert caption["display"] == "table-caption"
    _legible(caption)


def test_grid_cells_and_headers_are_legible(hostile_page: tuple[Any, Path]) -> None:
    page, _ = hostile_page
    grid = ".reportgen-fragment .grid"
    cells = _measure(page, f"{grid} td:not(.corner), {grid} th")
    assert len(cells) == 12 + 3 + 3 * 12
    for cell in cells:
        assert cell["display"] == "table-cell"
        assert cell["height"] > 0
        _legible(cell)


def test_symbols_keep_shape_colour_and_text(hostile_page: tuple[Any, Path]) -> None:
    page, _ = hostile_page
    glyphs = _measure(page, ".reportgen-fragment .grid .symbol-red_diamond .glyph")
    for glyph in glyphs:
        _legible(glyph)
        assert glyph["width"] > 0
        assert glyph["color"] == "rgb(176, 0, 32)"  # the fragment's red, not the host's
    spoken = page.locator(".reportgen-fragment .grid .symbol-red_diamond").first
    assert "Red diamond: below target" in spoken.text_content()


def test_comment_and_facts_are_legible(hostile_page: tuple[Any, Path]) -> None:
    page, _ = hostile_page
    paragraphs = ".reportgen-fragment .comments p, .reportgen-fragment .indicator-facts p"
    for facts in _measure(page, paragraphs):
        _legible(facts)
    (title,) = _measure(page, ".reportgen-fragment .indicator-title")
    _legible(title)
    assert title["fontSize"] <= 24  # not the host's 48px h3
    style = page.locator(".reportgen-fragment style")
    assert style.evaluate("s => getComputedStyle(s).display") == "none"


def test_fragment_does_not_restyle_the_host(hostile_page: tuple[Any, Path]) -> None:
    page, screenshot = hostile_page
    (host_table,) = _measure(page, "#host-table")
    assert host_table["display"] == "block"
    (host_cell,) = _measure(page, "#host-table td")
    assert host_cell["fontSize"] == 5
    (host_paragraph,) = _measure(page, "#host-paragraph")
    assert host_paragraph["visibility"] == "hidden"
    assert screenshot.stat().st_size > 10_000


def test_axe_finds_nothing_wrong_inside_the_fragment(hostile_page: tuple[Any, Path]) -> None:
    page, _ = hostile_page
    violations = axe_violations(page, within=".reportgen-fragment")
    assert violations == [], describe(violations)
