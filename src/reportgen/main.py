"""The library entry points: validate a project, build its pack. The CLI only calls these."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen import cache
from reportgen.cache import RenderCache
from reportgen.chase import chase_list_csv
from reportgen.compute import DirectorSection, Report, compute_report
from reportgen.errors import ReportgenError, display_path, template_problem
from reportgen.html_memo import HtmlMemo
from reportgen.layout_jobs import EARLY_WORKERS, start_workers
from reportgen.link_check import warn_about_dead_links
from reportgen.memory import give_back_memory
from reportgen.period import Period
from reportgen.pipeline import Progress, WritePdf, render_pack_pdfs
from reportgen.project import Project, load_project
from reportgen.render import Renderer
from reportgen.render_check import check_rendering
from reportgen.report_json import report_json_chunks
from reportgen.workers import RenderPool
from reportgen.writer import PackWriter


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
    """Checks a project and computes its report without writing anything.

    Every HTML output is rendered too, and thrown away, so that a template error (an
    undefined variable, a missing include) fails here as it would fail the build.
    """
    project, chosen = load_project(Path(project_dir), _period(period))
    report = compute_report(project, chosen)
    renderer = Renderer(report, project.templates_dir)
    check_rendering(renderer)
    warn_about_dead_links(renderer.links, report, project.templates_dir)
    return report


def _write_pack(
    project: Project,
    report: Report,
    writer: PackWriter,
    cache_folder: Path | None,
    pool: RenderPool,
    progress: Progress,
) -> None:
    render_cache = RenderCache(cache_folder, project.templates_dir)
    renderer = Renderer(report, project.templates_dir, HtmlMemo(render_cache))
    written: set[str] = set()

    def director_html(director: DirectorSection) -> str:
        # Rendered when the PDF pipeline asks, so its layout can start at once; not
        # kept (8 MB at 1,000 indicators): asked again only if the pack is laid out whole.
        html = renderer.director_html(director)
        if director.slug not in written:
            writer.write_text(f"directors/{director.slug}.html", html)
            written.add(director.slug)
        return html

    def other_outputs() -> None:
        # Runs while the workers lay out the directors' pages.
        # Each written as made and let go (report.json, the fragments: 13 and 10 MB at
        # 1,000 indicators, measured), while the workers lay out the largest directors.
        writer.write_text_chunks("report.json", report_json_chunks(report))
        writer.write_text("missing-comments.csv", chase_list_csv(report))
        for director in report.directors:
            for stem, fragment in renderer.director_fragments(director).items():
                writer.write_text(f"fragments/{stem}.html", fragment)
        index = renderer.fragments_index_name()
        index_chunks = renderer.fragments_index_chunks(
            lambda stem: writer.read_text(f"fragments/{stem}.html")
        )
        writer.write_text_chunks(f"fragments/{index}", index_chunks)
        writer.write_text_chunks("report.html", renderer.pack_chunks())
        warn_about_dead_links(renderer.links, report, project.templates_dir)
        give_back_memory()  # what the HTML took, before the pack's PDF is joined

    def director_pdf(slug: str, pdf: bytes) -> None:
        writer.write_bytes(f"directors/{slug}.pdf", pdf)

    def pack_pdf(write: WritePdf) -> None:
        writer.write_with("report.pdf", write)

    render_pack_pdfs(
        renderer, director_html, render_cache, pool, progress, other_outputs, director_pdf, pack_pdf
    )


def _out_dir(root: Path, out: Path | str | None) -> Path:
    return Path(out) if out is not None else root / "output"


def _refuse_to_replace_project(root: Path, replaced: Path) -> None:
    """A folder the build replaces or deletes must not be the project or hold it: a
    project kept in a folder named after its quarter, built with `--out ..`, was lost."""
    project, folder = root.resolve(), replaced.resolve()
    if folder == project or folder in project.parents:
        raise ReportgenError(
            f"{display_path(replaced)}: refusing to replace this folder: it holds the project itself; "
            "choose another output folder (--out)"
        )


def _refuse_to_replace_other_than_a_pack(target: Path) -> None:
    """The period folder is replaced whole: a file or a link in its place is the user's,
    not a pack, and would be lost (a link's target would never get the pack)."""
    if target.is_symlink():
        raise ReportgenError(
            f"{display_path(target)}: is a link, and the pack folder is replaced whole, so the "
            f"link would be lost: remove it, or build with --out naming the folder to hold {target.name}/"
        )
    if target.exists() and not target.is_dir():
        raise ReportgenError(
            f"{display_path(target)}: is a file, not a pack folder: move it, or choose another "
            "output folder (--out)"
        )


def clear_cache(project_dir: Path | str = ".", out: Path | str | None = None) -> None:
    """Deletes the stored page layouts a build into OUT would reuse."""
    folder = _out_dir(Path(project_dir), out)
    _refuse_to_replace_project(Path(project_dir), folder / cache.CACHE_FOLDER)
    cache.clear_cache(folder)


def build(
    project_dir: Path | str = ".",
    period: str | Period | None = None,
    out: Path | str | None = None,
    progress: Progress | None = None,
    use_cache: bool = True,
    pool: RenderPool | None = None,
) -> BuildResult:
    """Builds every output of the pack under OUT/<period>/, all or nothing.

    Directors whose pages are unchanged since an earlier build into the same OUT are
    taken from OUT/.reportgen-cache/ unless `use_cache` is false. Directors are laid
    out by `pool` (default: a new one, one worker per core).
    """
    if pool is None:
        with RenderPool() as own_pool:
            return build(project_dir, period, out, progress, use_cache, own_pool)
    root = Path(project_dir)
    chosen_period = _period(period)
    # Workers start first, before the project is loaded: they carry none of it (summed
    # peak RSS at 1,000 indicators 370 -> 351 MiB) and import WeasyPrint meanwhile.
    # Before the output folder is locked, too: a worker would hold the lock. A few:
    # how many directors there are is not known yet.
    try:
        start_workers(pool, EARLY_WORKERS)  # unless the command started them already
        project, chosen = load_project(root, chosen_period)
        report = compute_report(project, chosen)
        start_workers(pool, len(report.directors))  # more, if they have work
        pool.keep(len(report.directors))  # fewer, if they have not
        out_dir = _out_dir(root, out)
        target = out_dir / chosen.code
        _refuse_to_replace_project(root, target)
        _refuse_to_replace_other_than_a_pack(target)
        _refuse_to_replace_project(root, out_dir / cache.CACHE_FOLDER)
        cache_folder = out_dir / cache.CACHE_FOLDER if use_cache else None
        with PackWriter(target) as writer:
            try:
                _write_pack(project, report, writer, cache_folder, pool, progress or (lambda *_: None))
            except Exception as error:
                if template_problem(error) is None:
                    raise
                pool.stop()  # the build has failed: find every template error, not only this one
                check_rendering(Renderer(report, project.templates_dir))
                raise
    except BaseException:
        pool.stop()  # nothing a failed build's workers do may reach a later build
        raise
    files = tuple(sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()))
    return BuildResult(target, report, files)
