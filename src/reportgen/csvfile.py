"""Line-aware CSV reading with strict UTF-8, header checks and exact value parsing."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportgen.errors import ProblemLog
from reportgen.period import is_month_end

MAX_CSV_BYTES = 50 * 1024 * 1024
PLAIN_DECIMAL = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Row:
    """One CSV record: its fields by column name and the line it starts on."""

    line: int
    cells: dict[str, str]


def read_csv(path: Path, columns: tuple[str, ...], log: ProblemLog) -> Iterator[Row] | None:
    """The rows of a CSV file whose header must be exactly `columns` (any order)."""
    raw = path.read_bytes()
    if len(raw) > MAX_CSV_BYTES:
        log.add(path, None, f"file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        log.add(
            path,
            line,
            f"not UTF-8 (byte 0x{raw[error.start]:02x}); save the file as "
            '"CSV UTF-8 (Comma delimited)" in Excel, or as UTF-8 in your editor',
        )
        return None
    if "\x00" in text:
        log.add(path, None, "the file holds NUL bytes: it is not a text CSV file")
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        log.add(path, 1, f"unreadable header: {error}")
        return None
    if not header or not any(cell.strip() for cell in header):
        log.add(path, 1, f"empty file: expected the header {','.join(columns)}")
        return None
    names = [cell.strip() for cell in header]
    if len(names) == 1 and any(sep in names[0] for sep in ";\t|"):
        log.add(path, 1, f"the header is not comma-separated: expected {','.join(columns)}")
        return None
    missing = [name for name in columns if name not in names]
    unknown = [name for name in names if name not in columns]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if missing or unknown or duplicated:
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s) " + ", ".join(repr(n) for n in unknown))
        if duplicated:
            parts.append("repeated column(s) " + ", ".join(duplicated))
        log.add(path, 1, f"header: {'; '.join(parts)} (expected {','.join(columns)})")
        return None
    return _rows(path, reader, names, log)


def _rows(path: Path, reader: Any, names: list[str], log: ProblemLog) -> Iterator[Row]:
    line = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            log.add(path, line, f"malformed CSV: {error}")
            return
        if any(cell.strip() for cell in record):
            if len(record) != len(names):
                log.add(path, line, f"expected {len(names)} fields, found {len(record)}")
            else:
                yield Row(line, dict(zip(names, record, strict=True)))
        line = reader.line_num + 1


def parse_decimal(text: str) -> Decimal:
    """A plain decimal exactly as written (`37.47`, `36`, `-2`); ValueError otherwise."""
    value = text.strip()
    if not PLAIN_DECIMAL.match(value):
        hint = ""
        if "," in value:
            hint = " (no thousands separators)"
        elif "%" in value:
            hint = " (no percent sign: write 95, not 95%)"
        raise ValueError(f"{text!r} is not a plain decimal number{hint}")
    return Decimal(value)


def parse_month_end(text: str) -> date:
    """An ISO date that is the last day of its month; ValueError otherwise."""
    value = text.strip()
    if not ISO_DATE.match(value):
        raise ValueError(f"{text!r} is not an ISO date (YYYY-MM-DD)")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None
    if not is_month_end(day):
        raise ValueError(f"{text!r} is not the last day of its month")
    return day
