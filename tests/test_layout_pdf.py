"""The built PDFs: every indicator, running header and footer, outline, contents, metadata."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from reportgen.compute import DirectorSection, Report
from reportgen.main import BuildResult, build
from reportgen.rag import Band

from .conftest import REPO, write_project


@dataclass
class Bookmark:
    """One entry of a PDF outline."""

    title: str
    page: int  # 0-based; -1 if the entry points nowhere
    children: list[Bookmark] = field(default_factory=list)


@pytest.fixture(scope="session")
def default_pack(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The default project built once for the whole session (WeasyPrint is slow)."""
    return build(REPO, out=tmp_path_factory.mktemp("layout-pack"))


def flat(text: str) -> str:
    """Text with every run of whitespace as one space, as lines wrap where they like."""
    return re.sub(r"\s+", " ", text).strip()


@cache  # text extraction takes a second or two per PDF: once per session
def page_texts(pdf: Path) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(pdf).pages]


def outline(pdf: Path) -> list[Bookmark]:
    """The PDF's bookmarks as a tree."""
    reader = PdfReader(pdf)
    return _subtree(reader, reader.outline)


def _subtree(reader: PdfReader, items: list[Any]) -> list[Bookmark]:
    tree: list[Bookmark] = []
    for item in items:
        if isinstance(item, list):  # pypdf lists an entry's children right after it
            tree[-1].children = _subtree(reader, item)
        else:
            page = reader.get_destination_page_number(item)
            tree.append(Bookmark(str(item.title), page if page is not None else -1))
    return tree


def code_pattern(code: str) -> re.Pattern[str]:
    """`CODE:` as an indicator heading, not the tail of a longer code."""
    return re.compile(r"(?<![\w.()-])" + re.escape(code) + ":")


def running_title(report: Report) -> str:
    return f"{report.title} - {report.period.label}"


def expected_outline(directors: tuple[DirectorSection, ...]) -> list[object]:
    return ["Summary"] + [
        (
            director.name,
            [
                (
                    group.band.heading,
                    [flat(f"{i.code}: {i.definition.title}") for i in group.indicators],
                )
                for group in director.bands
            ],
        )
        for director in directors
    ]


def titles(tree: list[Bookmark]) -> list[object]:
    """Outline titles only: leaves as strings, parents as (title, children)."""
    return [(flat(b.title), titles(b.children)) if b.children else flat(b.title) for b in tree]


def test_every_indicator_heading_is_in_the_pack(default_pack: BuildResult) -> None:
    text = " ".join(page_texts(default_pack.output_dir / "report.pdf"))
    for result in default_pack.report.indicators:
        assert flat(f"{result.code}: {result.definition.title}") in text


def test_running_header_and_page_numbers_on_every_page(default_pack: BuildResult) -> None:
    pages = page_texts(default_pack.output_dir / "report.pdf")
    assert len(pages) > 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        if number > 1:  # the cover carries no running header
            assert running_title(default_pack.report) in text, f"page {number}"


def test_every_page_of_a_section_names_its_director(default_pack: BuildResult) -> None:
    pdf = default_pack.output_dir / "report.pdf"
    pages = page_texts(pdf)
    directors = [(b.title, b.page) for b in outline(pdf) if b.title != "Summary"]
    ends = [page for _, page in directors[1:]] + [len(pages)]
    for (name, start), end in zip(directors, ends, strict=True):
        for page in range(start, end):
            assert name in pages[page], f"{name} missing from page {page + 1}"


def test_grid_stays_on_the_page_of_its_heading(default_pack: BuildResult) -> None:
    pages = page_texts(default_pack.output_dir / "report.pdf")
    for result in default_pack.report.indicators:
        heading = next(filter(None, map(code_pattern(result.code).search, pages)))
        # The page footer and header come after the body text, and hold no grid labels.
        after = heading.string[heading.end() :]
        assert re.search(r"Actual .*Target .*Symbol", after), result.code


def test_commentary_states_as_often_as_the_model_says(default_pack: BuildResult) -> None:
    text = " ".join(page_texts(default_pack.output_dir / "report.pdf"))
    indicators = default_pack.report.indicators
    on_target_silent = sum(1 for i in indicators if i.band is Band.BLUE_CIRCLE and not i.comments)
    missing = sum(1 for i in indicators if i.comment_missing)
    assert text.count("No Comment Required (on target)") == on_target_silent
    assert text.count("Commentary missing") == missing
    assert text.count("Latest Comments:") == sum(1 for i in indicators if i.comments)


def test_outline_is_director_band_indicator(default_pack: BuildResult) -> None:
    tree = outline(default_pack.output_dir / "report.pdf")
    assert titles(tree) == expected_outline(default_pack.report.directors)


def test_contents_page_numbers_match_the_sections(default_pack: BuildResult) -> None:
    pdf = default_pack.output_dir / "report.pdf"
    summary = page_texts(pdf)[1]
    for bookmark in outline(pdf):
        title, page = bookmark.title, bookmark.page
        if title != "Summary":
            assert re.search(re.escape(title) + r" ?\.{3,} ?" + str(page + 1) + r"\b", summary), (
                title
            )


def test_metadata_title_and_language(default_pack: BuildResult) -> None:
    reader = PdfReader(default_pack.output_dir / "report.pdf")
    assert reader.metadata is not None
    assert reader.metadata.title == running_title(default_pack.report)
    assert str(reader.root_object["/Lang"]) == "en-GB"


def test_symbols_are_drawn_with_dejavu(default_pack: BuildResult) -> None:
    pdf = default_pack.output_dir / "report.pdf"
    text = " ".join(page_texts(pdf))
    for glyph in "\u25c6\u271a\u25cf\u2713":
        assert glyph in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(pdf).pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
    }
    # A font other than DejaVu would mean Pango fell back for a glyph DejaVu lacks.
    assert fonts and all("DejaVu" in name for name in fonts), fonts


def test_director_pdfs_hold_only_their_own_indicators(default_pack: BuildResult) -> None:
    report = default_pack.report
    for director in report.directors:
        pdf = default_pack.output_dir / "directors" / f"{director.slug}.pdf"
        pages = page_texts(pdf)
        text = " ".join(pages)
        own = {i.code for i in director.indicators}
        for result in report.indicators:
            found = bool(code_pattern(result.code).search(text))
            assert found == (result.code in own), (director.name, result.code)
        assert director.name in pages[0]  # its own cover
        assert f"Page 1 of {len(pages)}" in pages[0]
        assert titles(outline(pdf)) == expected_outline((director,))
        meta = PdfReader(pdf).metadata
        assert meta is not None and meta.title == f"{running_title(report)} - {director.name}"


def test_header_names_the_band_at_the_top_of_each_page(default_pack: BuildResult) -> None:
    pdf = default_pack.output_dir / "report.pdf"
    pages = page_texts(pdf)
    bands = {i.code: i.band for i in default_pack.report.indicators}
    for director in outline(pdf)[1:]:
        end = next((b.page for b in outline(pdf) if b.page > director.page), len(pages))
        current: Band | None = None
        for page in range(director.page, end):
            text = pages[page]
            starts = sorted(
                (match.start(), bands[code])
                for code in bands
                for match in code_pattern(code).finditer(text)
            )
            opens_with_heading = starts and (
                starts[0][0] == 0 or any(text.startswith(s + " ") for s in _band_headings())
            )
            top = starts[0][1] if opens_with_heading else current
            if page > director.page:  # a director's first page shows the band in its body
                assert top is not None
                assert f"{director.title} \u2014 {top.heading}" in text, f"page {page + 1}"
            current = starts[-1][1] if starts else current


def _band_headings() -> list[str]:
    return [f"{band.symbol} {band.heading}" for band in Band]


def test_a_long_comment_flows_on_and_nothing_is_clipped(tmp_path: Path) -> None:
    sentence = "Performance has been reviewed with every team this quarter. "
    text = "\n\n".join([sentence * 12] * 14) + "\n\n" + "Z" * 3000 + "\n\nLast words here."
    root = write_project(
        tmp_path / "project",
        "indicators:\n  - {code: L1, title: Long story, director: Al, owner: Al,"
        " polarity: bigger}\n",
        "code,period_end,actual,target\nL1,2012-06-30,1,2\n",
        "code,period_end,author,subject,text\n" + f'L1,2012-06-30,Al,Why,"{text}"\n',
    )
    result = build(root, out=tmp_path / "out")
    pages = [page.extract_text() for page in PdfReader(result.output_dir / "report.pdf").pages]
    assert len(pages) >= 5  # cover, summary, then the comment over several pages
    assert "L1: Long story" in pages[2] and "Symbol" in pages[2]
    assert "Last words here." in pages[-1]
    # The unbroken token wraps (across a page break, too) instead of running off the page:
    # poppler, unlike pypdf, drops what lies outside the page, and gives each word's box.
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(result.output_dir / "report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert boxes.count("Z") == 3000
    width = float(PdfReader(result.output_dir / "report.pdf").pages[0].mediabox.width)
    assert max(float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)) <= width


def test_a_long_number_is_kept_whole_or_broken_after_a_group_separator(tmp_path: Path) -> None:
    indicators = "indicators:\n" + "".join(
        f"  - {{code: N{i}, title: Budget, director: D, owner: O, polarity: bigger}}\n" for i in (1, 2, 3)
    )
    written = {1: "1234567", 2: "1234567.89", 3: "123456789012.25"}
    rows = "".join(f"N{i},2012-06-30,{n},{n}\n" for i, n in written.items())
    values = "code,period_end,actual,target\n" + rows
    pack = build(write_project(tmp_path / "p", indicators, values), out=tmp_path / "out").output_dir
    fragment = (pack / "fragments" / "N2.html").read_text(encoding="utf-8")
    assert '<td class="long-number">1,<wbr>234,<wbr>567.89</td>' in fragment
    assert "<td>1,234,567</td>" in (pack / "fragments" / "N1.html").read_text(encoding="utf-8")
    lines = subprocess.run(
        ["pdftotext", "-layout", str(pack / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    cells = [cell for line in lines for cell in line.split()]
    assert "1,234,567" in cells and "1,234,567.89" in cells  # each on one line
    # Too long even when smaller: it wraps, but only after a separator.
    assert "123,456,789," in cells and "012.25" in cells


def test_a_page_that_starts_inside_an_indicator_s_comments_names_it(tmp_path: Path) -> None:
    """The header says "L1 (continued)" on every page that starts inside L1's comments,
    and nowhere else (a page that starts with a heading is not a continuation)."""
    sentence = "Performance has been reviewed with every team this quarter. "
    text = "\n\n".join([sentence * 12] * 14)
    root = write_project(
        tmp_path / "project",
        "indicators:\n"
        "  - {code: L1, title: Long story, director: Al, owner: Al, polarity: bigger}\n"
        "  - {code: L2, title: Second story, director: Al, owner: Al, polarity: bigger}\n",
        "code,period_end,actual,target\nL1,2012-06-30,1,2\nL2,2012-06-30,1,2\n",
        "code,period_end,author,subject,text\n"
        + "".join(f'{code},2012-06-30,Al,Why,"{text}"\n' for code in ("L1", "L2")),
    )
    result = build(root, out=tmp_path / "out")
    pages = page_texts(result.output_dir / "report.pdf")
    first = next(i for i, page in enumerate(pages) if "L1: Long story" in page)
    second = next(i for i, page in enumerate(pages) if "L2: Second story" in page)
    assert second - first >= 2 and len(pages) - second >= 2  # each runs over pages
    assert "(continued)" not in pages[first]
    for page in pages[first + 1 : second]:
        assert "Al \u2014 RED DIAMOND \u2014 L1 (continued)" in page
    for page in pages[second + 1 :]:
        assert "L2 (continued)" in page and "L1 (continued)" not in page
    own = page_texts(result.output_dir / "directors" / "al.pdf")
    assert sum("(continued)" in page for page in own) == sum("(continued)" in page for page in pages)
