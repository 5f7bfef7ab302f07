"""The pack's HTML: semantic structure, band order, commentary states and the contents contract."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from reportgen.compute import Report
from reportgen.main import validate
from reportgen.rag import Band
from reportgen.render import Renderer

from .conftest import REPO, write_project

INDICATORS = """\
indicators:
  - {code: A1, title: Silent red, director: Zoë O'Brien, owner: Ann, polarity: bigger}
  - {code: A2, title: Never measured, director: Zoë O'Brien, owner: Ann, polarity: bigger}
  - {code: A3, title: Talked about, director: Zoë O'Brien, owner: Ann, polarity: smaller,
     unit: "%", plans: [CBP]}
  - {code: A4, title: Measured from October, director: Zoë O'Brien, owner: Ann, polarity: bigger}
  - {code: B1, title: Over, director: Bob Ray, owner: Bo, polarity: bigger}
"""
VALUES = """\
code,period_end,actual,target
A1,2012-09-30,1,5
A2,2012-09-30,,5
A3,2012-08-31,2,2
A3,2012-09-30,1234.50,1234.5
B1,2012-09-30,9,5
"""
COMMENTS = """\
code,period_end,author,subject,text
A3,2012-07-31,Cy,July note,"Old news"
A3,2012-09-30,Di,Sept note,"New <b>news</b>

Second paragraph"
B1,2012-09-30,Bo,Why,"Because"
A4,2012-08-31,Ann,Plan,"Counting starts in October."
"""


@pytest.fixture(scope="module")
def other_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """A small project unlike the seed: Q2, a no-data, a silent red, two comments."""
    root = write_project(tmp_path_factory.mktemp("other"), INDICATORS, VALUES, COMMENTS)
    return validate(root, "2012-13-Q2")


class PageStructure(HTMLParser):
    """Collects headings, tables and th cells of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.tables: list[list[str]] = []  # child tags of each table, in order
        self.unscoped_th = 0
        self.scripts = 0
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if self.tables:
            self.tables[-1].append(tag)
        if tag == "table":
            self.tables.append([])
        if tag == "th" and not dict(attrs).get("scope"):
            self.unscoped_th += 1
        if tag == "script":
            self.scripts += 1
        if (element_id := dict(attrs).get("id")) is not None:
            self.ids.append(element_id)


def parse(html: str) -> PageStructure:
    parser = PageStructure()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("which", ["pack", "director"])
def test_html_is_semantic(which: str) -> None:
    report = validate(REPO)
    renderer = Renderer(report, None)
    html = renderer.pack_html() if which == "pack" else renderer.director_html(report.directors[0])
    page = parse(html)
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1, "a heading level is skipped"
    assert page.tables and all(tags and tags[0] == "caption" for tags in page.tables)
    assert page.unscoped_th == 0
    assert page.scripts == 0
    assert len(page.ids) == len(set(page.ids)), "an id is used twice"


def test_bands_in_order_only_where_present(other_report: Report) -> None:
    html = Renderer(other_report, None).pack_html()
    for director in other_report.directors:
        section = html.split(f'id="director-{director.slug}"', 1)[1].split('class="director"')[0]
        shown = re.findall(r'data-outline="([A-Z ]+)"', section)
        assert shown == [g.band.heading for g in director.bands]
    zoe = other_report.directors[0]
    assert zoe.slug == "zoe-obrien"
    assert [g.band for g in zoe.bands] == [Band.RED_DIAMOND, Band.BLUE_CIRCLE, Band.NO_DATA]


def test_commentary_states(other_report: Report) -> None:
    html = Renderer(other_report, None).pack_html()
    blocks = {m[1]: m[2] for m in re.finditer(r'id="indicator-(\w+)"(.*?)</article>', html, re.S)}
    assert "Commentary missing" in blocks["A1"]
    assert "No data is available for Quarter 2 2012/13" in blocks["A2"]
    a4 = blocks["A4"]  # no data, but commented on: both are said, the state first
    assert a4.index("No data is available for Quarter 2 2012/13") < a4.index("Counting starts in October.")
    a3 = blocks["A3"]
    assert a3.index("Comment Subject: Sept note") < a3.index("Comment Subject: July note")
    assert "<p>New &lt;b&gt;news&lt;/b&gt;</p>" in a3 and "<p>Second paragraph</p>" in a3
    assert "1,234.50" in a3 and "1,234.5<" in a3  # decimals as written, grouped
    assert "No Comment Required" not in html  # the one on-target indicator has comments


def test_contents_uses_page_numbers_when_given(other_report: Report) -> None:
    renderer = Renderer(other_report, None)
    template = renderer.environment.get_template("pack.html")
    context = {"report": other_report, "bands": list(Band), "language": "en-GB"}
    numbers = {d.slug: 40 + n for n, d in enumerate(other_report.directors)}
    given = template.render(context, document_title="t", page_numbers=numbers)
    for director in other_report.directors:
        entry = f'<span class="contents-page">{numbers[director.slug]}</span>'
        assert re.search(
            re.escape(str(escape(director.name))) + r"</span> " + re.escape(entry), given
        )
    assert "contents-entry contents-entry-auto" not in given
    assert "contents-entry contents-entry-auto" in template.render(context, document_title="t")


def test_no_template_is_left_out_of_the_package() -> None:
    """Parts the pack includes are all beside pack.html, where the wheel picks them up."""
    templates = REPO / "templates"
    for name in ("cover.html", "summary.html", "section.html", "legend.html", "pack.css"):
        assert (templates / name).is_file(), name
    included = set(re.findall(r'(?:include|import|extends) "([\w.]+)"', _all_templates(templates)))
    assert included <= {p.name for p in templates.iterdir()}


def _all_templates(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.html")))


def test_a_project_extends_the_built_in_cover_and_styles(tmp_path: Path) -> None:
    root = write_project(tmp_path, INDICATORS, VALUES, COMMENTS)
    templates = root / "templates"
    templates.mkdir()
    (templates / "cover.html").write_text(
        '{% extends "default:cover.html" %}'
        '{% block cover_note %}<p class="marking">OFFICIAL</p>{% endblock %}',
        encoding="utf-8",
    )
    (templates / "pack.css").write_text(
        '{% include "default:pack.css" %}\n.marking { color: #123456; }\n', encoding="utf-8"
    )
    html = Renderer(validate(root, "2012-13-Q2"), templates).pack_html()
    cover = html.split('<section class="cover"', 1)[1].split("</section>", 1)[0]
    assert '<p class="marking">OFFICIAL</p>' in cover and "Quarter 2 2012/13" in cover
    assert "@page" in html and ".marking { color: #123456; }" in html
