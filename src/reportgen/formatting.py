"""How numbers, dates and free text look in the pack (Jinja filters)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_decimal, get_group_symbol
from markupsafe import Markup, escape


def format_number(value: Decimal | None, locale: str) -> str:
    """A decimal grouped by the locale, with exactly the decimals it was written with."""
    if value is None:
        return ""
    # Keyed by the text, not the Decimal: Decimal("36") == Decimal("36.0").
    return _format_decimal_text(str(value), locale)


@lru_cache(maxsize=65536)
def _format_decimal_text(text: str, locale: str) -> str:
    """Babel is slow and a pack shows each number in several outputs: format each once."""
    value = Decimal(text)
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return str(format_decimal(value, format=pattern, locale=locale, decimal_quantization=True))


def breakable_number(shown: str, locale: str) -> Markup:
    """A formatted number that may wrap only after a group separator (1,234,<wbr>567.89),
    never inside a group or between a number and its decimals."""
    group = get_group_symbol(locale)
    return Markup(Markup("{}<wbr>").format(group).join(escape(part) for part in shown.split(group)))


def month_header(day: date) -> str:
    """A grid column header, as in the seed: `30/04/12`."""
    return day.strftime("%d/%m/%y")


def paragraphs(text: str) -> Markup:
    """Plain text as HTML paragraphs: escaped first, then split on blank lines."""
    blocks = [block.strip() for block in text.split("\n\n") if block.strip()]
    return Markup("").join(
        Markup("<p>{}</p>\n").format(Markup("<br>\n").join(escape(line) for line in block.split("\n")))
        for block in blocks
    )
