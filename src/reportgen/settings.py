"""Reads the YAML settings files and validates them, turning schema errors into file:line
(config/report.yaml here; config/indicators.yaml's entries in indicators_file.py)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal
from difflib import get_close_matches
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from reportgen.errors import ProblemLog
from reportgen.plaintext import clean_line
from reportgen.schema import ReportSchema, describe
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
    return f"unknown key {describe(key)}" + (f" (did you mean '{close[0]}'?)" if close else "")


def _message(data: Any, error: Any, known: Mapping[str, FieldInfo]) -> tuple[int | None, str]:
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
        if loc[-1] in known and known[str(loc[-1])].default == "":  # optional text: unit
            return line, f'{field}: empty, which YAML reads as null; write a value, or {loc[-1]}: "" for none'
        return line, f"{field}: empty; write a value (in quotes if it is text)"
    if kind == "string_type":
        shown = text if text is not None else describe(value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        key = "" if isinstance(loc[-1], int) else f"{loc[-1]}: "  # a list item has no key
        return line, f"{field}: YAML reads {shown!r} as {_yaml_kind(value)}; quote it: {key}\"{shown}\""
    if kind == "list_type":
        return line, f"{field}: must be a list such as [A, B], not {_shape(value)}"
    if kind in ("too_long", "string_too_long"):
        limit = error.get("ctx", {}).get("max_length")
        if isinstance(value, str | list):
            counted = "items" if isinstance(value, list) else "characters"
            size = len(value.strip()) if isinstance(value, str) else len(value)  # as checked
            return line, f"{field}: {size} {counted}, more than the {limit} allowed"
        return line, f"{field}: longer than the {limit} allowed"
    if kind == "too_short" and isinstance(value, list):
        return line, f"{field}: the list is empty"
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "code":
        return line, (
            f"code {describe(value)} must be letters (A-Z, a-z), digits, spaces and ._()- "
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
        data, problems = load_yaml(path)
    except YamlLoadError as error:
        log.add(path, error.line, error.message)
        return None
    for problem in problems:
        log.add(path, problem.line, problem.message)
    if data is None:
        log.add(path, None, "the file is empty: expected keys and values (key: value)")
        return None
    if not isinstance(data, LineDict):
        found = "a list" if isinstance(data, LineList) else f"the single value {describe(data)}"
        log.add(path, getattr(data, "line", 1), f"expected keys and values (key: value), found {found}")
        return None
    return data


def load_report_settings(path: Path, log: ProblemLog) -> tuple[ReportSchema | None, dict[str, int]]:
    """config/report.yaml, validated, and the line of each director it lists."""
    data = load_yaml_file(path, log)
    if data is None:
        return None, {}
    listed = data.get("directors")
    lines = {}
    if isinstance(listed, LineList):
        lines = {clean_line(name): node.line for name, node in zip(listed, listed.nodes, strict=True)
                 if isinstance(name, str)}
    return validate_model(ReportSchema, data, path, log), lines
