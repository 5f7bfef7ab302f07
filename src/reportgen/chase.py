"""missing-comments.csv: the chase list of off-target indicators with no commentary."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from reportgen.compute import Report
from reportgen.decimals import as_written

COLUMNS = ("director", "code", "title", "owner", "band", "as_of", "actual", "target")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Stops a spreadsheet running a cell as a formula (OWASP CSV injection advice)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value: Decimal | None) -> str:
    return "" if value is None else as_written(value)


def chase_list_csv(report: Report) -> str:
    """The chase list as CSV text; written with a BOM so Excel reads it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for director in report.directors:
        for result in director.indicators:
            if not result.comment_missing:
                continue
            latest = result.latest
            writer.writerow(
                [
                    neutralise(director.name),
                    neutralise(result.code),
                    neutralise(result.definition.title),
                    neutralise(result.definition.owner),
                    result.band.value,
                    result.as_of.isoformat() if result.as_of else "",
                    _number(latest.actual if latest else None),
                    _number(latest.target if latest else None),
                ]
            )
    return "\ufeff" + buffer.getvalue()
