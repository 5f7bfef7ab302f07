"""Turns a validated project into the report model: directors, bands, grids and comments."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportgen.names import fragment_stem, slugify
from reportgen.period import Period
from reportgen.project import Project
from reportgen.rag import Band, latest_band, month_band
from reportgen.records import Comment, Measurement
from reportgen.schema import IndicatorSchema


@dataclass(frozen=True)
class MonthCell:
    """One column of an indicator's 12-month grid."""

    period_end: date
    actual: Decimal | None  # None after the period end, whatever the data says
    target: Decimal | None
    band: Band | None  # None unless the month has both values


@dataclass(frozen=True)
class IndicatorResult:
    """An indicator as reported for the period."""

    definition: IndicatorSchema
    band: Band
    as_of: date | None
    months: tuple[MonthCell, ...]
    comments: tuple[Comment, ...]  # within the quarter, newest first

    @property
    def code(self) -> str:
        return self.definition.code

    @property
    def fragment_stem(self) -> str:
        return fragment_stem(self.definition.code)

    @property
    def latest(self) -> MonthCell | None:
        return next((m for m in self.months if m.period_end == self.as_of), None)

    @property
    def comment_missing(self) -> bool:
        return self.band.needs_comment and not self.comments


@dataclass(frozen=True)
class BandGroup:
    """The indicators of one director that share a band."""

    band: Band
    indicators: tuple[IndicatorResult, ...]


@dataclass(frozen=True)
class DirectorSection:
    """One director's part of the pack."""

    name: str
    slug: str
    indicators: tuple[IndicatorResult, ...]  # indicators.yaml order

    @property
    def bands(self) -> tuple[BandGroup, ...]:
        """Non-empty bands in pack order: red, green, blue, no data."""
        groups = (
            BandGroup(band, tuple(i for i in self.indicators if i.band is band)) for band in Band
        )
        return tuple(group for group in groups if group.indicators)

    def count(self, band: Band) -> int:
        return sum(1 for indicator in self.indicators if indicator.band is band)


@dataclass(frozen=True)
class Report:
    """The whole pack, ready to render."""

    title: str
    organisation: str
    locale: str
    period: Period
    directors: tuple[DirectorSection, ...]

    def count(self, band: Band) -> int:
        return sum(director.count(band) for director in self.directors)

    @property
    def indicators(self) -> tuple[IndicatorResult, ...]:
        return tuple(i for director in self.directors for i in director.indicators)


def _indicator_result(
    definition: IndicatorSchema,
    measurements: dict[date, Measurement],
    comments: list[Comment],
    period: Period,
) -> IndicatorResult:
    months = []
    for period_end in period.year_months:
        measurement = measurements.get(period_end)
        target = measurement.target if measurement else None
        actual = measurement.actual if measurement and period_end <= period.end else None
        band = None
        if actual is not None and target is not None:
            band = month_band(actual, target, definition.polarity, definition.tolerance)
        months.append(MonthCell(period_end, actual, target, band))
    band, as_of = latest_band(
        ((m.period_end, m.actual, m.target) for m in months),
        definition.polarity,
        definition.tolerance,
    )
    first_month = period.quarter_months[0]
    in_quarter = [c for c in comments if first_month <= c.period_end <= period.end]
    # Newest first; comments of the same month keep their file order.
    in_quarter.sort(key=lambda c: c.period_end, reverse=True)
    return IndicatorResult(definition, band, as_of, tuple(months), tuple(in_quarter))


def director_order(project: Project) -> list[str]:
    """Directors named in report.yaml first, then the rest in order of first appearance."""
    present = list(dict.fromkeys(i.director for i in project.indicators))
    listed = [name for name in dict.fromkeys(project.settings.directors) if name in present]
    return listed + [name for name in present if name not in listed]


def compute_report(project: Project, period: Period) -> Report:
    """Applies the RAG engine to every indicator for the period."""
    measurements: dict[str, dict[date, Measurement]] = defaultdict(dict)
    for measurement in project.values:
        measurements[measurement.code][measurement.period_end] = measurement
    comments: dict[str, list[Comment]] = defaultdict(list)
    for comment in project.comments:
        comments[comment.code].append(comment)
    results = [
        _indicator_result(i, measurements[i.code], comments[i.code], period)
        for i in project.indicators
    ]
    sections = tuple(
        DirectorSection(
            name,
            slugify(name),
            tuple(r for r in results if r.definition.director == name),
        )
        for name in director_order(project)
    )
    settings = project.settings
    return Report(settings.title, settings.organisation, settings.locale, period, sections)
