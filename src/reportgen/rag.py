"""The RAG engine: pure functions from actuals, targets and tolerances to bands, in exact decimals."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum

from reportgen.decimals import EXACT_PRECISION
from reportgen.schema import Polarity, Tolerance


class Band(StrEnum):
    """An indicator's status, in the order the pack lists them."""

    RED_DIAMOND = "red_diamond"
    GREEN_PLUS = "green_plus"
    BLUE_CIRCLE = "blue_circle"
    NO_DATA = "no_data"

    @property
    def heading(self) -> str:
        """As printed above the band: `RED DIAMOND`."""
        return self.value.replace("_", " ").upper()

    @property
    def symbol(self) -> str:
        return BAND_SYMBOLS[self]

    @property
    def meaning(self) -> str:
        """What the band says, for text alternatives and the legend."""
        return BAND_MEANINGS[self]

    @property
    def needs_comment(self) -> bool:
        """Off-target indicators must be explained by their owners."""
        return self in (Band.RED_DIAMOND, Band.GREEN_PLUS)


BAND_SYMBOLS = {
    Band.RED_DIAMOND: "\u25c6",
    Band.GREEN_PLUS: "\u271a",
    Band.BLUE_CIRCLE: "\u25cf",
    Band.NO_DATA: "\u2014",
}
BAND_MEANINGS = {
    Band.RED_DIAMOND: "below target",
    Band.GREEN_PLUS: "above target",
    Band.BLUE_CIRCLE: "on target",
    Band.NO_DATA: "no data",
}


def month_band(actual: Decimal, target: Decimal, polarity: Polarity, tolerance: Tolerance) -> Band:
    """The band of one month with both an actual and a target (SPEC §2), in exact arithmetic.

    A percent tolerance is compared as `better × 100` against `|target| × percent`, with
    no division, in a precision that holds every product of checked inputs exactly: the
    default 28 digits would round `|target| × percent / 100` and could move an edge.
    """
    # Negation rounds too, so the comparisons stay inside the wider context.
    with localcontext(prec=EXACT_PRECISION):
        better = actual - target if polarity is Polarity.BIGGER else target - actual
        if tolerance.percent:
            better, allowed = better * 100, abs(target) * tolerance.value
        else:
            allowed = tolerance.value
        if better < -allowed:
            return Band.RED_DIAMOND
        if better > allowed:
            return Band.GREEN_PLUS
        return Band.BLUE_CIRCLE


def latest_band(
    months: Iterable[tuple[date, Decimal | None, Decimal | None]],
    polarity: Polarity,
    tolerance: Tolerance,
) -> tuple[Band, date | None]:
    """The band of the latest month that has both values, and that month; or no data.

    The caller passes only the months of the window (year start to period end).
    """
    latest: tuple[date, Decimal, Decimal] | None = None
    for period_end, actual, target in months:
        if actual is not None and target is not None and (
            latest is None or period_end > latest[0]
        ):
            latest = (period_end, actual, target)
    if latest is None:
        return Band.NO_DATA, None
    period_end, actual, target = latest
    return month_band(actual, target, polarity, tolerance), period_end
