"""report.json: what the engine decided, in the SPEC's shape, numbers exactly as written."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import simplejson

from reportgen.compute import DirectorSection, IndicatorResult, Report
from reportgen.decimals import as_written
from reportgen.rag import Band


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _indicator(result: IndicatorResult) -> dict[str, Any]:
    definition = result.definition
    latest = result.latest
    return {
        "code": definition.code,
        "title": definition.title,
        "owner": definition.owner,
        "polarity": definition.polarity.value,
        "unit": definition.unit,
        "plans": list(definition.plans),
        "band": result.band.value,
        "as_of": _day(result.as_of),
        "actual": latest.actual if latest else None,
        "target": latest.target if latest else None,
        "months": [
            {
                "period_end": month.period_end.isoformat(),
                "actual": month.actual,
                "target": month.target,
                "band": month.band.value if month.band else None,
            }
            for month in result.months
        ],
        "comments": [
            {
                "period_end": comment.period_end.isoformat(),
                "author": comment.author,
                "subject": comment.subject,
                "text": comment.text,
            }
            for comment in result.comments
        ],
        "comment_missing": result.comment_missing,
    }


def _director(director: DirectorSection) -> dict[str, Any]:
    return {
        "name": director.name,
        "slug": director.slug,
        "indicators": [_indicator(result) for result in director.indicators],
    }


def _document(report: Report, directors: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {
        "title": report.title,
        "period": report.period.code,
        "period_label": report.period.label,
        "period_end": report.period.end.isoformat(),
        "summary": {band.value: report.count(band) for band in Band},
        "directors": directors,
    }


def report_document(report: Report) -> dict[str, Any]:
    """The report as plain data (decimals stay Decimal, for exact output)."""
    return _document(report, [_director(director) for director in report.directors])


def _as_written(value: Any) -> Any:
    """The document with each Decimal as its digits: 0.0000001, as in values.csv, where
    str() gives 1E-7 (the same number, but not as the officer wrote it)."""
    if isinstance(value, Decimal):
        return simplejson.RawJSON(as_written(value))
    if isinstance(value, dict):
        return {key: _as_written(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_written(item) for item in value]
    return value


def report_json_chunks(report: Report) -> Iterator[str]:
    """report.json's text, piece by piece; a Decimal is written digit for digit as a JSON
    number.

    Each director's part is made as it is written, never the whole document at once:
    at 1,000 indicators the document, its copy with numbers as written and the text
    took 13 MB together (measured), while the workers lay out their largest directors.
    """
    directors = (_as_written(_director(director)) for director in report.directors)
    encoder = simplejson.JSONEncoder(indent=2, ensure_ascii=False, iterable_as_array=True)
    yield from encoder.iterencode(_as_written(_document(report, directors)))
    yield "\n"


def report_json(report: Report) -> str:
    """report.json's text as one string."""
    return "".join(report_json_chunks(report))
