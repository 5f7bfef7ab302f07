"""The shapes of config/report.yaml and config/indicators.yaml, as pydantic models."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from babel import Locale, UnknownLocaleError
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from reportgen.decimals import as_written, check_digits
from reportgen.errors import quoted
from reportgen.period import Period
from reportgen.plaintext import clean_line

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 ._()\-]*$"
PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*%\s*$", re.ASCII)
# A tolerance written as text ("5", " 0.5 "): unsigned, unlike a CSV value (decimals.PLAIN_DECIMAL).
TOLERANCE_NUMBER = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*$", re.ASCII)


def describe(value: Any) -> str:
    """A value for an error message: short, and never the repr of a huge structure."""
    if isinstance(value, dict | list):
        return "a mapping" if isinstance(value, dict) else "a list"
    if isinstance(value, str):
        return quoted(value, 60)  # cut before quoting, so that no escape is cut in two
    if isinstance(value, datetime):  # as written, not as Python's repr
        return f"{value.isoformat()} (a date and time)"
    if isinstance(value, date):
        return f"{value.isoformat()} (a date)"
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


class Polarity(StrEnum):
    """Which direction is good for an indicator."""

    BIGGER = "bigger"
    SMALLER = "smaller"

    @property
    def label(self) -> str:
        return "Bigger is Better" if self is Polarity.BIGGER else "Smaller is Better"


@dataclass(frozen=True)
class Tolerance:
    """How far from target still counts as on target: an amount, or a percent of |target|."""

    value: Decimal = Decimal(0)
    percent: bool = False

    def __str__(self) -> str:
        return f"{self.value}%" if self.percent else str(self.value)


def _polarity(value: Any) -> Any:
    if isinstance(value, str):
        words = value.strip().lower()
        for polarity in Polarity:
            if words in (polarity.value, polarity.label.lower()):
                return polarity
        raise ValueError(f"unknown polarity {describe(value)}: use bigger or smaller")
    if isinstance(value, bool):  # yes, no, on, off
        raise ValueError("YAML reads this as a boolean (yes, no, on, off); write bigger or smaller")
    return value


def _checked(number: Decimal) -> Decimal:
    try:
        return check_digits(number)
    except ValueError as error:
        # As written (0.000000000000000001, not 1E-18), unless that is a screenful of digits.
        written = as_written(number) if -30 < number.adjusted() < 30 else str(number)
        written = written if len(written) <= 30 else written[:27] + "..."
        raise ValueError(f"{written} {error}") from None


def _tolerance(value: Any) -> Tolerance:
    if value is None:  # `tolerance:` with nothing after it
        raise ValueError("empty: write a number (5, 0.5) or a percentage (\"5%\"), or leave the key out")
    if isinstance(value, bool):
        raise ValueError("YAML reads this as a boolean; write a number (5, 0.5) or a percentage (\"5%\")")
    if isinstance(value, int | Decimal):  # booleans were refused just above
        number = _checked(Decimal(value))
        if number < 0:
            raise ValueError(f"{as_written(number)} must be zero or more")
        return Tolerance(number)
    if isinstance(value, str):
        if match := PERCENT.match(value):
            return Tolerance(_checked(Decimal(match[1])), percent=True)
        if match := TOLERANCE_NUMBER.match(value):
            return Tolerance(_checked(Decimal(match[1])))
    raise ValueError(f"{describe(value)} must be a number (5, 0.5) or a percentage (\"5%\")")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _non_empty(text: str) -> str:
    if not text:
        raise ValueError("must not be empty")
    return text


# Every text field is cleaned of control and bidirectional-override characters, so that
# what the pack shows is what the file says; a field left empty by that is empty.
Text = Annotated[str, Field(strict=True), AfterValidator(clean_line)]
NonEmptyText = Annotated[Text, AfterValidator(_non_empty)]


class ReportSchema(BaseModel):
    """config/report.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: NonEmptyText
    organisation: Text = ""
    period: Annotated[Period | None, BeforeValidator(lambda v: _period(v))] = None
    locale: Text = "en_GB"
    directors: list[NonEmptyText] = []

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        # BCP 47's en-GB is accepted too; babel wants en_GB.
        name = value.strip().replace("-", "_")
        try:
            known = str(Locale.parse(name))
        except (UnknownLocaleError, ValueError, TypeError):
            raise ValueError(f"unknown locale {describe(value)} (for example en_GB)") from None
        if known.lower() != name.lower():  # babel reads an unknown country as another: en_ZZ as en_US
            raise ValueError(f"unknown locale {describe(value)} (the nearest known is {known})")
        return name


def _period(value: Any) -> Period | None:
    if value is None or isinstance(value, Period):
        return value
    if isinstance(value, date):  # period: 2012-06-30, which YAML reads as a date
        raise ValueError(f"must be a quarter such as \"2012-13-Q1\", not the date {value}")
    if not isinstance(value, str):
        raise ValueError(f"must be text such as \"2012-13-Q1\", not {describe(value)}")
    return Period.parse(value)


class IndicatorSchema(BaseModel):
    """One entry of config/indicators.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Without surrounding spaces, as the CSV files' codes are read: "2042SC " would
    # otherwise match no row of them.
    code: Annotated[str, BeforeValidator(_strip), Field(strict=True, pattern=CODE_PATTERN, max_length=100)]
    title: NonEmptyText
    director: NonEmptyText
    owner: NonEmptyText
    polarity: Annotated[Polarity, BeforeValidator(_polarity)]
    unit: Text = ""
    plans: list[NonEmptyText] = []
    tolerance: Annotated[Tolerance, BeforeValidator(_tolerance)] = Tolerance()


class IndicatorsFileSchema(BaseModel):
    """The top level of config/indicators.yaml (its entries are checked one by one)."""

    model_config = ConfigDict(extra="forbid")

    indicators: list[Any] = Field(min_length=1)
