"""Writing a pack: all or nothing, nothing outside --out, clean errors when the disk says no."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen import swap
from reportgen import writer as writer_module
from reportgen.cli import cli
from reportgen.errors import ReportgenError, ReportgenWarning
from reportgen.writer import PackWriter

TESTS = Path(__file__).resolve().parent
GOOD = TESTS / "projects" / "good" / "minimal"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def old_pack(out: Path) -> Path:
    """A previous pack of a few files under out/2012-13-Q1."""
    target = out / "2012-13-Q1"
    (target / "directors").mkdir(parents=True)
    (target / "report.json").write_text('{"old": true}\n', encoding="utf-8")
    (target / "directors" / "ann.pdf").write_bytes(b"%PDF-old")
    return target


def test_a_complete_pack_replaces_the_old_one(tmp_path: Path) -> None:
    target = old_pack(tmp_path)
    with PackWriter(target) as pack:
        pack.write_text("report.json", '{"new": true}\n')
        pack.write_bytes("fragments/A1.html", b"<div></div>")
    assert snapshot(target) == {"report.json": b'{"new": true}\n', "fragments/A1.html": b"<div></div>"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2012-13-Q1"]


def test_a_file_written_reads_back_exactly_as_written(tmp_path: Path) -> None:
    """The fragments' index shows the fragments as written, line endings and all."""
    text = "caf\u00e9\r\nline two\rthree\n"
    with PackWriter(tmp_path / "out" / "2012-13-Q1") as pack:
        pack.write_text("fragments/A1.html", text)
        assert pack.read_text("fragments/A1.html") == text
        with pytest.raises(ReportgenError, match="cannot read back the pack"):
            pack.read_text("fragments/missing.html")


@pytest.mark.parametrize("failure", [RuntimeError("template broke"), KeyboardInterrupt()])
def test_a_failed_pack_leaves_the_old_one_byte_for_byte(tmp_path: Path, failure: BaseException) -> None:
    target = old_pack(tmp_path)
    before = snapshot(target)
    with pytest.raises(type(failure)), PackWriter(target) as pack:
        pack.write_text("report.json", "half")
        raise failure
    assert snapshot(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2012-13-Q1"], "staging folder left behind"


def test_a_full_disk_is_a_clean_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = old_pack(tmp_path)
    before = snapshot(target)
    real_fsync, synced = os.fsync, []

    def disk_full(descriptor: int) -> None:  # the second file's data does not fit
        synced.append(descriptor)
        if len(synced) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", "second.html")
        real_fsync(descriptor)

    monkeypatch.setattr(writer_module.os, "fsync", disk_full)
    with (
        pytest.raises(ReportgenError, match="cannot write the pack: No space left on device"),
        PackWriter(target) as pack,
    ):
        pack.write_text("first.html", "1")
        pack.write_text("second.html", "2")
    monkeypatch.undo()
    assert snapshot(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2012-13-Q1"]


def test_without_an_atomic_exchange_the_swap_still_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(swap, "exchange", lambda first, second: False)
    renamed = []
    swap_by_renames = swap._swap_by_renames
    monkeypatch.setattr(swap, "_swap_by_renames", lambda *paths: renamed.append(swap_by_renames(*paths)))
    target = old_pack(tmp_path)
    with PackWriter(target) as pack:
        pack.write_text("report.json", "new")
    assert renamed  # the fallback did the swap
    assert snapshot(target) == {"report.json": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2012-13-Q1"]


@pytest.mark.parametrize("atomic", [True, False], ids=["exchanged", "renamed"])
def test_a_previous_pack_that_cannot_be_deleted_is_named_in_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, atomic: bool
) -> None:
    """As when its files are read-only for a user other than root: the new pack goes in,
    and the folder left holding the old one is named, not left to pile up unseen."""
    if not atomic:
        monkeypatch.setattr(swap, "exchange", lambda first, second: False)
    monkeypatch.setattr(swap.shutil, "rmtree", lambda path, ignore_errors=False: None)
    target = old_pack(tmp_path)
    with (
        pytest.warns(ReportgenWarning, match="cannot delete the previous pack") as warned,
        PackWriter(target) as pack,
    ):
        pack.write_text("report.json", "new")
    assert snapshot(target) == {"report.json": b"new"}
    (left,) = [p for p in tmp_path.iterdir() if p.name != "2012-13-Q1"]
    assert left.name.startswith(".2012-13-Q1.") and str(warned[0].message).startswith(str(left))
    assert b'{"old": true}\n' in snapshot(left).values()
    with pytest.warns(ReportgenWarning) as again, PackWriter(target):
        pass  # the next build says so again (and of the pack it replaces)
    assert any("cannot delete what an earlier build left" in str(w.message) for w in again)
    monkeypatch.undo()
    with PackWriter(target):
        pass  # and tidies it away once it can
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2012-13-Q1"]


def test_leftovers_of_a_killed_build_are_tidied_and_the_old_pack_restored(tmp_path: Path) -> None:
    # Killed between the two renames of a swap: the old pack parked, nothing in place.
    parked = tmp_path / ".2012-13-Q1.abcd1234.old" / "pack"
    old_pack(tmp_path)
    (tmp_path / "2012-13-Q1").rename(tmp_path / "parked")
    parked.parent.mkdir()
    (tmp_path / "parked").rename(parked)
    (tmp_path / ".2012-13-Q1.wxyz5678.new").mkdir()  # a staging folder never swapped in
    (tmp_path / ".unrelated").mkdir()
    target = tmp_path / "2012-13-Q1"
    with PackWriter(target) as pack:
        assert snapshot(target)["report.json"] == b'{"old": true}\n', "restored before the build"
        pack.write_text("report.json", "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".unrelated", "2012-13-Q1"]


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/escape.txt", "fragments/../../escape.txt", "."])
def test_no_file_is_written_outside_the_pack(tmp_path: Path, name: str) -> None:
    target = tmp_path / "out" / "2012-13-Q1"
    with pytest.raises(ReportgenError, match="outside the output folder"), PackWriter(target) as pack:
        pack.write_text(name, "x")
    assert not (tmp_path / "out" / "escape.txt").exists() and not Path("/etc/escape.txt").exists()
    assert not target.exists()


def test_out_that_is_a_file_is_a_clean_error(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    for out in (blocker, blocker / "sub"):
        result = CliRunner().invoke(cli, ["build", "--project", str(GOOD), "--out", str(out)])
        assert result.exit_code in (1, 2), result.output  # 2: click refuses it as a usage error
        assert "Traceback" not in result.output and not isinstance(result.exception, OSError)
        assert "blocker" in result.stderr
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_an_unwritable_out_is_a_clean_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> str:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "out"))

    monkeypatch.setattr(writer_module.tempfile, "mkdtemp", refuse)  # root ignores chmod, so pretend
    result = CliRunner().invoke(cli, ["build", "--project", str(GOOD), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "cannot create the output folder: Permission denied" in result.stderr


def test_a_build_that_fails_while_rendering_keeps_the_previous_pack(tmp_path: Path) -> None:
    """A project template that breaks at render time, after some files were written."""
    project = tmp_path / "project"
    shutil.copytree(GOOD, project)
    out = tmp_path / "out"
    first = CliRunner().invoke(cli, ["build", "--project", str(project), "--out", str(out)])
    assert first.exit_code == 0, first.output
    before, entries = snapshot(out / "2012-13-Q1"), sorted(p.name for p in out.iterdir())
    outside_before = sorted(str(p) for p in tmp_path.rglob("*") if out not in p.parents)

    (project / "templates").mkdir()
    # Valid syntax, so validate passes; it fails only when a director's section renders.
    (project / "templates" / "section.html").write_text("{{ no_such_variable }}\n", encoding="utf-8")
    (project / "data" / "values.csv").write_text(
        (project / "data" / "values.csv").read_text(encoding="utf-8").replace("85,90", "95,90"),
        encoding="utf-8",
    )
    second = CliRunner().invoke(cli, ["build", "--project", str(project), "--out", str(out)])
    assert second.exit_code != 0
    assert snapshot(out / "2012-13-Q1") == before
    assert sorted(p.name for p in out.iterdir()) == entries, "a staging folder was left behind"
    outside_after = sorted(str(p) for p in tmp_path.rglob("*") if out not in p.parents)
    added = [str(project / "templates"), str(project / "templates" / "section.html")]
    assert outside_after == sorted([*outside_before, *added]), "nothing written outside --out"


def test_unexpected_errors_are_one_line_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from reportgen import cli as cli_module
    from reportgen import main

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(main, "validate", broken)
    monkeypatch.setattr("sys.argv", ["reportgen", "validate", "--project", str(GOOD)])
    with pytest.raises(SystemExit) as exited:
        cli_module.main()
    assert exited.value.code == 1
    assert capsys.readouterr().err == "reportgen: internal error: ZeroDivisionError: a bug\n"


def test_a_pack_folder_that_is_a_link_is_replaced_not_written_through(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "2012-13-Q1").symlink_to(elsewhere, target_is_directory=True)
    with PackWriter(out / "2012-13-Q1") as pack:
        pack.write_text("report.json", "{}")
    assert snapshot(elsewhere) == {"keep.txt": b"keep"}
    assert not (out / "2012-13-Q1").is_symlink()
    assert snapshot(out / "2012-13-Q1") == {"report.json": b"{}"}


def _with_template(tmp_path: Path, name: str, text: str) -> Path:
    """The good project with one template of its own."""
    project = tmp_path / "project"
    shutil.copytree(GOOD, project)
    (project / "templates").mkdir()
    (project / "templates" / name).write_text(text, encoding="utf-8")
    return project


def _run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Runs the console entry point, which must exit 1; returns what it wrote to stderr."""
    from reportgen import cli as cli_module

    monkeypatch.setattr("sys.argv", ["reportgen", *argv])
    with pytest.raises(SystemExit) as exited:
        cli_module.main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_a_template_that_fails_while_rendering_is_named_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(_with_template(tmp_path, "section.html", "<p>\n{{ no_such_variable }}\n"))
    err = _run_cli(monkeypatch, capsys, "build", "--out", str(tmp_path / "out"))
    assert "templates/section.html:2: template error: UndefinedError: 'no_such_variable' is undefined" in err
    assert not (tmp_path / "out" / "2012-13-Q1").exists()


def test_validate_renders_the_templates_as_the_build_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A template that only fails while rendering must fail `validate` too, not only `build`."""
    monkeypatch.chdir(_with_template(tmp_path, "fragment.html", "<p>\n{{ result.nope.nope }}\n"))
    err = _run_cli(monkeypatch, capsys, "validate")
    assert "templates/fragment.html:2: template error: UndefinedError:" in err


def test_a_pdf_renderer_that_fails_mid_build_leaves_the_previous_pack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """WeasyPrint failing after the HTML, JSON and CSV files were already written."""
    from weasyprint.document import Document

    from reportgen import cli as cli_module

    project = tmp_path / "project"
    shutil.copytree(GOOD, project)
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", "--project", str(project), "--out", str(out)]).exit_code == 0
    before, entries = snapshot(out / "2012-13-Q1"), sorted(p.name for p in out.iterdir())
    comments = project / "data" / "comments.csv"
    changed = comments.read_text(encoding="utf-8").replace("More visits", "Fewer")
    comments.write_text(changed, encoding="utf-8")

    def boom(self: object, *args: object, **kwargs: object) -> bytes:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(Document, "write_pdf", boom)
    monkeypatch.setattr("sys.argv", ["reportgen", "build", "--project", str(project), "--out", str(out)])
    with pytest.raises(SystemExit) as exited:
        cli_module.main()
    assert exited.value.code == 1
    assert "renderer crashed" in capsys.readouterr().err
    assert snapshot(out / "2012-13-Q1") == before
    assert sorted(p.name for p in out.iterdir()) == entries


def test_an_error_in_making_a_streamed_file_is_not_called_a_write_failure(tmp_path: Path) -> None:
    """A template that fails to read a file while the page is streamed out raises its own
    error: the pack's folder is not blamed, and nothing of the new pack is kept."""
    target = old_pack(tmp_path)
    before = snapshot(target)

    def chunks() -> Iterator[str]:
        yield "<p>first</p>"
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", "logo.svg")

    with pytest.raises(FileNotFoundError, match=r"logo\.svg"), PackWriter(target) as pack:
        pack.write_text_chunks("report.html", chunks())
    assert snapshot(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2012-13-Q1"]


@pytest.mark.parametrize("what", ["a small file", "a PDF saved into its file"])
def test_a_full_disk_is_a_clean_error_however_the_file_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    """A small file's data reaches the disk only when it is flushed or closed; a PDF is
    saved by pikepdf straight into its file: either way the full disk is worded."""
    import pikepdf

    target = old_pack(tmp_path)
    before = snapshot(target)
    with (
        pytest.raises(ReportgenError, match="cannot write the pack: No space left on device"),
        PackWriter(target) as pack,
    ):
        monkeypatch.setattr(pack, "path", lambda relative: Path("/dev/full"))
        if what == "a small file":
            pack.write_text("tiny.json", "{}")
        else:
            pdf = pikepdf.new()
            pdf.add_blank_page()
            pack.write_with("report.pdf", lambda stream: pdf.save(stream))
    monkeypatch.undo()
    assert snapshot(target) == before


@pytest.fixture
def sigterm_exits() -> Iterator[None]:
    """SIGTERM handled as the command handles it: SystemExit(143)."""
    import signal

    def stop(_number: int, _frame: object) -> None:
        raise SystemExit(143)

    previous = signal.signal(signal.SIGTERM, stop)
    yield
    signal.signal(signal.SIGTERM, previous)


def _sigterm_then(real: object) -> object:
    """`real`, called after this process is sent SIGTERM (as a stop would land in it)."""
    import signal

    def stopped_during(*args: object, **kwargs: object) -> object:
        os.kill(os.getpid(), signal.SIGTERM)
        return real(*args, **kwargs)  # type: ignore[operator]

    return stopped_during


def test_a_stop_while_the_staging_folder_is_made_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sigterm_exits: None
) -> None:
    target = old_pack(tmp_path / "out")
    before = snapshot(target)
    monkeypatch.setattr(writer_module.os, "umask", _sigterm_then(os.umask))
    with pytest.raises(SystemExit), PackWriter(target) as pack:
        pack.write_text("report.json", "{}")
    assert sorted(path.name for path in target.parent.iterdir()) == ["2012-13-Q1"]
    assert snapshot(target) == before


def test_a_stop_during_the_swap_comes_too_late_to_undo_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sigterm_exits: None
) -> None:
    target = old_pack(tmp_path / "out")
    monkeypatch.setattr(writer_module, "swap_in", _sigterm_then(swap.swap_in))
    with PackWriter(target) as pack:  # no SystemExit: the new pack is in place, whole
        pack.write_text("report.json", "{}")
    assert snapshot(target) == {"report.json": b"{}"}
    assert sorted(path.name for path in target.parent.iterdir()) == ["2012-13-Q1"]


def test_a_stop_during_a_failed_swap_is_delivered_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sigterm_exits: None
) -> None:
    target = old_pack(tmp_path / "out")
    before = snapshot(target)

    def failing(_staging: Path, _target: Path) -> None:
        raise OSError(errno.EIO, "input/output error")

    monkeypatch.setattr(writer_module, "swap_in", _sigterm_then(failing))
    with pytest.raises(SystemExit), PackWriter(target) as pack:
        pack.write_text("report.json", "{}")
    assert snapshot(target) == before
    assert sorted(path.name for path in target.parent.iterdir()) == ["2012-13-Q1"]
