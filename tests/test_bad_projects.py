"""Every folder under tests/projects/bad/ fails cleanly: file:line on stderr, exit 1, pack intact.

A case folder holds only what differs from tests/projects/good/minimal/: the files it
replaces, `remove.txt` (paths to delete), `symlinks.txt` (`path -> target` lines) and
`expected.txt`, one substring per line that stderr must contain.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import cli
from reportgen.main import validate
from reportgen.report_json import report_document

TESTS = Path(__file__).resolve().parent
GOOD = TESTS / "projects" / "good" / "minimal"
BAD = TESTS / "projects" / "bad"
CASES = sorted(path.name for path in BAD.iterdir() if path.is_dir())
# Overlays on the good project that must load to exactly the same report.
TOLERATED = sorted(path.name for path in GOOD.parent.iterdir() if path.is_dir() and path != GOOD)
CONTROL_FILES = {"expected.txt", "remove.txt", "symlinks.txt"}
# `file: message` or `file:line: message`, the file a relative path inside the project.
PROBLEM_LINE = re.compile(r"^[^\s:][^:]*(:\d+)?: \S.*$")


def make_project(case: str, root: Path, cases: Path = BAD) -> Path:
    """The good project with one case laid over it."""
    project = root / "project"
    shutil.copytree(GOOD, project)
    folder = cases / case
    for line in _lines(folder / "remove.txt"):
        target = project / line
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    for source in folder.rglob("*"):
        relative = source.relative_to(folder)
        if source.is_file() and str(relative) not in CONTROL_FILES:
            destination = project / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
    for line in _lines(folder / "symlinks.txt"):
        link, target = (part.strip() for part in line.split("->"))
        (project / link).parent.mkdir(parents=True, exist_ok=True)
        (project / link).symlink_to(target)
    return project


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        return []
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path, with its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="session")
def previous_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good pack built once, standing for the output of an earlier successful build."""
    out = tmp_path_factory.mktemp("previous")
    result = CliRunner().invoke(cli, ["build", "--project", str(GOOD), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_every_case_has_expectations() -> None:
    assert len(CASES) >= 40
    for case in CASES:
        assert _lines(BAD / case / "expected.txt"), case


@pytest.mark.parametrize("case", CASES)
def test_bad_project_fails_cleanly(
    case: str, tmp_path: Path, previous_pack: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(case, tmp_path)
    out = tmp_path / "out"
    shutil.copytree(previous_pack, out)
    before, entries = snapshot(out / "2012-13-Q1"), sorted(p.name for p in out.iterdir())
    monkeypatch.chdir(project)  # messages then name files as the user sees them
    expected = _lines(BAD / case / "expected.txt")

    for command in (["validate"], ["build", "--out", str(out)]):
        result = CliRunner().invoke(cli, [*command, "--project", "."])
        assert result.exit_code == 1, (command, result.output, result.exception)
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
        stderr = result.stderr
        assert "Traceback" not in stderr and "internal error" not in stderr
        for line in stderr.splitlines():
            assert PROBLEM_LINE.match(line), f"not a file:line message: {line!r}"
        for wanted in expected:
            assert wanted in stderr, f"{case}: {wanted!r} not in:\n{stderr}"

    assert snapshot(out / "2012-13-Q1") == before, "a failed build changed the previous pack"
    assert sorted(p.name for p in out.iterdir()) == entries, "leftovers beside the pack"
    assert not Path("/tmp/reportgen-pwned").exists()


@pytest.mark.parametrize("case", TOLERATED)
def test_tolerated_variations_load_to_the_same_report(case: str, tmp_path: Path) -> None:
    expected = report_document(validate(GOOD))
    project = make_project(case, tmp_path, cases=GOOD.parent)
    assert report_document(validate(project)) == expected


def test_problems_are_reported_in_file_order_all_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project("many_problems_at_once", tmp_path)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["validate", "--project", "."])
    files = [line.split(":", 1)[0] for line in result.stderr.splitlines()]
    order = ["config/report.yaml", "config/indicators.yaml", "data/values.csv", "data/comments.csv"]
    assert [f for f in order if f in files] == order
    assert files == sorted(files, key=order.index)
    for name in order:  # and within a file, by line
        stderr = result.stderr.splitlines()
        lines = [int(line.split(":")[1]) for line in stderr if line.startswith(name + ":")]
        assert lines == sorted(lines)


def test_real_command_prints_no_traceback(tmp_path: Path) -> None:
    """Through the console entry point, as a user runs it, not only through CliRunner."""
    project = make_project("yaml_billion_laughs", tmp_path)
    source = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": f"{source}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    completed = subprocess.run(
        [sys.executable, "-m", "reportgen", "validate", "--project", str(project)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert "report.yaml:" in completed.stderr and "too large" in completed.stderr


def test_an_unreadable_file_is_a_clean_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permission denied (we may run as root, where chmod does not bite: pretend)."""
    project = make_project("csv_duplicate_rows", tmp_path)  # any case; the file is what fails
    real_open = Path.open

    def guarded(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "indicators.yaml":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", guarded)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["validate", "--project", "."])
    assert result.exit_code == 1
    assert "config/indicators.yaml: permission denied: cannot read the file" in result.stderr


def test_a_million_bad_rows_are_counted_not_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project("csv_duplicate_rows", tmp_path)
    rows = "".join(f"A1,2012-06-30,x{n},1\n" for n in range(5000))
    (project / "data" / "values.csv").write_text("code,period_end,actual,target\n" + rows, encoding="utf-8")
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["validate", "--project", "."])
    lines = result.stderr.splitlines()
    assert result.exit_code == 1 and len(lines) == 201
    assert lines[0].startswith("data/values.csv:2: actual: 'x0' is not a plain decimal")
    assert lines[-1] == "data/values.csv: ... and 9799 more problems in this file"


def test_html_nested_too_deep_to_lay_out_is_a_clean_error_at_build(
    tmp_path: Path, previous_pack: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a layout finds it (validate renders the HTML, it does not lay out pages)."""
    project = tmp_path / "project"
    shutil.copytree(GOOD, project)
    (project / "templates").mkdir()
    never_closed = "{% for level in range(400) %}<div>{% endfor %}Cover"
    (project / "templates" / "cover.html").write_text(never_closed, encoding="utf-8")
    out = tmp_path / "out"
    shutil.copytree(previous_pack, out)
    before = snapshot(out / "2012-13-Q1")
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["build", "--project", ".", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("templates: the pages' HTML nests elements too deeply to lay out")
    assert all(PROBLEM_LINE.match(line) for line in result.stderr.splitlines())
    assert snapshot(out / "2012-13-Q1") == before
