"""Safe YAML loading that keeps line numbers, rejects duplicate keys and never makes floats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.parser import ParserError
from yaml.reader import ReaderError
from yaml.scanner import ScannerError

from reportgen.inputfile import UTF8_ADVICE, InputFileError, not_utf8, read_input
from reportgen.linedata import LineDict, LineList, Node
from reportgen.yamlloader import Loader, WordingLoader, YamlLoadError, YamlProblem, parse

__all__ = ["LineDict", "LineList", "Node", "YamlLoadError", "YamlProblem", "load_yaml"]

MAX_YAML_BYTES = 5 * 1024 * 1024


def load_yaml(path: Path) -> tuple[Any, list[YamlProblem]]:
    """Loads one YAML document, and the problems found in its values and keys; raises
    YamlLoadError, with the failing line, for a file that cannot be read at all."""
    try:
        raw = read_input(path, MAX_YAML_BYTES)
    except InputFileError as error:
        raise YamlLoadError(None, error.message) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise YamlLoadError(*not_utf8(raw, error, UTF8_ADVICE)) from None
    try:
        try:
            return parse(text, Loader)
        except (ScannerError, ParserError):  # libyaml's wording; the rest is PyYAML's
            parse(text, WordingLoader)  # raises the same error, worded by PyYAML
            raise  # (both parsers refuse the same texts: not reached)
    except ReaderError as error:  # a character YAML does not allow, such as a pasted \v
        line = text[: error.position].count("\n") + 1
        character = error.character if isinstance(error.character, int) else ord(error.character)
        message = f"character U+{character:04X} is not allowed in YAML: remove it"
        raise YamlLoadError(line, message) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = ", ".join(part for part in (error.context, error.problem) if part)
        raise YamlLoadError(mark.line + 1 if mark else None, f"invalid YAML: {what}") from None
    except yaml.YAMLError as error:
        raise YamlLoadError(None, f"invalid YAML: {error}") from None
    except RecursionError:
        raise YamlLoadError(None, "YAML nested too deeply") from None
