"""Line-aware CSV reading with strict UTF-8, header checks and exact value parsing."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from reportgen.decimals import parse_decimal
from reportgen.errors import ProblemLog, quoted
from reportgen.inputfile import InputFileError, not_utf8, read_input
from reportgen.period import is_month_end

__all__ = ["Row", "parse_decimal", "parse_month_end", "read_csv"]

MAX_CSV_BYTES = 50 * 1024 * 1024
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
HOW_TO_SAVE = (
    'save it as "CSV UTF-8 (Comma delimited)" in Excel, or with UTF-8 encoding in your editor'
)


@dataclass(frozen=True)
class Row:
    """One CSV record: its fields by column name and the line it starts on."""

    line: int
    cells: dict[str, str]


def _decode(path: Path, raw: bytes, log: ProblemLog) -> str | None:
    """The file's text; never guesses an encoding, so never shows replacement characters."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16: FF FE begins both
        log.add(path, None, f"saved as UTF-32; {HOW_TO_SAVE}")
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        log.add(path, None, f"saved as UTF-16 (\"Unicode Text\"); {HOW_TO_SAVE}")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        log.add(path, *not_utf8(raw, error, HOW_TO_SAVE))
        return None
    if "\x00" in text:
        log.add(path, text[: text.index("\x00")].count("\n") + 1, "NUL byte: this is not a text CSV file")
        return None
    return text


class _Lines:
    """The file's physical lines as csv.reader takes them, keeping those of the current record."""

    def __init__(self, text: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self.record: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.record.append(line)
        return line

    def start_record(self) -> None:
        self.record = []


def _ends_on_its_last_line(lines: list[str]) -> bool:
    """Whether a malformed record, read any sensible way, ends on the last line the reader took.

    The reader drops the rest of the line where it met the error and starts afresh on the
    next; that is the next record's start only if no quoted field runs on past the line.
    Two readings must agree that none does: the quotes in the record's lines pair up, and
    the lenient reading (a stray quote taken as a character) closes on that line too.
    """
    if sum(line.count('"') for line in lines) % 2:
        return False
    lenient = csv.reader([*lines, "\n"])  # the extra line is taken only by a field still open
    try:
        next(lenient)
    except csv.Error:  # a field beyond the size limit: it runs on
        return False
    return lenient.line_num == len(lines)


def _blank(record: list[str]) -> bool:
    return not any(cell.strip() for cell in record)


def read_csv(path: Path, columns: tuple[str, ...], log: ProblemLog) -> Iterator[Row] | None:
    """The rows of a CSV file whose header must be exactly `columns` (any order).

    The header is the first line that is not blank; blank lines anywhere are skipped.
    """
    try:
        raw = read_input(path, MAX_CSV_BYTES)
    except InputFileError as error:
        log.add(path, None, error.message)
        return None
    text = _decode(path, raw, log)
    if text is None:
        return None
    lines = _Lines(text)
    reader = csv.reader(lines, strict=True)
    header_line = 1
    try:
        # Blank lines above the header (an export's spacing, an editor's) are not the header.
        while (header := next(reader, None)) is not None and _blank(header):
            header_line = reader.line_num + 1
    except csv.Error as error:
        log.add(path, header_line, f"unreadable header: {error}")
        return None
    if header is None:
        log.add(path, 1, f"empty file: expected the header {','.join(columns)}")
        return None
    names = [cell.strip() for cell in header]
    if len(names) == 1 and (separator := next((sep for sep in ";\t|" if sep in names[0]), None)):
        log.add(
            path,
            header_line,
            f"wrong delimiter: the header is separated by {separator!r}, not commas "
            f"(expected {','.join(columns)})",
        )
        return None
    # Unnamed columns (a spreadsheet's stray empty columns: `code,...,target,,`) are
    # allowed as long as they stay empty.
    missing = [name for name in columns if name not in names]
    unknown = [name for name in names if name and name not in columns]
    duplicated = sorted({name for name in names if name and names.count(name) > 1})
    if missing or unknown or duplicated:
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s) " + ", ".join(quoted(n) for n in unknown))
        if duplicated:
            parts.append("repeated column(s) " + ", ".join(duplicated))
        if any(name.lower() in columns for name in unknown):
            parts.append("column names are lower case")
        log.add(path, header_line, f"wrong header: {'; '.join(parts)} (expected {','.join(columns)})")
        return None
    return _rows(path, reader, lines, names, log)


def _csv_problem(error: csv.Error) -> str:
    """The csv module's complaint in the words of someone editing the file."""
    said = str(error)
    if "field larger than field limit" in said:
        # Usually an opening quote never closed, which runs the field on to the end.
        limit = csv.field_size_limit()
        return (
            f"malformed CSV: a cell runs on past {limit:,} characters, "
            'as when a closing quote (") is missing'
        )
    if said == "unexpected end of data":
        return 'malformed CSV: a quoted cell opened here is never closed (a closing " is missing)'
    if said == "',' expected after '\"'":
        return (
            "malformed CSV: text follows a cell's closing quote; a \" inside a quoted cell "
            'is written twice ("")'
        )
    return f"malformed CSV: {error}"


def _rows(path: Path, reader: Any, lines: _Lines, names: list[str], log: ProblemLog) -> Iterator[Row]:
    while True:
        line = reader.line_num + 1
        lines.start_record()
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problem = _csv_problem(error)
            if _ends_on_its_last_line(lines.record):
                log.add(path, line, problem)
                continue  # the reader goes on at the next physical line, the next record's start
            # A quoted field may run on over the following lines: where the next record
            # starts would be a guess, and a wrong guess would report good rows as bad.
            rest = "" if next(lines, None) is None else "; the lines after it are not checked"
            log.add(path, line, f"{problem}{rest}")
            return
        if _blank(record):
            continue
        if len(record) != len(names):
            log.add(path, line, _ragged(record, len(names)))
        elif stray := [i for i, name in enumerate(names) if not name and record[i].strip()]:
            log.add(path, line, f"a value in column {stray[0] + 1}, which has no name in the header")
        else:
            yield Row(line, {name: cell for name, cell in zip(names, record, strict=True) if name})


def _ragged(record: list[str], expected: int) -> str:
    message = f"expected {expected} fields, found {len(record)}"
    if len(record) == 1 and (separator := next((sep for sep in ";\t|" if sep in record[0]), None)):
        return f"{message}: separated by {separator!r}, not commas"
    if len(record) > expected:
        return f"{message} (a comma inside a value needs the value in double quotes)"
    return message


def parse_month_end(text: str) -> date:
    """An ISO date that is the last day of its month; ValueError otherwise."""
    value = text.strip()
    if not value:
        raise ValueError("empty: expected the month's last day as YYYY-MM-DD")
    if not ISO_DATE.fullmatch(value):
        raise ValueError(f"{quoted(text)} is not an ISO date (YYYY-MM-DD, such as 2012-06-30)")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{quoted(text)} is not a real date") from None
    if not is_month_end(day):
        raise ValueError(f"{quoted(text)} is not the last day of its month")
    return day
