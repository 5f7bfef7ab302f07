"""Shared fixtures: the repository's default project and copies of it to modify."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
SEED = REPO.parent / "shared" / "seed" / "000_70451c042ff96eee.txt"


@pytest.fixture
def default_project(tmp_path: Path) -> Path:
    """A private copy of the repository's default project (config/, data/)."""
    project = tmp_path / "project"
    for folder in ("config", "data"):
        shutil.copytree(REPO / folder, project / folder)
    return project


def write_project(
    root: Path,
    indicators: str,
    values: str,
    comments: str | None = None,
    report: str = "title: Test Pack\nperiod: 2012-13-Q1\nlocale: en_GB\n",
) -> Path:
    """Writes a small project from text; None leaves comments.csv out."""
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "config" / "report.yaml").write_text(report, encoding="utf-8")
    (root / "config" / "indicators.yaml").write_text(indicators, encoding="utf-8")
    (root / "data" / "values.csv").write_text(values, encoding="utf-8")
    if comments is not None:
        (root / "data" / "comments.csv").write_text(comments, encoding="utf-8")
    return root
