"""Reporting periods: financial-year quarters written `YYYY-YY-QN`, the year starting in April."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property

# ASCII digits only: `\d` alone would also take Arabic-Indic and other scripts' digits.
PERIOD_PATTERN = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$", re.ASCII)
FIRST_MONTH = 4  # the financial year starts in April
# A year's April to the next March must be dates Python can hold (years 1 to 9999).
FIRST_START_YEAR, LAST_START_YEAR = 1, 9998


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def is_month_end(day: date) -> bool:
    """Whether a date is the last day of its month."""
    return day == month_end(day.year, day.month)


def add_months(year: int, month: int, count: int) -> tuple[int, int]:
    """The (year, month) `count` months after the given one."""
    index = year * 12 + (month - 1) + count
    return index // 12, index % 12 + 1


@dataclass(frozen=True)
class Period:
    """A quarter of a financial year: `Period(2012, 1)` is April–June 2012."""

    start_year: int
    quarter: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """Reads `2012-13-Q1`; raises ValueError with a readable message otherwise."""
        match = PERIOD_PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"period {text!r} is not of the form YYYY-YY-QN, e.g. 2012-13-Q1")
        start_year, end_short, quarter = int(match[1]), int(match[2]), int(match[3])
        if end_short != (start_year + 1) % 100:
            raise ValueError(
                f"period {text!r}: a financial year starting in {start_year} "
                f"is written {start_year}-{(start_year + 1) % 100:02d}"
            )
        if not FIRST_START_YEAR <= start_year <= LAST_START_YEAR:
            raise ValueError(
                f"period {text!r}: a financial year must start between {FIRST_START_YEAR:04d} "
                f"and {LAST_START_YEAR}"
            )
        return cls(start_year, quarter)

    @property
    def code(self) -> str:
        return f"{self.start_year:04d}-{(self.start_year + 1) % 100:02d}-Q{self.quarter}"

    @property
    def label(self) -> str:
        """As printed in the pack: `Quarter 1 2012/13`."""
        return f"Quarter {self.quarter} {self.start_year:04d}/{(self.start_year + 1) % 100:02d}"

    @cached_property  # read for every month of every indicator
    def year_months(self) -> tuple[date, ...]:
        """The 12 month ends of the financial year, April to March."""
        return tuple(month_end(*add_months(self.start_year, FIRST_MONTH, i)) for i in range(12))

    @cached_property
    def end(self) -> date:
        """The last day of the quarter."""
        return self.year_months[self.quarter * 3 - 1]

    @property
    def quarter_months(self) -> tuple[date, ...]:
        """The three month ends of the quarter."""
        return self.year_months[self.quarter * 3 - 3 : self.quarter * 3]

    @property
    def year_start(self) -> date:
        return date(self.start_year, FIRST_MONTH, 1)

    def __str__(self) -> str:
        return self.code
