"""The library entry points: validate a project, build its pack. The CLI only calls these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportgen.chase import chase_list_csv
from reportgen.compute import Report, compute_report
from reportgen.errors import ReportgenError
from reportgen.period import Period
from reportgen.project import Project, load_project
from reportgen.render import Renderer
from reportgen.report_json import report_json
from reportgen.writer import PackWriter

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    """Where a pack was written and what it holds."""

    output_dir: Path
    report: Report
    files: tuple[str, ...]


def _period(period: str | Period | None) -> Period | None:
    if period is None or isinstance(period, Period):
        return period
    try:
        return Period.parse(period)
    except ValueError as error:
        raise ReportgenError(str(error)) from None


def validate(project_dir: Path | str = ".", period: str | Period | None = None) -> Report:
    """Checks a project and computes its report without writing anything."""
    project, chosen = load_project(Path(project_dir), _period(period))
    return compute_report(project, chosen)


def _write_pack(project: Project, report: Report, writer: PackWriter, progress: Progress) -> None:
    renderer = Renderer(report, project.templates_dir)
    writer.write_text("report.json", report_json(report))
    writer.write_text("missing-comments.csv", chase_list_csv(report))
    for result in report.indicators:
        writer.write_text(f"fragments/{result.fragment_stem}.html", renderer.fragment_html(result))
    index = renderer.fragments_index_name()
    writer.write_text(f"fragments/{index}", renderer.fragments_index_html())

    from reportgen.pdf import render_pdf  # WeasyPrint is slow to import: only when building

    pack = renderer.pack_html()
    writer.write_text("report.html", pack)
    for director in report.directors:
        progress(director.name)
        html = renderer.director_html(director)
        writer.write_text(f"directors/{director.slug}.html", html)
        writer.write_bytes(f"directors/{director.slug}.pdf", render_pdf(html, project.templates_dir))
    progress("whole pack")
    writer.write_bytes("report.pdf", render_pdf(pack, project.templates_dir))


def build(
    project_dir: Path | str = ".",
    period: str | Period | None = None,
    out: Path | str | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Builds every output of the pack under OUT/<period>/, all or nothing."""
    root = Path(project_dir)
    project, chosen = load_project(root, _period(period))
    report = compute_report(project, chosen)
    target = (Path(out) if out is not None else root / "output") / chosen.code
    with PackWriter(target) as writer:
        _write_pack(project, report, writer, progress or (lambda _step: None))
    files = tuple(sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()))
    return BuildResult(target, report, files)
