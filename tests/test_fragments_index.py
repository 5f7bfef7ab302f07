"""fragments/index.html in Chromium: a copy button copies its fragment's exact HTML."""

from __future__ import annotations

from pathlib import Path

from reportgen.main import validate
from reportgen.render import Renderer

from .a11y_browser import chromium
from .conftest import REPO


def test_copy_button_copies_the_fragment(tmp_path: Path) -> None:
    renderer = Renderer(validate(REPO), None)
    results = renderer.report.indicators
    index = tmp_path / "index.html"
    index.write_text(renderer.fragments_index_html(), encoding="utf-8")
    with chromium() as browser:
        context = browser.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.goto(index.as_uri())
        buttons = page.locator("button.copy-button")
        assert buttons.count() == len(results)
        for position in (0, len(results) - 1):
            section = page.locator(f"#preview-{results[position].fragment_stem}")
            section.locator("button.copy-button").click()
            status = section.locator("[role=status]")
            status.filter(has_text="Copied.").wait_for(timeout=5000)
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied == renderer.fragment_html(results[position])
