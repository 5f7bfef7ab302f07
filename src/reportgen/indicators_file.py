"""config/indicators.yaml: each entry validated, duplicates and clashing file names found."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from difflib import get_close_matches
from pathlib import Path

from reportgen.errors import ProblemLog, warn
from reportgen.names import fragment_stem, slugify
from reportgen.plaintext import clean_line
from reportgen.schema import IndicatorSchema, IndicatorsFileSchema, describe
from reportgen.settings import load_yaml_file, validate_model
from reportgen.yamlfile import LineDict, LineList


@dataclass(frozen=True)
class IndicatorsFile:
    """config/indicators.yaml: its valid indicators, and what every entry declares.

    The declared codes and directors include those of invalid entries, so that their data
    rows (and their place in report.yaml's order) are not reported again as unknown.
    """

    indicators: list[IndicatorSchema]
    codes: set[str] | None  # None: the file could not be read at all
    directors: set[str]


def _declared(entry: LineDict, key: str) -> str | None:
    """The text an entry gives a key, as written (a code YAML misread, 0123 as 83,
    is declared as written, so that its rows still match), without surrounding spaces."""
    value = entry.get(key)
    if not isinstance(value, str | int | Decimal) or isinstance(value, bool):
        return None
    return str(entry.nodes[key].text or value).strip()


def load_indicators(path: Path, log: ProblemLog) -> IndicatorsFile:
    """config/indicators.yaml, each entry validated, every duplicate code reported."""
    data = load_yaml_file(path, log)
    checked = None if data is None else validate_model(IndicatorsFileSchema, data, path, log)
    entries = data.get("indicators") if data is not None else None
    if checked is None and not (isinstance(entries, LineList) and entries):
        return IndicatorsFile([], None, set())  # (an unknown key beside them: checked on)
    assert isinstance(entries, LineList)
    dicts = [entry for entry in entries if isinstance(entry, LineDict)]
    codes = {code for entry in dicts if (code := _declared(entry, "code")) is not None}
    directors = {clean_line(name) for entry in dicts if (name := _declared(entry, "director")) is not None}
    indicators: list[IndicatorSchema] = []
    first_line: dict[str, int] = {}
    names_seen: dict[tuple[str, str], tuple[str, int]] = {}
    for entry, node in zip(entries, entries.nodes, strict=True):
        if not isinstance(entry, LineDict):
            log.add(path, node.line, "each indicator must be a mapping (code:, title:, ...)")
            continue
        # Duplicates by the code as written: reported even where either entry is invalid.
        code = _declared(entry, "code")
        duplicate = code is not None and code in first_line
        if code is not None and duplicate:
            # An entry written as an alias (`- *first`) is reported where the alias is.
            line = entry.nodes["code"].line if node.line == entry.line else node.line
            log.add(path, line, f"duplicate code {describe(code)} (first on line {first_line[code]})")
        elif code is not None:
            first_line[code] = entry.nodes["code"].line
        indicator = validate_model(IndicatorSchema, entry, path, log)
        if indicator is None or duplicate:
            continue
        indicators.append(indicator)
        _check_file_names(indicator, entry, path, log, names_seen)
    return IndicatorsFile(indicators, codes, directors)


def check_listed_directors(path: Path, listed: dict[str, int], declared: set[str]) -> None:
    """A warning for each director report.yaml lists who heads no indicator: a misspelt
    name would otherwise move their section without a word. Not an error: a report.yaml
    kept from a fuller project still orders the sections it has."""
    for name, line in listed.items():
        if name and name not in declared:
            close = get_close_matches(name, sorted(declared), n=1, cutoff=0.6)
            hint = f" (did you mean {describe(close[0])}?)" if close else ""
            message = (
                f"directors: no indicator in config/indicators.yaml has the director {describe(name)}"
                f"{hint}; the name is left out of the section order"
            )
            warn(path, line, message)


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
