"""The RAG engine (SPEC §2): every rule and edge, in exact decimals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reportgen.rag import Band, latest_band, month_band
from reportgen.schema import Polarity, Tolerance

BIG, SMALL = Polarity.BIGGER, Polarity.SMALLER
NONE = Tolerance()
# Any value decimals.py accepts: up to 15 digits before the point and 12 after.
LIMIT_DECIMALS = st.integers(0, 12).flatmap(
    lambda places: st.integers(-(10 ** (15 + places)) + 1, 10 ** (15 + places) - 1).map(
        lambda n: D(n).scaleb(-places)
    )
)


@pytest.mark.parametrize(
    ("actual", "target", "polarity", "band"),
    [
        ("37.47", "36", SMALL, Band.RED_DIAMOND),
        ("17.01", "19", SMALL, Band.GREEN_PLUS),
        ("0.31", "1.8", BIG, Band.RED_DIAMOND),
        ("96.77", "87", BIG, Band.GREEN_PLUS),
        ("100", "100", BIG, Band.BLUE_CIRCLE),
        ("100", "100", SMALL, Band.BLUE_CIRCLE),
        ("-3", "-2", BIG, Band.RED_DIAMOND),
        ("-3", "-2", SMALL, Band.GREEN_PLUS),
        ("0", "0", BIG, Band.BLUE_CIRCLE),
        ("0.001", "0", BIG, Band.GREEN_PLUS),
        ("-0.001", "0", SMALL, Band.GREEN_PLUS),
    ],
)
def test_band_without_tolerance(actual: str, target: str, polarity: Polarity, band: Band) -> None:
    assert month_band(D(actual), D(target), polarity, NONE) is band


def test_exact_decimal_edge_that_float_gets_wrong() -> None:
    # In float, 1.1 - 1.0 = 0.10000000000000009 > 0.1: the edge would wrongly be green.
    assert 1.1 - 1.0 > 0.1
    assert month_band(D("1.1"), D("1.0"), BIG, Tolerance(D("0.1"))) is Band.BLUE_CIRCLE
    assert month_band(D("0.9"), D("1.0"), BIG, Tolerance(D("0.1"))) is Band.BLUE_CIRCLE
    assert month_band(D("1.2"), D("1.0"), BIG, Tolerance(D("0.1"))) is Band.GREEN_PLUS
    assert month_band(D("0.89"), D("1.0"), BIG, Tolerance(D("0.1"))) is Band.RED_DIAMOND


def test_absolute_tolerance_edges_are_on_target_for_both_polarities() -> None:
    five = Tolerance(D(5))
    assert month_band(D(95), D(100), BIG, five) is Band.BLUE_CIRCLE
    assert month_band(D("94.99"), D(100), BIG, five) is Band.RED_DIAMOND
    assert month_band(D(105), D(100), SMALL, five) is Band.BLUE_CIRCLE
    assert month_band(D("105.01"), D(100), SMALL, five) is Band.RED_DIAMOND
    assert month_band(D("94.99"), D(100), SMALL, five) is Band.GREEN_PLUS


def test_percent_tolerance_is_of_the_absolute_target() -> None:
    ten_percent = Tolerance(D(10), percent=True)
    assert month_band(D(-55), D(-50), BIG, ten_percent) is Band.BLUE_CIRCLE
    assert month_band(D("-55.01"), D(-50), BIG, ten_percent) is Band.RED_DIAMOND
    assert month_band(D("90.21"), D(94), BIG, Tolerance(D(5), percent=True)) is Band.BLUE_CIRCLE
    assert month_band(D("90.21"), D(94), BIG, Tolerance(D(4), percent=True)) is Band.RED_DIAMOND


def test_percent_tolerance_is_exact_at_the_largest_inputs() -> None:
    # |G| × 100.000000000001% has 42 significant digits: rounded to the default 28 it
    # equals `better` (1000000000000009.999999999999), and the month was wrongly on target.
    target = D("999999999999999.999999999999")
    tolerance = Tolerance(D("100.000000000001"), percent=True)
    assert month_band(D(-10), target, SMALL, tolerance) is Band.GREEN_PLUS
    assert month_band(D(10), -target, BIG, tolerance) is Band.GREEN_PLUS
    assert month_band(D(-10), target, BIG, tolerance) is Band.RED_DIAMOND


@settings(max_examples=300, deadline=None)
@given(LIMIT_DECIMALS, LIMIT_DECIMALS, LIMIT_DECIMALS.map(abs), st.booleans(), st.sampled_from([BIG, SMALL]))
@example(D(-10), D("999999999999999.999999999999"), D("100.000000000001"), True, SMALL)
def test_bands_agree_with_exact_fractions_across_the_input_limits(
    actual: D, target: D, value: D, percent: bool, polarity: Polarity
) -> None:
    better = Fraction(actual) - Fraction(target)
    if polarity is SMALL:
        better = -better
    allowed = abs(Fraction(target)) * Fraction(value) / 100 if percent else Fraction(value)
    expected = (
        Band.RED_DIAMOND if better < -allowed else Band.GREEN_PLUS if better > allowed else Band.BLUE_CIRCLE
    )
    assert month_band(actual, target, polarity, Tolerance(value, percent)) is expected


def test_percent_tolerance_of_a_zero_target_is_zero() -> None:
    tolerance = Tolerance(D(50), percent=True)
    assert month_band(D("0.01"), D(0), BIG, tolerance) is Band.GREEN_PLUS
    assert month_band(D(0), D(0), BIG, tolerance) is Band.BLUE_CIRCLE


def test_latest_month_with_both_values_decides() -> None:
    months = [
        (date(2012, 4, 30), D(50), D(40)),  # green
        (date(2012, 5, 31), D(30), D(40)),  # red: the latest with both
        (date(2012, 6, 30), D(10), None),  # no target
        (date(2012, 9, 30), None, D(40)),  # no actual
    ]
    assert latest_band(months, BIG, NONE) == (Band.RED_DIAMOND, date(2012, 5, 31))
    # Order of the input does not matter.
    assert latest_band(reversed(months), BIG, NONE) == (Band.RED_DIAMOND, date(2012, 5, 31))


def test_no_month_with_both_values_is_no_data() -> None:
    months = [(date(2012, 4, 30), D(1), None), (date(2012, 6, 30), None, D(1))]
    assert latest_band(months, BIG, NONE) == (Band.NO_DATA, None)
    assert latest_band([], SMALL, NONE) == (Band.NO_DATA, None)


def test_band_order_and_labels() -> None:
    assert [band.value for band in Band] == ["red_diamond", "green_plus", "blue_circle", "no_data"]
    assert Band.RED_DIAMOND.heading == "RED DIAMOND"
    assert Band.GREEN_PLUS.needs_comment and Band.RED_DIAMOND.needs_comment
    assert not Band.BLUE_CIRCLE.needs_comment and not Band.NO_DATA.needs_comment
