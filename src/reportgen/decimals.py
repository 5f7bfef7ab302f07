"""Exact decimals as a performance team writes them: `37.47`, `36`, `-2`, and nothing else."""

from __future__ import annotations

import re
from decimal import Decimal

from reportgen.errors import quoted

PLAIN_DECIMAL = re.compile(r"-?(\d+(\.\d*)?|\.\d+)", re.ASCII)
# Bounds that keep every difference the RAG engine takes (A - G, at most 15 + 12 digits
# and a carry) exact in Decimal's default 28 significant digits, and that stop a
# million-digit cell from costing anything; no council measures beyond them.
MAX_WHOLE_DIGITS = 15
MAX_PLACES = 12
# Significant digits that hold any product of two such numbers exactly (a target times
# a percent tolerance: 2 × 27 digits), with room for a factor of 100.
EXACT_PRECISION = 2 * (MAX_WHOLE_DIGITS + MAX_PLACES) + 3


def check_digits(number: Decimal) -> Decimal:
    """A finite decimal of sensible size; otherwise ValueError saying what it "is not" or "has"."""
    if not number.is_finite():
        raise ValueError("is not a finite number")
    _sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite numbers have an int exponent
    places = max(0, -exponent)
    whole = max(0, len(digits) + exponent)
    if whole > MAX_WHOLE_DIGITS or places > MAX_PLACES:
        raise ValueError(
            f"has too many digits (at most {MAX_WHOLE_DIGITS} before "
            f"and {MAX_PLACES} after the decimal point)"
        )
    return number


def as_written(number: Decimal) -> str:
    """A decimal's digits as the team wrote them (`0.0000001`, `1.50`), never the
    exponent form str() gives a small one (`1E-7`)."""
    return format(number, "f")


def _hint(value: str) -> str:
    lowered = value.lower()
    if "," in value:
        return " (no thousands separators)"
    if "%" in value:
        return " (no percent sign: write 95, not 95%)"
    if lowered.lstrip("+-") in ("nan", "inf", "infinity", "n/a", "na", "-"):
        return " (leave the cell empty when there is no value)"
    if "e" in lowered:
        return " (no exponents: write 1500, not 1.5e3)"
    if value.startswith("+"):
        return " (no plus sign)"
    return ""


def parse_decimal(text: str) -> Decimal:
    """A plain decimal exactly as written (`37.47`, `36`, `-2`); ValueError otherwise."""
    value = text.strip()
    if not PLAIN_DECIMAL.fullmatch(value):
        raise ValueError(f"{quoted(text)} is not a plain decimal number{_hint(value)}")
    try:
        return check_digits(Decimal(value))
    except ValueError as error:
        raise ValueError(f"{quoted(value)} {error}") from None
