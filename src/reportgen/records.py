"""Loads data/values.csv and data/comments.csv into typed records, checking every cell."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from reportgen.csvfile import Row, parse_decimal, parse_month_end, read_csv
from reportgen.errors import ProblemLog, escaped, quoted, warn
from reportgen.plaintext import clean_line, clean_text

VALUE_COLUMNS = ("code", "period_end", "actual", "target")
COMMENT_COLUMNS = ("code", "period_end", "author", "subject", "text")
T = TypeVar("T")


@dataclass(frozen=True)
class Measurement:
    """An indicator's actual and target for one month (either may be missing)."""

    code: str
    period_end: date
    actual: Decimal | None
    target: Decimal | None


@dataclass(frozen=True)
class Comment:
    """An officer's commentary on an indicator for one month."""

    code: str
    period_end: date
    author: str
    subject: str
    text: str


def _cell(row: Row, column: str, parse: Callable[[str], T], path: Path, log: ProblemLog) -> T | None:
    try:
        return parse(row.cells[column])
    except ValueError as error:
        log.add(path, row.line, f"{column}: {error}")
        return None


def _optional_decimal(text: str) -> Decimal | None:
    return None if not text.strip() else parse_decimal(text)


class KnownCodes:
    """The codes indicators.yaml declares (None: it could not be read, so accept all)."""

    def __init__(self, codes: Collection[str] | None) -> None:
        self.codes = codes
        # Codes are case-sensitive, but a code that differs only in case is a likely slip.
        self.folded = {code.casefold(): code for code in codes or ()}

    def check(self, row: Row, path: Path, log: ProblemLog) -> str | None:
        """The row's code if it is known; otherwise None, after logging why."""
        code = row.cells["code"].strip()
        if not code:
            log.add(path, row.line, "code: empty")
            return None
        if self.codes is not None and code not in self.codes:
            message = f"unknown indicator code {quoted(code)} (not in config/indicators.yaml)"
            if code.casefold() in self.folded:
                message += f"; did you mean '{self.folded[code.casefold()]}'?"
            log.add(path, row.line, message)
            return None
        return code


def load_values(path: Path, codes: Collection[str] | None, log: ProblemLog) -> list[Measurement]:
    """values.csv: one measurement per (code, month); every bad cell is logged."""
    rows = read_csv(path, VALUE_COLUMNS, log)
    known = KnownCodes(codes)
    measurements: list[Measurement] = []
    seen: dict[tuple[str, date], int] = {}
    for row in rows or ():
        code = known.check(row, path, log)
        period_end = _cell(row, "period_end", parse_month_end, path, log)
        actual = _cell(row, "actual", _optional_decimal, path, log)
        target = _cell(row, "target", _optional_decimal, path, log)
        if code is None or period_end is None:
            continue
        if (code, period_end) in seen:
            first = seen[code, period_end]
            log.add(path, row.line, f"duplicate row for {escaped(code)} {period_end} (first on line {first})")
            continue
        seen[code, period_end] = row.line
        measurements.append(Measurement(code, period_end, actual, target))
    return measurements


SHOWN_WARNINGS = 5  # rows with an empty author or text named one by one; the rest counted
TEXT_EMPTY = "text: empty; the row is left out, so its indicator counts as not commented on"
AUTHOR_EMPTY = "author: empty; the comment is shown without an author"


def load_comments(path: Path, codes: Collection[str] | None, log: ProblemLog) -> list[Comment]:
    """comments.csv, which may be absent (no commentary yet)."""
    if not os.path.lexists(path):  # a broken link is an error, not "no commentary yet"
        return []
    rows = read_csv(path, COMMENT_COLUMNS, log)
    known = KnownCodes(codes)
    comments: list[Comment] = []
    incomplete = 0  # rows with an empty text (left out) or author (kept), each a warning
    for row in rows or ():
        code = known.check(row, path, log)
        period_end = _cell(row, "period_end", parse_month_end, path, log)
        author = clean_line(row.cells["author"])
        text = clean_text(row.cells["text"])
        # Not errors: an export's placeholder row stops no pack. A comment with no text
        # is none (its indicator stays on the chase list); one with no author still says
        # what the service did.
        if not text or not author:
            incomplete += 1
            if incomplete <= SHOWN_WARNINGS:
                warn(path, row.line, TEXT_EMPTY if not text else AUTHOR_EMPTY)
        if code is None or period_end is None or not text:
            continue
        subject = clean_line(row.cells["subject"])
        comments.append(Comment(code, period_end, author, subject, text))
    if incomplete > SHOWN_WARNINGS:
        warn(path, None, f"{incomplete - SHOWN_WARNINGS} more rows with an empty author or text")
    return comments
