"""Safe YAML loading that keeps line numbers, rejects duplicate keys and never makes floats."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

MAX_YAML_BYTES = 5 * 1024 * 1024
MAX_ALIASES = 100  # enough for shared defaults, far too few for a "billion laughs" file


class YamlLoadError(Exception):
    """A YAML file that cannot be read at all; carries the line where it failed."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class Node:
    """Where a value came from: its line and the text YAML read it from."""

    __slots__ = ("line", "text")

    def __init__(self, line: int, text: str | None) -> None:
        self.line = line
        self.text = text


class LineDict(dict[Any, Any]):
    """A mapping that remembers where it and each of its values stood in the file."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.nodes: dict[Any, Node] = {}


class LineList(list[Any]):
    """A sequence that remembers where it and each of its items stood in the file."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.nodes: list[Node] = []


def _node_info(node: yaml.Node) -> Node:
    text = node.value if isinstance(node, yaml.ScalarNode) else None
    return Node(node.start_mark.line + 1, text)


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, with line-aware containers and exact decimals."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_count = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise YamlLoadError(mark.line + 1, f"more than {MAX_ALIASES} aliases")
        return super().compose_node(parent, index)

    def construct_line_mapping(self, node: yaml.MappingNode) -> LineDict:
        result = LineDict(node.start_mark.line + 1)
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise YamlLoadError(key_node.start_mark.line + 1, "a key must be plain text") from None
            if key in result:
                first = result.nodes[key].line
                raise YamlLoadError(
                    key_node.start_mark.line + 1, f"duplicate key '{key}' (first on line {first})"
                )
            result[key] = self.construct_object(value_node, deep=True)
            result.nodes[key] = _node_info(value_node)
        return result

    def construct_line_sequence(self, node: yaml.SequenceNode) -> LineList:
        result = LineList(node.start_mark.line + 1)
        for child in node.value:
            result.append(self.construct_object(child, deep=True))
            result.nodes.append(_node_info(child))
        return result

    def construct_exact_float(self, node: yaml.ScalarNode) -> Decimal | str:
        # YAML 1.1 floats include forms such as 1_000.5 and .inf; keep decimals exact
        # and leave the rest as text for the schema to reject.
        text = node.value.replace("_", "")
        if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text):
            try:
                return Decimal(text)
            except InvalidOperation:
                pass
        return str(node.value)


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_line_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_line_sequence)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_exact_float)


def load_yaml(path: Path) -> Any:
    """Loads one YAML document; raises YamlLoadError with the failing line."""
    raw = path.read_bytes()
    if len(raw) > MAX_YAML_BYTES:
        raise YamlLoadError(None, f"file is larger than {MAX_YAML_BYTES // (1024 * 1024)} MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise YamlLoadError(None, f"not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise YamlLoadError(line, f"invalid YAML: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise YamlLoadError(None, f"invalid YAML: {error}") from None
    except RecursionError:
        raise YamlLoadError(None, "YAML nested too deeply") from None
    finally:
        loader.dispose()
