"""Financial-year quarters: parsing, labels, month ends."""

from __future__ import annotations

from datetime import date

import pytest

from reportgen.period import Period, is_month_end


def test_quarter_one_is_april_to_june() -> None:
    period = Period.parse("2012-13-Q1")
    assert period.label == "Quarter 1 2012/13"
    assert period.end == date(2012, 6, 30)
    assert period.quarter_months == (date(2012, 4, 30), date(2012, 5, 31), date(2012, 6, 30))
    assert str(period) == "2012-13-Q1"


def test_year_has_twelve_month_ends_april_to_march_with_leap_february() -> None:
    months = Period.parse("2015-16-Q4").year_months
    assert len(months) == 12
    assert months[0] == date(2015, 4, 30)
    assert months[10] == date(2016, 2, 29)
    assert months[-1] == date(2016, 3, 31)
    assert Period.parse("2015-16-Q4").end == date(2016, 3, 31)
    assert Period.parse("2012-13-Q3").end == date(2012, 12, 31)


def test_century_boundary() -> None:
    period = Period.parse("1999-00-Q2")
    assert period.end == date(1999, 9, 30)
    assert period.label == "Quarter 2 1999/00"


@pytest.mark.parametrize("text", ["2012-14-Q1", "2012-13-Q5", "2012/13 Q1", "2012-13-q1", "", "Q1"])
def test_malformed_periods_are_rejected_with_a_message(text: str) -> None:
    with pytest.raises(ValueError, match="period"):
        Period.parse(text)


def test_month_end() -> None:
    assert is_month_end(date(2012, 2, 29))
    assert not is_month_end(date(2013, 2, 28 - 1))
    assert is_month_end(date(2013, 2, 28))
