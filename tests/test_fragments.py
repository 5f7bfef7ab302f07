"""Fragments are self-contained, scoped, accessible snippets; index.html previews them all."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reportgen.main import build, validate
from reportgen.rag import Band
from reportgen.render import Renderer

from .conftest import REPO, write_project

SCOPE = ".reportgen-fragment"


class Elements(HTMLParser):
    """Every start tag with its attributes, the text of <style> and of <textarea>s."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.style = ""
        self.textareas: list[str] = []
        self._inside: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("style", "textarea"):
            self._inside = tag
            if tag == "textarea":
                self.textareas.append("")

    def handle_endtag(self, tag: str) -> None:
        self._inside = None

    def handle_data(self, data: str) -> None:
        if self._inside == "style":
            self.style += data
        elif self._inside == "textarea":
            self.textareas[-1] += data

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")

    def named(self, tag: str, **wanted: str) -> list[dict[str, str | None]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(attrs.get(k) == v for k, v in wanted.items())
        ]


def _six_digits(hex_colour: str) -> str:
    """`#fff` → `#ffffff`."""
    if len(hex_colour) == 4:
        return "#" + "".join(c * 2 for c in hex_colour[1:])
    return hex_colour.lower()


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(validate(REPO), None)


@pytest.fixture(scope="module")
def fragments(renderer: Renderer) -> dict[str, str]:
    return {r.fragment_stem: renderer.fragment_html(r) for r in renderer.report.indicators}


def test_fragments_are_snippets_that_load_nothing(fragments: dict[str, str]) -> None:
    for stem, html in fragments.items():
        parsed = Elements(html)
        tags = {tag for tag, _ in parsed.tags}
        assert not tags & {"html", "head", "body", "script", "link", "img", "iframe", "object"}
        assert not [a for _, attrs in parsed.tags for a in attrs if a in ("src", "href", "srcset")]
        assert not [a for _, attrs in parsed.tags for a in attrs if a.startswith("on")], stem
        assert not re.search(r"url\(|@import|@font-face|expression\(", parsed.style, re.I)
        root_tag, root = parsed.tags[0]
        assert root_tag == "div" and root["class"] == "reportgen-fragment"
        assert root["lang"] == "en-GB"
        # A named region that takes focus, so keyboard users can scroll a wide grid.
        assert root["role"] == "region" and root["tabindex"] == "0" and root["aria-label"]


def test_every_style_rule_is_scoped(fragments: dict[str, str]) -> None:
    style = Elements(next(iter(fragments.values()))).style
    css = re.sub(r"/\*.*?\*/", "", style, flags=re.S)
    preludes = [p.strip() for p in re.findall(r"([^{}]+)\{", css)]
    # At-rules (`@container`, `@media`) only group rules; the rules inside are checked too.
    assert all(p.startswith(("@container", "@media")) for p in preludes if p.startswith("@"))
    selectors = [s.strip() for p in preludes if not p.startswith("@") for s in p.split(",")]
    assert len(selectors) > 20
    for selector in selectors:
        assert selector.startswith(SCOPE), selector


def test_colours_meet_contrast_on_the_fragment_backgrounds(fragments: dict[str, str]) -> None:
    css = Elements(next(iter(fragments.values()))).style
    hex_colour = r"(#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?)\b"
    colours = {_six_digits(c) for c in re.findall(r"(?<![-\w])color:\s*" + hex_colour, css)}
    backgrounds = {_six_digits(c) for c in re.findall(r"background:\s*" + hex_colour, css)}
    assert len(colours) >= 4 and {"#ffffff", "#f0f0f0"} <= backgrounds
    for colour in colours:
        for background in backgrounds:
            assert _contrast(colour, background) >= 4.5, (colour, background)


def test_grid_is_a_table_with_caption_and_header_cells(
    renderer: Renderer, fragments: dict[str, str]
) -> None:
    for result in renderer.report.indicators:
        parsed = Elements(fragments[result.fragment_stem])
        assert len(parsed.named("table", **{"class": "grid"})) == 1
        assert "caption" in {tag for tag, _ in parsed.tags}
        assert len(parsed.named("th", scope="col")) >= 12
        assert len(parsed.named("th", scope="row")) == 3
        assert len(parsed.named("h3")) == 1


def test_symbols_have_a_text_alternative(renderer: Renderer, fragments: dict[str, str]) -> None:
    for result in renderer.report.indicators:
        html = fragments[result.fragment_stem]
        banded = [m for m in result.months if m.band is not None]
        for band in {m.band for m in banded if m.band is not None}:
            alternative = f'{band.heading.capitalize()}: {band.meaning}</span>'
            expected = sum(1 for m in banded if m.band is band)
            assert html.count(alternative) == expected, (result.code, band)
        if result.band is not Band.NO_DATA:
            assert f"<strong>{result.band.heading}</strong>: {result.band.meaning}" in html


def test_index_previews_every_fragment_with_its_exact_html(
    renderer: Renderer, fragments: dict[str, str]
) -> None:
    index = renderer.fragments_index_html()
    parsed = Elements(index)
    assert [unescape(text) for text in parsed.textareas] == list(fragments.values())
    buttons = parsed.named("button", type="button")
    assert [b["data-source"] for b in buttons] == [f"source-{stem}" for stem in fragments]
    for stem in fragments:
        assert parsed.named("a", href=f"{stem}.html")
    # The fragments themselves stay free of script; only the preview page has one.
    assert index.count("<script>") == 1
    assert renderer.fragments_index_name() == "index.html"


def test_index_page_gives_way_to_a_fragment_called_index(tmp_path: Path) -> None:
    project = write_project(
        tmp_path,
        "indicators:\n  - code: index\n    title: An unlucky code\n    director: D\n"
        "    owner: O\n    polarity: bigger\n",
        "code,period_end,actual,target\nindex,2012-06-30,5,4\n",
    )
    renderer = Renderer(validate(project), None)
    assert renderer.fragments_index_name() == "_index.html"


def test_fragments_are_the_same_run_after_run(renderer: Renderer) -> None:
    again = Renderer(validate(REPO), None)
    assert again.fragments_index_html() == renderer.fragments_index_html()


def test_build_writes_the_index_beside_the_fragments(tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "project",
        "indicators:\n  - code: PAF C23\n    title: Adoptions\n    director: D\n"
        "    owner: O\n    polarity: bigger\n",
        "code,period_end,actual,target\nPAF C23,2012-06-30,5,4\n",
    )
    result = build(project, out=tmp_path / "out")
    fragments = result.output_dir / "fragments"
    assert sorted(p.name for p in fragments.iterdir()) == ["PAF-C23.html", "index.html"]
    (source,) = Elements((fragments / "index.html").read_text(encoding="utf-8")).textareas
    assert unescape(source) == (fragments / "PAF-C23.html").read_text(encoding="utf-8")
