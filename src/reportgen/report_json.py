"""report.json: what the engine decided, in the SPEC's shape, numbers exactly as written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import simplejson

from reportgen.compute import IndicatorResult, Report
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


def report_document(report: Report) -> dict[str, Any]:
    """The report as plain data (decimals stay Decimal, for exact output)."""
    return {
        "title": report.title,
        "period": report.period.code,
        "period_label": report.period.label,
        "period_end": report.period.end.isoformat(),
        "summary": {band.value: report.count(band) for band in Band},
        "directors": [
            {
                "name": director.name,
                "slug": director.slug,
                "indicators": [_indicator(result) for result in director.indicators],
            }
            for director in report.directors
        ],
    }


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


def report_json(report: Report) -> str:
    """report.json's text; a Decimal is written digit for digit as a JSON number."""
    text = simplejson.dumps(_as_written(report_document(report)), indent=2, ensure_ascii=False)
    return str(text) + "\n"
