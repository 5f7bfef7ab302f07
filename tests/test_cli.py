"""The command line through click's CliRunner: help, version, validate, build, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen import __version__
from reportgen.cli import cli

from .conftest import REPO


def test_help_lists_commands() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "build" in result.output and "validate" in result.output
    for command in ("build", "validate"):
        sub = CliRunner().invoke(cli, [command, "--help"])
        assert sub.exit_code == 0 and "--project" in sub.output and "--period" in sub.output


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_validate_default_project_writes_nothing(tmp_path: Path) -> None:
    before = sorted(p.name for p in REPO.iterdir())
    result = CliRunner().invoke(cli, ["validate", "--project", str(REPO)])
    assert result.exit_code == 0, result.output
    assert "31 indicators" in result.output and "Quarter 1 2012/13" in result.output
    assert sorted(p.name for p in REPO.iterdir()) == before


def test_build_with_period_and_out(tmp_path: Path, default_project: Path) -> None:
    result = CliRunner().invoke(
        cli, ["build", "--project", str(default_project), "--period", "2012-13-Q2", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "2012-13-Q2" / "report.json").read_text())
    assert document["period_label"] == "Quarter 2 2012/13"
    # Q2 has no new actuals: the band still comes from June, the latest month with both.
    assert document["summary"] == {"red_diamond": 16, "green_plus": 9, "blue_circle": 6, "no_data": 0}


def test_malformed_period_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["validate", "--project", str(REPO), "--period", "2012-Q1"])
    assert result.exit_code == 2
    assert "YYYY-YY-QN" in result.output


def test_a_period_outside_python_dates_is_a_usage_error() -> None:
    for period in ("9999-00-Q4", "0000-01-Q1"):
        result = CliRunner().invoke(cli, ["validate", "--project", str(REPO), "--period", period])
        assert result.exit_code == 2, result.output
        assert "must start between 0001 and 9998" in result.output and "internal error" not in result.output


def test_unknown_option_is_a_usage_error() -> None:
    assert CliRunner().invoke(cli, ["build", "--colour"]).exit_code == 2


def test_a_project_that_is_not_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    for command in ("validate", "build"):
        for project in (tmp_path / "missing", tmp_path / "file"):
            result = CliRunner().invoke(cli, [command, "--project", str(project)])
            assert result.exit_code == 2, result.output
            assert "Invalid value for '--project'" in result.output


def test_problems_are_listed_as_file_line_and_exit_1(default_project: Path) -> None:
    values = default_project / "data" / "values.csv"
    lines = values.read_text().splitlines()
    lines[3] = "NOPE,2012-06-30,1,2"
    lines[5] = "2042SC,2012-06-15,1,2"
    values.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(cli, ["validate", "--project", str(default_project)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "values.csv:4: unknown indicator code 'NOPE'" in result.output
    assert "values.csv:6: period_end: '2012-06-15' is not the last day of its month" in result.output


def test_build_with_a_relative_project_path(default_project: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (default_project / "templates").mkdir()
    monkeypatch.chdir(default_project.parent)
    result = CliRunner().invoke(cli, ["build", "--project", default_project.name])
    assert result.exit_code == 0, result.output
    assert (default_project / "output" / "2012-13-Q1" / "report.pdf").is_file()


def test_a_build_never_replaces_the_project_folder(tmp_path: Path) -> None:
    """A project kept in a folder named after its quarter, built with --out .., was
    replaced by its own pack; so was one holding a folder named like the cache."""
    import shutil

    minimal = REPO / "tests" / "projects" / "good" / "minimal"
    project = tmp_path / "2012-13-Q1"
    shutil.copytree(minimal, project)
    before = sorted(str(path.relative_to(project)) for path in project.rglob("*"))
    runner = CliRunner()
    result = runner.invoke(cli, ["build", "--project", str(project), "--out", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "refusing to replace this folder: it holds the project itself" in result.output
    cached = tmp_path / ".reportgen-cache" / "project"
    shutil.copytree(minimal, cached)
    result = runner.invoke(cli, ["build", "--project", str(cached), "--out", str(tmp_path), "--clear-cache"])
    assert result.exit_code == 1, result.output
    assert sorted(str(path.relative_to(project)) for path in project.rglob("*")) == before
    assert (cached / "config" / "report.yaml").is_file()


def test_a_file_or_link_in_the_pack_folder_s_place_is_kept(tmp_path: Path) -> None:
    minimal = REPO / "tests" / "projects" / "good" / "minimal"
    target = tmp_path / "out" / "2012-13-Q1"
    target.parent.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for make, said in (
        (lambda: target.write_text("notes"), "is a file"),
        (lambda: target.symlink_to(elsewhere), "is a link"),
    ):
        target.unlink(missing_ok=True)
        make()
        result = CliRunner().invoke(cli, ["build", "--project", str(minimal), "--out", str(tmp_path / "out")])
        assert result.exit_code == 1, result.output
        assert f"{target}: {said}" in result.output
    assert target.is_symlink() and list(elsewhere.iterdir()) == []


def test_a_build_stopped_by_sigterm_leaves_the_previous_pack_and_no_staging(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "reportgen",
        "build",
        "--project",
        str(REPO),
        "--out",
        str(out),
        "--no-cache",
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
    pack = out / "2012-13-Q1"
    before = {path: path.read_bytes() for path in pack.rglob("*") if path.is_file()}
    running = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(out.glob(".2012-13-Q1.*.new")) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # into the layout, which takes seconds
    assert running.poll() is None, "the build ended before it could be stopped"
    running.send_signal(signal.SIGTERM)
    _, stderr = running.communicate(timeout=60)
    assert running.returncode == 128 + signal.SIGTERM, stderr
    assert b"Traceback" not in stderr
    assert [path.name for path in out.iterdir()] == ["2012-13-Q1"]  # no staging folder left
    assert {path: path.read_bytes() for path in pack.rglob("*") if path.is_file()} == before


def test_a_warning_from_a_library_is_shown_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replayed while still recording, it was recorded again onto the list being read:
    a loop that used memory until the process was killed (Pillow's large-image warning)."""
    import warnings

    from reportgen.cli import warnings_on_stderr
    from reportgen.errors import ReportgenWarning

    shown: list[str] = []
    monkeypatch.setattr(warnings, "showwarning", lambda message, *_: shown.append(str(message)))
    with warnings_on_stderr():
        warnings.warn("a library's warning", UserWarning, stacklevel=1)
        warnings.warn(ReportgenWarning("x.html: warning: ours"), stacklevel=1)
    assert shown == ["a library's warning"]
    assert capsys.readouterr().err == "x.html: warning: ours\n"
