"""A report project on disk: its settings, indicators, values and comments, all validated."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import ProblemLog, ReportgenError, display_path
from reportgen.indicators_file import check_listed_directors, load_indicators
from reportgen.period import Period
from reportgen.records import Comment, Measurement, load_comments, load_values
from reportgen.schema import IndicatorSchema, ReportSchema
from reportgen.settings import load_report_settings
from reportgen.template_check import check_templates

REPORT_FILE = Path("config/report.yaml")
INDICATORS_FILE = Path("config/indicators.yaml")
VALUES_FILE = Path("data/values.csv")
COMMENTS_FILE = Path("data/comments.csv")
TEMPLATES_DIR = Path("templates")


@dataclass(frozen=True)
class Project:
    """Everything a pack is built from, checked and typed."""

    root: Path
    settings: ReportSchema
    indicators: tuple[IndicatorSchema, ...]
    values: tuple[Measurement, ...]
    comments: tuple[Comment, ...]

    @property
    def templates_dir(self) -> Path:
        return self.root / TEMPLATES_DIR


def load_project(root: Path, period: Period | None = None) -> tuple[Project, Period]:
    """Loads and validates a project; raises ProjectError listing every problem found."""
    if not root.is_dir():
        problem = "is not a folder" if root.exists() else "project folder not found"
        raise ReportgenError(f"{display_path(root)}: {problem}")
    log = ProblemLog()
    settings, listed_directors = load_report_settings(root / REPORT_FILE, log)
    indicators_file = load_indicators(root / INDICATORS_FILE, log)
    indicators, declared_codes = indicators_file.indicators, indicators_file.codes
    if declared_codes is not None:
        check_listed_directors(root / REPORT_FILE, listed_directors, indicators_file.directors)
    values = load_values(root / VALUES_FILE, declared_codes, log)
    comments = load_comments(root / COMMENTS_FILE, declared_codes, log)
    check_templates(root / TEMPLATES_DIR, log)
    chosen = period or (settings.period if settings else None)
    if settings is not None and chosen is None:
        log.add(root / REPORT_FILE, None, "no period: set 'period:' or pass --period YYYY-YY-QN")
    log.raise_if_any()
    assert settings is not None and chosen is not None  # raise_if_any ensured it
    # Absolute, so that template and asset URLs work whatever the working folder.
    project = Project(root.resolve(), settings, tuple(indicators), tuple(values), tuple(comments))
    return project, chosen
