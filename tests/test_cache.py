"""The render cache: reused only for identical input, never stale; builds are reproducible."""

from __future__ import annotations

import itertools
import multiprocessing
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from reportgen import parts
from reportgen.cache import RenderCache
from reportgen.main import build, clear_cache
from reportgen.workers import RenderPool

from .pipeline_project import SLUGS, comments_csv, make_project


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The slugs of the directors laid out (in the pool or not), as each one finishes."""
    laid_out: list[str] = []
    real = parts._render_all

    def counting(jobs: list[parts.DirectorJob], *rest: Any) -> Iterator[Any]:
        for job, pdfs in real(jobs, *rest):
            laid_out.append(job.slug)
            yield job, pdfs

    monkeypatch.setattr(parts, "_render_all", counting)
    return laid_out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project", long=False)


def rebuild(project: Path, renders: list[str], **options: bool) -> list[str]:
    """Builds again and returns which directors were laid out."""
    renders.clear()
    build(project, out=project.parent / "out", **options)
    return sorted(renders)


def text(pdf: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_unchanged_rebuilds_lay_out_nothing_unless_told(project: Path, renders: list[str]) -> None:
    assert rebuild(project, renders) == SLUGS
    assert rebuild(project, renders) == []
    assert rebuild(project, renders, use_cache=False) == SLUGS
    clear_cache(project, project.parent / "out")
    assert not (project.parent / "out" / ".reportgen-cache").exists()
    assert rebuild(project, renders) == SLUGS


def test_one_changed_comment_lays_out_only_its_director(project: Path, renders: list[str]) -> None:
    rebuild(project, renders)
    (project / "data" / "comments.csv").write_text(comments_csv(" A late addition.", long=False))
    assert rebuild(project, renders) == ["cy-fox"]
    out = project.parent / "out" / "2012-13-Q1"
    assert "A late addition." in text(out / "directors" / "cy-fox.pdf")
    assert "A late addition." in text(out / "report.pdf")


@pytest.mark.parametrize("changed", ["C1", "A1"])  # in the last section, in the first
def test_a_rebuild_writes_the_bytes_a_fresh_build_writes(project: Path, changed: str) -> None:
    """Stored sections are joined into the pack while the changed one is laid out: the
    files must not show which sections were stored, wherever the changed one stands.

    (Without the `renders` fixture: its wrapper starts the layouts only after the
    stored sections are joined, which hides the order they are joined in.)"""
    out = project.parent / "out"
    build(project, out=out)
    comments = comments_csv(long=False).splitlines()
    comments = [f'{row[:-1]} A late addition."' if row.startswith(changed) else row for row in comments]
    (project / "data" / "comments.csv").write_text("\n".join(comments) + "\n")
    cached = build(project, out=out).output_dir
    fresh = build(project, out=project.parent / "fresh", use_cache=False).output_dir
    assert "A late addition." in text(cached / "report.pdf")
    files = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(cached) for p in cached.rglob("*") if p.is_file())
    for name in files:
        assert (fresh / name).read_bytes() == (cached / name).read_bytes(), name


def test_a_changed_setting_template_or_css_lays_out_everyone(
    project: Path, renders: list[str]
) -> None:
    rebuild(project, renders)
    report = project / "config" / "report.yaml"
    for setting in ("title: Another Pack", "locale: de_DE"):
        key = setting.split(":")[0]
        lines = [line for line in report.read_text().splitlines() if not line.startswith(key)]
        report.write_text("\n".join([*lines, setting, ""]))
        assert rebuild(project, renders) == SLUGS, setting
    builtin = Path(__file__).parents[1] / "templates"
    (project / "templates").mkdir()
    css = (builtin / "pack.css").read_text() + "\n.indicator-title { color: #222; }\n"
    (project / "templates" / "pack.css").write_text(css)
    assert rebuild(project, renders) == SLUGS
    cover = (builtin / "cover.html").read_text().replace("cover-title", "cover-heading")
    (project / "templates" / "cover.html").write_text(cover)
    assert rebuild(project, renders) == SLUGS


def test_a_changed_template_asset_changes_every_key(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    before = RenderCache(tmp_path / "cache", templates).key("<html>")
    (templates / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    assert RenderCache(tmp_path / "cache", templates).key("<html>") != before


def test_the_pdf_variant_changes_every_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportgen import pdf

    before = RenderCache(tmp_path / "cache", None).key("<html>")
    monkeypatch.setattr(pdf, "PDF_VARIANT", None if pdf.PDF_VARIANT else "pdf/ua-1")
    assert RenderCache(tmp_path / "cache", None).key("<html>") != before


def test_the_cache_serves_what_was_stored_and_nothing_damaged(tmp_path: Path) -> None:
    cache = RenderCache(tmp_path / "cache", None)
    key = cache.key("<html>")
    assert cache.get(key) is None
    cache.put(key, {"page_names": ["", "cover"]}, [b"%PDF-one", b"", b"%PDF-three"])
    assert cache.get(key) == ({"page_names": ["", "cover"]}, [b"%PDF-one", b"", b"%PDF-three"])
    assert cache.key("<html >") != key
    (entry,) = (tmp_path / "cache").rglob("*.bin")
    stored = entry.read_bytes()
    entry.write_bytes(stored[:-3])
    assert cache.get(key) is None
    entry.write_bytes(stored[:-3] + b"two")  # same length, other bytes: damaged on disk
    assert cache.get(key) is None
    assert RenderCache(None, None).get(key) is None  # caching off


def _damage(entry: Path, how: str) -> None:
    """Changes what an entry holds after its header, keeping its length."""
    data = bytearray(entry.read_bytes())
    start = 8 + int.from_bytes(data[:8], "big")
    if how == "one byte" and start < len(data):
        data[(start + len(data)) // 2] ^= 0xFF
    else:
        data[start:] = bytes(len(data) - start)
    entry.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["one byte", "zeroed"])
def test_a_damaged_cache_is_laid_out_again_not_served(tmp_path: Path, how: str) -> None:
    project = make_project(tmp_path / "project", long=False)
    with RenderPool() as pool:
        build(project, out=tmp_path / "out", pool=pool)
        entries = list((tmp_path / "out" / ".reportgen-cache").rglob("*.bin"))
        for entry in entries:
            _damage(entry, how)
        rebuilt = files(build(project, out=tmp_path / "out", pool=pool).output_dir)
        fresh = files(build(project, out=tmp_path / "fresh", use_cache=False, pool=pool).output_dir)
    assert len(entries) > 3
    assert rebuilt == fresh


def test_an_entry_renamed_to_another_key_is_not_served(tmp_path: Path) -> None:
    cache = RenderCache(tmp_path / "cache", None)
    first, second = cache.key("<p>first</p>"), cache.key("<p>second</p>")
    cache.put(first, {}, [b"%PDF-first"])
    (entry,) = (tmp_path / "cache").rglob("*.bin")
    moved = tmp_path / "cache" / second[:2] / f"{second}.bin"
    moved.parent.mkdir(exist_ok=True)
    shutil.copyfile(entry, moved)  # an entry swapped by hand: valid, but another input's
    assert cache.get(first) == ({}, [b"%PDF-first"])
    assert cache.get(second) is None


@pytest.mark.parametrize("blocker", ["cache folder", "shard folder", "entry"])
def test_a_cache_that_cannot_store_is_a_warning_and_the_pack_is_built(tmp_path: Path, blocker: str) -> None:
    from click.testing import CliRunner

    from reportgen.cli import cli
    from reportgen.job_order import FINGERPRINTS_KEY

    project = make_project(tmp_path / "project", long=False)
    out = tmp_path / "out"
    cache = out / ".reportgen-cache"
    # Each build stores the directors' fingerprints under one fixed key: block that.
    entry = cache / FINGERPRINTS_KEY[:2] / f"{FINGERPRINTS_KEY}.bin"
    if blocker == "cache folder":
        out.mkdir()
        cache.write_text("not a folder")
    elif blocker == "shard folder":
        cache.mkdir(parents=True)
        entry.parent.write_text("not a folder")
    else:
        entry.mkdir(parents=True)
    arguments = ["build", "--project", str(project), "--out", str(out)]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    warning = f"{cache}: warning: cannot keep laid-out pages for reuse"
    assert result.stderr.count(warning) == 1, result.stderr
    assert "Ann Lee" in text(out / "2012-13-Q1" / "report.pdf")


def test_clearing_a_cache_replaced_by_a_file_removes_the_file(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", long=False)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / ".reportgen-cache").write_text("not a folder")
    clear_cache(project, tmp_path / "out")
    assert not (tmp_path / "out" / ".reportgen-cache").exists()


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("workers", [None, 1], ids=["in workers", "in one process"])
def test_builds_are_byte_identical_fresh_or_from_the_cache(tmp_path: Path, workers: int | None) -> None:
    project = make_project(tmp_path / "project", long=False)
    with RenderPool(workers) as pool:
        first = build(project, out=tmp_path / "one", pool=pool).output_dir
        second = build(project, out=tmp_path / "two", use_cache=False, pool=pool).output_dir
        cached = files(build(project, out=tmp_path / "one", pool=pool).output_dir)
    assert files(second) == cached
    assert files(first) == cached
    assert len(cached) > 10


def test_the_cli_can_build_without_the_cache_quietly(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reportgen.cli import cli

    project = make_project(tmp_path / "project", long=False)
    out = tmp_path / "out"
    (out / ".reportgen-cache" / "ab").mkdir(parents=True)
    arguments = ["build", "--project", str(project), "--out", str(out)]
    result = CliRunner().invoke(cli, [*arguments, "--no-cache", "--clear-cache"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Wrote ")  # no progress bar: not a terminal
    assert not (out / ".reportgen-cache").exists()
    assert (out / "2012-13-Q1" / "report.pdf").is_file()


def test_entries_unused_for_long_are_pruned(tmp_path: Path) -> None:
    import os
    import time

    cache = RenderCache(tmp_path / "cache", None)
    old, recent = cache.key("old"), cache.key("recent")
    cache.put(old, {}, [b"old"])
    cache.put(recent, {}, [b"recent"])
    (entry,) = (tmp_path / "cache").rglob(f"{old}.bin")
    long_ago = time.time() - 60 * 24 * 3600
    os.utime(entry, (long_ago, long_ago))
    cache.prune()
    assert cache.get(old) is None
    assert cache.get(recent) == ({}, [b"recent"])


@pytest.fixture
def laid_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file each worker touches once it has laid out a director (patched before the
    pool forks them)."""
    from reportgen import layout_jobs

    marker, real_render = tmp_path / "laid-out", layout_jobs.render_director

    def render_then_mark(*args: Any) -> Any:
        pdfs = real_render(*args)
        marker.touch()
        return pdfs

    monkeypatch.setattr(layout_jobs, "render_director", render_then_mark)
    return marker


def _rebuild_spying_joins(
    project: Path, monkeypatch: pytest.MonkeyPatch, laid_out: Path, spy: Callable[[], bool]
) -> tuple[Path, list[bool]]:
    """Builds, changes one comment, builds again in workers; returns the pack and, per
    section joined (the stored ones first), what `spy` said just before. `laid_out` is
    cleared between the builds."""
    from reportgen.packjoin import PackJoiner

    out = project.parent / "spied"
    build(project, out=out)
    laid_out.unlink()
    (project / "data" / "comments.csv").write_text(comments_csv(" A late addition.", long=False))
    real_add, seen = PackJoiner.add_section, []

    def add_section(self: PackJoiner, *args: Any) -> None:
        seen.append(spy())
        real_add(self, *args)

    monkeypatch.setattr(PackJoiner, "add_section", add_section)
    return build(project, out=out, pool=RenderPool(2)).output_dir / "report.pdf", seen


def _wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_a_rebuild_s_worker_ends_as_soon_as_it_is_done_not_after_the_joins(
    project: Path, laid_out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the stored sections are joined (the main process at its largest), the
    worker that laid out the changed director must not stay on, idle, beside it."""
    calls = itertools.count()

    def spy() -> bool:
        if next(calls) == 0:  # the first stored section: held until the worker has laid out
            _wait_until(laid_out.exists, 30)
            time.sleep(1)  # and its answer is on the way, heard once this join is done
            return False  # not asked
        return _wait_until(lambda: not multiprocessing.active_children(), 10)

    _pack, seen = _rebuild_spying_joins(project, monkeypatch, laid_out, spy)
    assert laid_out.exists()
    assert seen[1]  # two stored sections: it ended before the second (not after both)


def test_with_no_memory_to_spare_a_rebuild_joins_once_the_workers_are_done(
    project: Path, laid_out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stored sections are joined beside a worker's layout only within the budget."""
    from reportgen import memory

    monkeypatch.setattr(memory, "MEMORY_BUDGET", 0)
    pack, seen = _rebuild_spying_joins(project, monkeypatch, laid_out, laid_out.exists)
    assert seen == [True, True, True]  # two stored sections, then the new one
    assert "A late addition." in text(pack)


def test_a_rebuild_renders_the_changed_director_first(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bo Dee is the smallest director, rendered last by size; once a comment of theirs
    changes, their HTML is rendered (and their layout sent) before any other's."""
    from reportgen.render import Renderer

    out = project.parent / "out"
    build(project, out=out)
    comments = comments_csv(long=False) + 'B1,2012-06-30,Sam Owner,Commentary,"Late."\n'
    (project / "data" / "comments.csv").write_text(comments)
    real, rendered = Renderer.director_html, []

    def spying(self: Renderer, director: Any) -> str:
        rendered.append(director.slug)
        return real(self, director)

    monkeypatch.setattr(Renderer, "director_html", spying)
    build(project, out=out)
    assert rendered[0] == "bo-dee"
    rendered.clear()
    build(project, out=out, use_cache=False)  # no memory of the last build: biggest first
    assert rendered[:3] == ["ann-lee", "cy-fox", "bo-dee"]


def test_a_rebuild_renders_only_the_changed_director_s_html(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every other director's own pack and fragments are read as the last build left them."""
    import jinja2

    from reportgen.render import Renderer

    out = project.parent / "out"
    build(project, out=out)
    (project / "data" / "comments.csv").write_text(comments_csv(" A late addition.", long=False))
    real_pack, real_render, titles, templates = Renderer._pack, jinja2.Template.render, [], []

    def spying_pack(self: Renderer, report: Any, document_title: str, **extra: object) -> str:
        titles.append(document_title)
        return real_pack(self, report, document_title, **extra)

    def spying_render(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        templates.append(self.name)
        return real_render(self, *args, **kwargs)

    monkeypatch.setattr(Renderer, "_pack", spying_pack)
    monkeypatch.setattr(jinja2.Template, "render", spying_render)
    pack = build(project, out=out).output_dir
    assert [title for title in titles if title.endswith(("Lee", "Dee", "Fox"))] == [titles[0]]
    assert titles[0].endswith(" - Cy Fox")
    assert templates.count("fragment.html") == 2  # C1 and C2
    assert "A late addition." in (pack / "directors" / "cy-fox.html").read_text()
    assert "A late addition." in (pack / "fragments" / "C1.html").read_text()


def test_the_html_kept_from_the_last_build_is_never_stale(project: Path) -> None:
    """After each change that shapes the HTML, the HTML written from the cache is what a
    build without it writes."""
    out, fresh = project.parent / "out", project.parent / "fresh"
    templates = project / "templates"
    templates.mkdir()
    (templates / "mark.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    css = "{% include 'default:fragment.css' %}\nh3 { background: url(mark.svg); }"
    (templates / "fragment.css").write_text(css)
    build(project, out=out)
    changes: list[Callable[[], object]] = [
        lambda: (project / "data" / "comments.csv").write_text(comments_csv(" Later.", long=False)),
        lambda: (project / "config" / "report.yaml").write_text(
            (project / "config" / "report.yaml").read_text().replace("title:", "title: New")
        ),
        lambda: (templates / "fragment.html").write_text("<p>Ours</p>{% include 'default:fragment.html' %}"),
        lambda: (templates / "mark.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><g/></svg>"),
    ]
    for number, change in enumerate(changes):
        change()
        cached = build(project, out=out).output_dir
        made = build(project, out=fresh, use_cache=False).output_dir
        pages = sorted(p.relative_to(made) for p in made.rglob("*.html"))
        assert pages == sorted(p.relative_to(cached) for p in cached.rglob("*.html"))
        for page in pages:
            assert (cached / page).read_text() == (made / page).read_text(), (number, page)
    assert "<p>Ours</p>" in (cached / "fragments" / "A1.html").read_text()


def test_a_changed_module_of_reportgen_changes_every_key(tmp_path: Path) -> None:
    """Stored pages and HTML are never served to other code, even under the same version."""
    from reportgen import cache

    package = tmp_path / "reportgen"
    shutil.copytree(Path(cache.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    digest = cache.code_digest.__wrapped__  # not the memo of this process's own
    assert digest(package) == cache.code_digest()
    (package / "formatting.py").write_text((package / "formatting.py").read_text() + "\n# changed\n")
    assert digest(package) != cache.code_digest()


def _refuse_to_read(monkeypatch: pytest.MonkeyPatch, refused: Path) -> None:
    """Path.read_bytes and Path.open fail for one file, as for a file the user may not
    read (the tests may run as root, who may read every file)."""
    read_bytes, open_ = Path.read_bytes, Path.open

    def failing_read_bytes(path: Path) -> bytes:
        if path == refused:
            raise PermissionError(13, "Permission denied")
        return read_bytes(path)

    def failing_open(path: Path, *args: Any, **kwargs: Any) -> Any:
        if path == refused:
            raise PermissionError(13, "Permission denied")
        return open_(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", failing_read_bytes)
    monkeypatch.setattr(Path, "open", failing_open)


def test_a_template_folder_file_that_cannot_be_read_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not `reportgen: internal error: PermissionError`: the check names it before a
    build, and the cache's digest of the folder, reading it later, names it too."""
    from reportgen.errors import ProblemLog, ReportgenError
    from reportgen.template_check import check_templates

    templates = tmp_path / "templates"
    templates.mkdir()
    logo = templates / "logo.png"
    logo.write_bytes(b"\x89PNG")
    _refuse_to_read(monkeypatch, logo)
    log = ProblemLog()
    check_templates(templates, log)
    assert [(p.file.endswith("logo.png"), p.message) for p in log.problems] == [
        (True, "cannot be read (Permission denied); rendering may load any file here")
    ]
    with pytest.raises(ReportgenError, match=r"logo\.png: cannot be read \(Permission denied\)"):
        RenderCache(tmp_path / "cache", templates)
