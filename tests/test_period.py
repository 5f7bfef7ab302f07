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


@pytest.mark.parametrize("text", ["9999-00-Q4", "0000-01-Q1"])
def test_a_year_beyond_python_dates_is_a_malformed_period(text: str) -> None:
    with pytest.raises(ValueError, match="must start between 0001 and 9998"):
        Period.parse(text)


def test_the_first_and_last_representable_years_have_all_their_months() -> None:
    first, last = Period.parse("0001-02-Q1"), Period.parse("9998-99-Q4")
    assert (first.year_start, first.end) == (date(1, 4, 1), date(1, 6, 30))
    assert last.year_months[-1] == date(9999, 3, 31)
    assert (first.code, first.label) == ("0001-02-Q1", "Quarter 1 0001/02")  # reads back as written


# Arabic-Indic and fullwidth digits are digits to `\d`, but not to a period.
@pytest.mark.parametrize("text", ["\u0662\u0660\u0661\u0662-13-Q1", "2012-\uff11\uff13-Q1"])
def test_only_ascii_digits_make_a_period(text: str) -> None:
    with pytest.raises(ValueError, match="is not of the form YYYY-YY-QN"):
        Period.parse(text)


def test_month_end() -> None:
    assert is_month_end(date(2012, 2, 29))
    assert not is_month_end(date(2013, 2, 28 - 1))
    assert is_month_end(date(2013, 2, 28))
