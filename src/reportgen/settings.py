"""Loads config/report.yaml and config/indicators.yaml, turning schema errors into file:line."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from difflib import get_close_matches
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from reportgen.errors import ProblemLog
from reportgen.names import fragment_stem, slugify
from reportgen.schema import IndicatorSchema, IndicatorsFileSchema, ReportSchema, describe
from reportgen.yamlfile import LineDict, LineList, YamlLoadError, load_yaml

Model = TypeVar("Model", bound=BaseModel)


def _yaml_kind(value: Any) -> str:
    """What YAML made of an unquoted value: `the number 83`, `the boolean false`, `null`."""
    if value is None:
        return "null (no value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float | Decimal):
        return f"the number {value}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    return "a " + type(value).__name__


def _shape(value: Any) -> str:
    if value is None:
        return "empty (write [] for none)"
    if isinstance(value, str):
        return "text"
    return "a mapping" if isinstance(value, dict) else _yaml_kind(value)


def _locate(data: Any, loc: tuple[int | str, ...]) -> tuple[int | None, Any, str | None]:
    """The line, value and source text at a pydantic error location inside line-aware data."""
    line = getattr(data, "line", None)
    value, text = data, None
    for part in loc:
        in_mapping = isinstance(value, LineDict) and part in value
        in_list = isinstance(value, LineList) and isinstance(part, int) and part < len(value)
        if in_mapping or in_list:
            node = value.nodes[part]
            line, value, text = node.line, value[part], node.text
        else:
            break
    return line, value, text


def _unknown_key(key: Any, known: Collection[str]) -> str:
    close = get_close_matches(str(key).lower(), list(known), n=1, cutoff=0.8)
    return f"unknown key '{key}'" + (f" (did you mean '{close[0]}'?)" if close else "")


def _message(data: Any, error: Any, known: Collection[str]) -> tuple[int | None, str]:
    loc = tuple(error["loc"])
    field = ".".join(str(part) for part in loc) or "file"
    line, value, text = _locate(data, loc)
    kind = error["type"]
    if kind == "missing":
        return line, f"missing required key '{loc[-1]}'"
    if kind == "extra_forbidden":
        return line, _unknown_key(loc[-1], known)
    if kind == "string_type" and isinstance(value, LineDict | LineList):
        return line, f"{field}: must be text, not a {'mapping' if isinstance(value, dict) else 'list'}"
    if kind == "string_type" and value is None and not (text or "").strip():
        return line, f"{field}: empty; write a value (in quotes if it is text)"
    if kind == "string_type":
        shown = text if text is not None else describe(value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        key = "" if isinstance(loc[-1], int) else f"{loc[-1]}: "  # a list item has no key
        return line, f"{field}: YAML reads {shown!r} as {_yaml_kind(value)}; quote it: {key}\"{shown}\""
    if kind == "list_type":
        return line, f"{field}: must be a list such as [A, B], not {_shape(value)}"
    if kind == "too_short" and isinstance(value, list):
        return line, f"{field}: the list is empty"
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "code":
        return line, (
            f"code {describe(value)} must be letters, digits, spaces and ._()- "
            "starting with a letter or digit"
        )
    message = str(error["msg"]).removeprefix("Value error, ")
    return line, f"{field}: {message}"


def validate_model(schema: type[Model], data: Any, file: Path, log: ProblemLog) -> Model | None:
    """Validates data against a schema, logging every error at its line."""
    try:
        return schema.model_validate(data)
    except ValidationError as errors:
        for error in errors.errors():
            line, message = _message(data, error, schema.model_fields)
            log.add(file, line, message)
        return None


def load_yaml_file(path: Path, log: ProblemLog) -> Any:
    """A YAML file's data, or None after logging why it could not be read."""
    try:
        data = load_yaml(path)
    except YamlLoadError as error:
        log.add(path, error.line, error.message)
        return None
    if data is None:
        log.add(path, None, "the file is empty: expected keys and values (key: value)")
        return None
    if not isinstance(data, LineDict):
        found = "a list" if isinstance(data, LineList) else f"the single value {describe(data)}"
        log.add(path, getattr(data, "line", 1), f"expected keys and values (key: value), found {found}")
        return None
    return data


def load_report_settings(path: Path, log: ProblemLog) -> ReportSchema | None:
    """config/report.yaml, validated."""
    data = load_yaml_file(path, log)
    return None if data is None else validate_model(ReportSchema, data, path, log)


def load_indicators(path: Path, log: ProblemLog) -> tuple[list[IndicatorSchema], set[str] | None]:
    """config/indicators.yaml: the valid indicators, and every code it declares.

    The declared codes include those of invalid entries, so that their data rows are
    not reported again as unknown; None means the file could not be read at all.
    """
    data = load_yaml_file(path, log)
    if data is None or validate_model(IndicatorsFileSchema, data, path, log) is None:
        return [], None
    entries: LineList = data["indicators"]
    indicators: list[IndicatorSchema] = []
    # A code YAML misread (0123 as 83) is declared as written, so its rows still match.
    declared = {
        str(entry.nodes["code"].text or entry["code"])
        for entry in entries
        if isinstance(entry, LineDict) and isinstance(entry.get("code"), str | int | Decimal)
    }
    first_line: dict[str, int] = {}
    names_seen: dict[tuple[str, str], tuple[str, int]] = {}
    for entry, node in zip(entries, entries.nodes, strict=True):
        if not isinstance(entry, LineDict):
            log.add(path, node.line, "each indicator must be a mapping (code:, title:, ...)")
            continue
        indicator = validate_model(IndicatorSchema, entry, path, log)
        if indicator is None:
            continue
        if indicator.code in first_line:
            log.add(
                path,
                entry.nodes["code"].line,
                f"duplicate code '{indicator.code}' (first on line {first_line[indicator.code]})",
            )
            continue
        first_line[indicator.code] = entry.nodes["code"].line
        indicators.append(indicator)
        _check_file_names(indicator, entry, path, log, names_seen)
    return indicators, declared


def _check_file_names(
    indicator: IndicatorSchema,
    entry: LineDict,
    path: Path,
    log: ProblemLog,
    seen: dict[tuple[str, str], tuple[str, int]],
) -> None:
    """Two codes or two directors that would share an output file are an error.

    Names are compared without regard to case: the pack may be copied to a Windows or
    macOS disk, where `ABC.html` and `abc.html` are the same file.
    """
    for kind, key, name in (
        ("fragment", "code", fragment_stem(indicator.code)),
        ("director", "director", slugify(indicator.director)),
    ):
        value = getattr(indicator, key)
        line = entry.nodes[key].line
        if (kind, name.casefold()) in seen and seen[kind, name.casefold()][0] != value:
            other, other_line = seen[kind, name.casefold()]
            log.add(
                path,
                line,
                f"{key} {describe(value)} and {describe(other)} (line {other_line}) "
                f"would both be written to the file '{name}'",
            )
        else:
            seen.setdefault((kind, name.casefold()), (value, line))
