"""The assembled pack: page numbers, contents, outline and links as a single layout gives."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen.errors import ReportgenWarning
from reportgen.main import build
from reportgen.pdf import render_pdf
from reportgen.pipeline import page_sides_matter

from .pipeline_project import DIRECTORS, SLUGS, make_project

FOOTER = re.compile(r"Page (\d+) of (\d+)")


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of the small project, shared by the read-only tests below."""
    root = tmp_path_factory.mktemp("pipeline")
    return build(make_project(root / "project"), out=root / "out").output_dir


def page_texts(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def footers(texts: list[str]) -> list[tuple[int, int]]:
    found = []
    for text in texts:
        numbers = FOOTER.findall(text)
        assert len(numbers) == 1, text
        found.append((int(numbers[0][0]), int(numbers[0][1])))
    return found


def test_every_pack_page_says_page_n_of_the_packs_total(pack: Path) -> None:
    texts = page_texts(pack / "report.pdf")
    assert footers(texts) == [(n, len(texts)) for n in range(1, len(texts) + 1)]


def test_every_director_page_counts_within_its_own_pdf(pack: Path) -> None:
    for slug, name in zip(SLUGS, DIRECTORS, strict=True):
        texts = page_texts(pack / "directors" / f"{slug}.pdf")
        assert footers(texts) == [(n, len(texts)) for n in range(1, len(texts) + 1)]
        assert name in texts[0] and "Summary" in texts[1]  # their own cover and summary


def test_the_first_director_spans_pages_so_the_offsets_matter(pack: Path) -> None:
    assert len(page_texts(pack / "directors" / "ann-lee.pdf")) >= 4


def test_the_pack_holds_each_directors_section_pages_unchanged(pack: Path) -> None:
    pack_texts = [FOOTER.sub("", t) for t in page_texts(pack / "report.pdf")]
    sections = []
    for slug in SLUGS:
        director_texts = [FOOTER.sub("", t) for t in page_texts(pack / "directors" / f"{slug}.pdf")]
        sections += director_texts[2:]  # after the director's own cover and summary
    assert pack_texts[2:] == sections


def outline(pdf: Path) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) for every bookmark."""
    reader = PdfReader(pdf)
    found: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


def test_the_outline_nests_director_band_indicator_on_the_right_pages(pack: Path) -> None:
    marks = outline(pack / "report.pdf")
    texts = page_texts(pack / "report.pdf")
    directors = [(title, page) for depth, title, page in marks if depth == 0 and title != "Summary"]
    assert [title for title, _ in directors] == list(DIRECTORS)
    codes = [title.split(":")[0] for depth, title, _ in marks if depth == 2]
    everyone = [code for codes in DIRECTORS.values() for code in codes]
    red = {code for number, code in enumerate(everyone) if number % 2}  # see values_csv
    expected = [
        code
        for codes in DIRECTORS.values()
        for code in [c for c in codes if c in red] + [c for c in codes if c not in red]
    ]
    assert codes == expected
    assert {title for depth, title, _ in marks if depth == 1} >= {"RED DIAMOND", "GREEN PLUS"}
    for depth, title, page in marks:
        if depth == 2:
            assert title.split(":")[0] in texts[page - 1]


def test_the_summary_gives_each_directors_first_pack_page(pack: Path) -> None:
    marks = outline(pack / "report.pdf")
    summary = page_texts(pack / "report.pdf")[1]
    for depth, title, page in marks:
        if depth == 0 and title in DIRECTORS:
            assert re.search(rf"{title}\s.*\s{page}\s*$", summary, re.M), (title, page, summary)


def test_the_summarys_links_lead_to_each_directors_section(pack: Path) -> None:
    reader = PdfReader(pack / "report.pdf")
    targets = set()
    for annotation in reader.pages[1].get("/Annots", []):
        destination = annotation.get_object()["/Dest"]
        targets.add(str(destination))
    assert targets == {f"director-{slug}" for slug in SLUGS}
    named = reader.named_destinations
    first_pages = {title: page for depth, title, page in outline(pack / "report.pdf") if depth == 0}
    for slug, name in zip(SLUGS, DIRECTORS, strict=True):
        page = reader.get_destination_page_number(named[f"director-{slug}"]) + 1
        assert page == first_pages[name]


def test_the_built_in_templates_are_joined_from_parts_never_laid_out_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every check that sends a pack to the whole layout (slower, never wrong) must let
    the built-in templates through: a check too eager would go unseen but for the time."""
    from reportgen import pipeline

    def whole(*_args: object) -> bytes:
        raise AssertionError("laid out whole")

    monkeypatch.setattr(pipeline, "render_pdf", whole)
    result = build(make_project(tmp_path / "project"), out=tmp_path / "out", use_cache=False)
    assert (result.output_dir / "report.pdf").stat().st_size > 0


def test_a_section_template_without_the_anchor_still_builds_right(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    (project / "templates").mkdir()
    section = (Path(__file__).parents[1] / "templates" / "section.html").read_text()
    unmarked = section.replace('id="director-', 'data-x="')
    (project / "templates" / "section.html").write_text(unmarked)
    # Right, and said to be without the contents' page numbers, which link to the id.
    with pytest.warns(ReportgenWarning, match="no element has id 'director-"):
        result = build(project, out=tmp_path / "out", use_cache=False)
    texts = page_texts(result.output_dir / "report.pdf")
    assert footers(texts) == [(n, len(texts)) for n in range(1, len(texts) + 1)]


def whole_layout_texts(
    pack: Path, templates: Path | None = None, name: str = "report"
) -> list[str]:
    """The pages of an HTML output laid out as one document, as a bare render would."""
    whole = pack.parent / "whole.pdf"
    whole.write_bytes(render_pdf((pack / f"{name}.html").read_text(), templates))
    return page_texts(whole)


def _words(texts: list[str]) -> list[str]:
    # The stamped page number is a content stream of its own, so text extraction may put
    # it on its own line: compare each page's words, not its line breaks.
    return [" ".join(text.split()) for text in texts]


def test_the_pack_reads_as_one_layout_of_report_html_would(pack: Path) -> None:
    assert _words(page_texts(pack / "report.pdf")) == _words(whole_layout_texts(pack))


def test_each_director_pdf_reads_as_one_layout_of_its_html_would(pack: Path) -> None:
    for slug in SLUGS:
        own = page_texts(pack / "directors" / f"{slug}.pdf")
        assert _words(own) == _words(whole_layout_texts(pack, name=f"directors/{slug}"))


BUILTIN = Path(__file__).parents[1] / "templates"
# Per director, its indicators listed with the pages they start on (a contents of its own).
OWN_CONTENTS = (
    '<ol class="contents">{% for group in director.bands %}{% for result in group.indicators %}'
    '<li><a class="contents-entry contents-entry-auto" href="#indicator-{{ result.fragment_stem }}">'
    "{{ result.definition.code }}</a></li>{% endfor %}{% endfor %}</ol>"
)
PACK_WIDE = {
    # Indicators numbered through the whole pack: a section alone would start at 1 again.
    "counter": ("pack.css", "{% include 'default:pack.css' %}\n.pack { counter-reset: ind; }\n"
                ".indicator { counter-increment: ind; }\n"
                ".indicator-title::before { content: counter(ind) '. '; }\n"),
    # Page numbers of the section's own pages: those of the director's own PDF, alone.
    "target-counter": ("section.html", (BUILTIN / "section.html").read_text().replace(
        '{% include "legend.html" %}', '{% include "legend.html" %}' + OWN_CONTENTS)),
    # The front's contents listing every indicator: its numbers and links need the ids
    # of the sections' pages on the front's stand-ins for them.
    "indicator-contents": ("summary.html", (BUILTIN / "summary.html").read_text().replace(
        '<h3 class="legend-title">Key</h3>',
        "{% for director in report.directors %}" + OWN_CONTENTS + "{% endfor %}"
        '<h3 class="legend-title">Key</h3>')),
    # The whole report and the directors loop: in a director's own pack, one director.
    "report-context": ("section.html", (BUILTIN / "section.html").read_text().replace(
        '{% include "legend.html" %}',
        '{% include "legend.html" %}<p>Section {{ loop.index }} of {{ loop.length }}, '
        "{{ report.indicators|length }} indicators in all</p>")),
}


@pytest.mark.parametrize("case", sorted(PACK_WIDE))
def test_a_section_numbered_by_the_pack_reads_as_the_whole_layout(tmp_path: Path, case: str) -> None:
    """Templates whose sections show what only the whole pack can number."""
    project = make_project(tmp_path / "project")
    (project / "templates").mkdir()
    name, text = PACK_WIDE[case]
    assert text != (BUILTIN / name).read_text()
    (project / "templates" / name).write_text(text)
    result = build(project, out=tmp_path / "out", use_cache=False)
    texts = page_texts(result.output_dir / "report.pdf")
    assert _words(texts) == _words(whole_layout_texts(result.output_dir, project / "templates"))
    if case == "indicator-contents":  # and each entry links to its indicator's page
        reader = PdfReader(result.output_dir / "report.pdf")
        named = reader.named_destinations
        for code in [c for codes in DIRECTORS.values() for c in codes]:
            page = reader.get_destination_page_number(named[f"indicator-{code}"])
            assert code in texts[page], code
        links = [a.get_object() for p in reader.pages[:3] for a in p.get("/Annots", [])]
        targets = {str(link["/Dest"]) for link in links if "/Dest" in link}
        assert {f"indicator-{c}" for codes in DIRECTORS.values() for c in codes} <= targets


def test_sections_without_a_page_break_still_build_right(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", long=False)
    (project / "templates").mkdir()
    css = (Path(__file__).parents[1] / "templates" / "pack.css").read_text()
    (project / "templates" / "pack.css").write_text(css + "\n.director { break-before: auto; }\n")
    result = build(project, out=tmp_path / "out", use_cache=False)
    texts = page_texts(result.output_dir / "report.pdf")
    assert texts == whole_layout_texts(result.output_dir, project / "templates")


@pytest.mark.parametrize(
    "css",
    ["@page :left { margin-left: 30mm; }", ".band { break-before: right; }"],
)
def test_pages_styled_by_side_are_laid_out_whole(tmp_path: Path, css: str) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    assert not page_sides_matter(templates)
    (templates / "pack.css").write_text(css)
    assert page_sides_matter(templates)


def test_help_does_not_import_weasyprint() -> None:
    code = "import sys, reportgen.cli; assert 'weasyprint' not in sys.modules; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "ok"


SUBMITTED_BEFORE_PIKEPDF = """\
import sys
from reportgen import workers
from reportgen.main import build

map_unordered = workers.RenderPool.map_unordered

def map_then_look(pool, function, items, **options):
    results = map_unordered(pool, function, items, **options)  # in workers: every job sent
    print("pikepdf" in sys.modules)
    return results

workers.RenderPool.map_unordered = map_then_look
with workers.RenderPool(2) as pool:
    build(sys.argv[1], out=sys.argv[2], use_cache=False, pool=pool)
print("pikepdf" in sys.modules)
"""


def test_the_directors_jobs_start_before_pikepdf_is_imported(tmp_path: Path) -> None:
    """pikepdf takes ~0.15 s to import, and the first job is the biggest director: the
    build's critical path. The main process needs pikepdf only for what they return."""
    project = make_project(tmp_path / "project")
    command = [sys.executable, "-c", SUBMITTED_BEFORE_PIKEPDF, str(project), str(tmp_path / "out")]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]  # not yet when the jobs go; then, to join


def test_a_failed_build_stops_its_workers(tmp_path: Path) -> None:
    import multiprocessing

    from reportgen.errors import ReportgenError
    from reportgen.workers import RenderPool

    with pytest.raises(ReportgenError), RenderPool(2) as pool:
        build(tmp_path / "no-such-project", out=tmp_path / "out", pool=pool)
    assert multiprocessing.active_children() == []


def test_page_numbers_shown_with_the_sections_running_strings_come_out_right(tmp_path: Path) -> None:
    # A box that counts pages is stamped from the pack's front, where no section runs:
    # the director's name in it must still be the one a whole layout shows.
    project = make_project(tmp_path / "project")
    (project / "templates").mkdir()
    css = (Path(__file__).parents[1] / "templates" / "pack.css").read_text()
    numbered = '@page { @bottom-right { content: string(director-name) " p. " counter(page); } }'
    (project / "templates" / "pack.css").write_text(f"{css}\n{numbered}\n")
    result = build(project, out=tmp_path / "out", use_cache=False)
    texts = page_texts(result.output_dir / "report.pdf")
    assert any(f"{name} p. " in " ".join(texts) for name in DIRECTORS)
    assert _words(texts) == _words(whole_layout_texts(result.output_dir, project / "templates"))
