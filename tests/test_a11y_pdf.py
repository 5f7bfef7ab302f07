"""The PDF is tagged PDF/UA-1: language, title, headings in reading order, table headers."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from reportgen.compute import Report
from reportgen.main import build, validate
from reportgen.pdf import render_pdf
from reportgen.rag import Band
from reportgen.render import Renderer

from .conftest import REPO, write_project


def _structure_types(reader: PdfReader) -> list[str]:
    """The structure element types (`H1`, `TH`, …) in document order, depth first."""
    found: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if "/S" in node:
            found.append(str(node["/S"]).lstrip("/"))
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def _elements(reader: PdfReader, kind: str) -> list[Any]:
    """Every structure element of one type (`/Table`, `/TH`), in document order."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        if node.get("/S") == kind:
            found.append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [] if kids is None else [kids]:
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                walk(kid.get_object())

    walk(reader.trailer["/Root"]["/StructTreeRoot"].get_object())
    return found


def _kinds(node: Any) -> list[str]:
    kids = node.get("/K")
    kids = kids if isinstance(kids, list) else [] if kids is None else [kids]
    return [str(k.get_object().get("/S")) for k in kids if hasattr(k, "get_object")]


def _expected_headings(report: Report) -> list[str]:
    """Headings as shown: cover, summary (contents, key), then director → band → indicator."""
    headings = ["H1", "H2", "H3", "H3"]
    for director in report.directors:
        headings.append("H2")
        for group in director.bands:
            headings.append("H3")
            headings.extend("H4" for _ in group.indicators)
    return headings


@pytest.fixture(scope="module")
def director_pdf() -> tuple[Report, PdfReader]:
    """The default project's first director as a PDF of its own."""
    full = validate(REPO)
    renderer = Renderer(full, None)
    director = full.directors[0]
    pdf = render_pdf(renderer.director_html(director), None)
    single = replace(full, directors=(director,))
    return single, PdfReader(io.BytesIO(pdf))


def test_pdf_is_tagged_with_language_and_title(director_pdf: tuple[Report, PdfReader]) -> None:
    report, reader = director_pdf
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    director = report.directors[0].name
    assert reader.metadata is not None
    assert reader.metadata.title == f"{report.title} - {report.period.label} - {director}"
    xmp = reader.xmp_metadata
    assert xmp is not None and xmp.dc_title == {"x-default": reader.metadata.title}
    metadata = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfuaid:part="1"' in metadata


def test_headings_follow_the_reading_order(director_pdf: tuple[Report, PdfReader]) -> None:
    report, reader = director_pdf
    types = _structure_types(reader)
    headings = [kind for kind in types if kind in ("H1", "H2", "H3", "H4", "H5", "H6")]
    assert headings == _expected_headings(report)


def test_tables_have_header_cells_and_captions(director_pdf: tuple[Report, PdfReader]) -> None:
    report, reader = director_pdf
    types = _structure_types(reader)
    indicators = len(report.directors[0].indicators)
    # Each grid has 12 month headers and 3 row headers; the summary table adds its own.
    assert types.count("TH") >= 15 * indicators
    assert types.count("Caption") >= indicators
    assert types.count("Table") >= indicators


def test_data_cells_point_at_their_headers(director_pdf: tuple[Report, PdfReader]) -> None:
    """Each grid value cell names its month and row headers, as a screen reader needs."""
    _, reader = director_pdf
    cells = _elements(reader, "/TD")
    with_headers = [c for c in cells if len(c.get("/A", {}).get("/Headers", [])) == 2]
    assert len(with_headers) >= len(cells) // 2
    scopes = [th["/A"].get("/Scope") for th in _elements(reader, "/TH")]
    assert set(scopes) == {"/Row", "/Column"}


def test_every_table_keeps_its_caption_and_rows_together(
    director_pdf: tuple[Report, PdfReader],
) -> None:
    """A caption left at the foot of a page, its rows on the next, is a table of nothing."""
    _, reader = director_pdf
    for table in _elements(reader, "/Table"):
        kinds = _kinds(table)
        rows = [k for k in kinds if k == "/TR"] + [
            row
            for group in table["/K"]
            if group.get_object().get("/S") in ("/THead", "/TBody", "/TFoot")
            for row in _kinds(group.get_object())
        ]
        assert "/TR" in rows, kinds
        assert "/Caption" not in kinds[1:-1], kinds  # first or last, as PDF/UA wants


def test_pdfua_checker_finds_nothing(
    director_pdf: tuple[Report, PdfReader], tmp_path: Path
) -> None:
    """The machine-checkable part of PDF/UA-1, by an independent checker (pdfua)."""
    import pdfua

    _, reader = director_pdf
    path = tmp_path / "director.pdf"
    with path.open("wb") as file:
        reader.stream.seek(0)
        file.write(reader.stream.read())
    report = pdfua.validate(str(path))
    assert report.findings == (), [finding.to_dict() for finding in report.findings]


def test_symbols_carry_their_meaning_as_text(director_pdf: tuple[Report, PdfReader]) -> None:
    report, reader = director_pdf
    text = "\n".join(page.extract_text() for page in reader.pages)
    for group in report.directors[0].bands:
        if group.band is not Band.NO_DATA:
            meaning = f"{group.band.heading.capitalize()}: {group.band.meaning}"
            assert meaning in text


def test_language_follows_the_locale(tmp_path: Path) -> None:
    project = write_project(
        tmp_path,
        "indicators:\n  - code: A1\n    title: Test\n    director: D\n    owner: O\n"
        "    polarity: bigger\n",
        "code,period_end,actual,target\nA1,2012-06-30,5,4\n",
        report="title: Rapport\nperiod: 2012-13-Q1\nlocale: fr_FR\n",
    )
    report = validate(project)
    pdf = render_pdf(Renderer(report, None).pack_html(), None)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"
    assert "H1" in _structure_types(reader)


def test_every_built_pdf_is_tagged(tmp_path: Path) -> None:
    """However the pack's PDFs are put together, the whole pack and each director's stay tagged."""
    import pdfua

    project = write_project(
        tmp_path / "project",
        "indicators:\n"
        "  - code: A1\n    title: First\n    director: Ann\n    owner: O\n    polarity: bigger\n"
        "  - code: B1\n    title: Second\n    director: Bob\n    owner: O\n    polarity: smaller\n",
        "code,period_end,actual,target\nA1,2012-06-30,5,4\nB1,2012-06-30,5,4\n",
    )
    result = build(project, out=tmp_path / "out")
    pdfs = sorted(result.output_dir.rglob("*.pdf"))
    assert [p.name for p in pdfs] == ["ann.pdf", "bob.pdf", "report.pdf"]
    for path in pdfs:
        reader = PdfReader(path)
        assert reader.trailer["/Root"]["/Lang"] == "en-GB"
        assert reader.metadata is not None and reader.metadata.title
        headings = [k for k in _structure_types(reader) if k in ("H1", "H2", "H3", "H4")]
        directors = 2 if path.name == "report.pdf" else 1
        assert headings == ["H1", "H2", "H3", "H3"] + ["H2", "H3", "H4"] * directors, path.name
        assert pdfua.validate(str(path)).findings == (), path.name


def _marked_content_owners(pdf: Any) -> list[tuple[int, int, Any]]:
    """(page index, MCID, element the parent tree names) for every MCID on every page."""
    import pikepdf

    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    tree = {int(k): v for k, v in zip(nums[::2], nums[1::2], strict=True)}
    found = []
    for index, page in enumerate(pdf.pages):
        mcids = [
            int(operands[1]["/MCID"])
            for operands, operator in pikepdf.parse_content_stream(page)
            if operator == pikepdf.Operator("BDC") and "/MCID" in operands[1]
        ]
        owners = tree[int(page.obj.StructParents)] if mcids else []
        found += [(index, mcid, owners[mcid]) for mcid in mcids]
    return found


def _own_mcids(element: Any, page: Any) -> set[int]:
    kids = element.get("/K")
    kids = list(kids) if isinstance(kids, list) or hasattr(kids, "__iter__") else [kids]
    return {int(k) for k in kids if isinstance(k, int)} if element.Pg.objgen == page.objgen else set()


def test_text_belongs_to_the_element_it_reads_in(tmp_path: Path) -> None:
    """Each run of text on each page is named, by the parent tree, as content of the element
    that holds it, and that element is a real one (a paragraph, a cell), not a bare Span
    per line: in the director PDFs and in the pack joined from their pages."""
    import pikepdf

    result = build(REPO, out=tmp_path / "out")
    for name in ["report.pdf", *(f"directors/{d.slug}.pdf" for d in result.report.directors[:1])]:
        with pikepdf.open(result.output_dir / name) as pdf:
            owners = _marked_content_owners(pdf)
            assert len(owners) > 100, name
            kinds = set()
            for index, mcid, owner in owners:
                assert mcid in _own_mcids(owner, pdf.pages[index].obj), (name, index, mcid)
                kinds.add(str(owner.S))
                assert not (owner.S == "/Span" and "/A" not in owner and owner.P.S == "/P"), name
            assert {"/P", "/TD", "/TH", "/H4"} <= kinds, (name, kinds)


def _reachable(root: Any) -> set[tuple[int, int]]:
    import pikepdf

    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack += list(node)
        elif isinstance(node, pikepdf.Dictionary) and node.objgen not in seen:
            seen.add(node.objgen)
            stack.append(node.get("/K"))
    return seen


def _text_marks(page: Any) -> list[tuple[str, str]]:
    """(tag, artifact type) of the marked content around each text-showing operator."""
    import pikepdf

    marks: list[tuple[str, str]] = []
    around: list[tuple[str, str]] = []
    for operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name in ("BDC", "BMC"):
            properties = operands[1] if name == "BDC" else {}
            kind = str(properties.get("/Type", "")) if hasattr(properties, "get") else ""
            marks.append((str(operands[0]), kind))
        elif name == "EMC":
            marks.pop()
        elif name in ("Tj", "TJ", "'", '"'):
            around.append(marks[-1] if marks else ("", ""))
    return around


def test_running_headers_and_footers_are_pagination_artifacts(tmp_path: Path) -> None:
    """Every run of text is either content of an element in the structure tree or an
    artifact; the running header and key on each page are pagination artifacts (WeasyPrint
    tags them with elements left out of the tree, which no reader reaches)."""
    import pikepdf

    result = build(REPO, out=tmp_path / "out")
    for name in ["report.pdf", *(f"directors/{d.slug}.pdf" for d in result.report.directors[:2])]:
        with pikepdf.open(result.output_dir / name) as pdf:
            reachable = _reachable(pdf.Root.StructTreeRoot)
            for _, _, owner in _marked_content_owners(pdf):
                assert owner.objgen in reachable, name
            for page in pdf.pages[1:]:  # the cover has no running header
                marks = _text_marks(page.obj)
                assert ("", "") not in marks, name  # no text outside marked content
                # At least the running header (the page number is stamped on as an
                # artifact of its own).
                assert ("/Artifact", "/Pagination") in marks, (name, marks)


RUNNING = """<html lang="en"><head><title>t</title><style>
@page {{ @top-left {{ content: string(title); }} @bottom-left {{ content: element(key); }} }}
h1 {{ string-set: title content(); }} .key {{ position: running(key); }} .faint {{ opacity: .6; }}
</style></head><body><div class="key">Key {key}</div><h1>Director A</h1>
<p>Body text.</p><p class="faint">A faint note, drawn as a form of its own.</p>
<h2 style="break-before: page">Second page</h2><p>More.</p></body></html>"""


@pytest.mark.parametrize(
    "key, artifact_pages", [("", [0, 1]), ('<a href="https://example.org/">link</a>', [])]
)
def test_margin_boxes_are_artifacts_beside_forms_and_left_alone_with_links(
    key: str, artifact_pages: list[int]
) -> None:
    """Content drawn in a form (opacity) shares its page's marked-content numbers; a
    margin box holding a link keeps its element (the link needs one), as WeasyPrint made it."""
    import pikepdf

    with pikepdf.open(io.BytesIO(render_pdf(RUNNING.format(key=key), None))) as pdf:
        reachable = _reachable(pdf.Root.StructTreeRoot)
        marks = [_text_marks(page.obj) for page in pdf.pages]
        assert [n for n, page in enumerate(marks) if ("/Artifact", "/Pagination") in page] == artifact_pages
        owners = _marked_content_owners(pdf)  # the pages' own content (the form's is not read)
        assert len(owners) >= 3
        assert all(owner.objgen in reachable for _, _, owner in owners) == bool(artifact_pages)
