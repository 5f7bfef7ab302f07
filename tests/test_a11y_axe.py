"""axe-core finds no WCAG 2.2 AA violation in the HTML pack, a director's pack and the fragments."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reportgen.main import validate
from reportgen.render import Renderer

from .a11y_browser import axe_violations, chromium, describe
from .conftest import REPO

# A page nobody here wrote, as plain as a host page gets: the fragment is its main content.
MINIMAL_HOST = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Council performance</title></head>
<body><main><h1>How we are doing</h1><h2>Children's services</h2>
{fragment}
</main></body></html>
"""


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(validate(REPO), None)


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    with chromium() as browser:
        page = browser.new_page()
        yield page
        page.close()


def _check(page: Any, path: Path, html: str) -> None:
    path.write_text(html, encoding="utf-8")
    page.goto(path.as_uri())
    violations = axe_violations(page)
    assert violations == [], f"{path.name}:\n{describe(violations)}"


def test_pack_has_no_violations(page: Any, renderer: Renderer, tmp_path: Path) -> None:
    _check(page, tmp_path / "report.html", renderer.pack_html())


def test_director_pack_has_no_violations(page: Any, renderer: Renderer, tmp_path: Path) -> None:
    director = renderer.report.directors[-1]
    _check(page, tmp_path / f"{director.slug}.html", renderer.director_html(director))


def test_fragments_index_has_no_violations(
    page: Any, renderer: Renderer, tmp_path: Path
) -> None:
    _check(page, tmp_path / "index.html", renderer.fragments_index_html())


@pytest.mark.parametrize("width", [1280, 360])
def test_fragment_in_a_host_page_has_no_violations(
    page: Any, renderer: Renderer, tmp_path: Path, width: int
) -> None:
    # At 360px (a phone) the grid is wider than the page and the fragment scrolls sideways.
    page.set_viewport_size({"width": width, "height": 900})
    # One fragment of each kind the default project has: red, green, blue, missing comment.
    seen: set[tuple[str, bool]] = set()
    try:
        for result in renderer.report.indicators:
            kind = (result.band.value, result.comment_missing)
            if kind in seen:
                continue
            seen.add(kind)
            fragment = renderer.fragment_html(result)
            _check(page, tmp_path / "host.html", MINIMAL_HOST.format(fragment=fragment))
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
    assert len(seen) >= 3


WORDS_BROKEN = """
(selector) => {
  const broken = [];
  for (const cell of document.querySelectorAll(selector)) {
    const text = cell.firstChild && cell.firstChild.nodeType === 3 ? cell.firstChild : null;
    if (!text) continue;
    for (const match of text.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(text, match.index);
      range.setEnd(text, match.index + match[0].length);
      if (range.getClientRects().length > 1) broken.push(match[0]);
    }
  }
  return broken;
}
"""


def test_a_phone_shows_the_summary_s_names_whole(page: Any, renderer: Renderer, tmp_path: Path) -> None:
    """At 390px the Director column keeps each word of a name on one line ("Meredit/h" was seen)."""
    path = tmp_path / "report.html"
    path.write_text(renderer.pack_html(), encoding="utf-8")
    page.set_viewport_size({"width": 390, "height": 900})
    try:
        page.goto(path.as_uri())
        names = page.eval_on_selector_all(".summary-table th[scope='row']", "cells => cells.length")
        assert names == len(renderer.report.directors) + 1  # and the "All directors" row
        assert page.evaluate(WORDS_BROKEN, ".summary-table th[scope='row']") == []
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
