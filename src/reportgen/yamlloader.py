"""PyYAML's safe loader made strict: line-aware containers, exact decimals, hard limits."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from reportgen.errors import quoted
from reportgen.linedata import LineDict, LineList, Node

MAX_ALIASES = 100  # enough for shared defaults, far too few for a "billion laughs" file
MAX_DEPTH = 40  # a report's settings are a few levels deep
MAX_VALUES = 1_000_000  # values in the document once every alias is expanded
MERGE_TAG = "tag:yaml.org,2002:merge"
EXACT_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", re.ASCII)
NOT_FINITE = re.compile(r"([-+]?)\.(inf|nan)", re.IGNORECASE)
SEXAGESIMAL = re.compile(r"[-+]?[0-9]+(?::[0-5]?[0-9])+\.[0-9]*", re.ASCII)  # YAML 1.1's, "_" removed


# What YAML 1.1 made of a plain scalar, by tag, for a value it could not make.
TAG_KINDS = {
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:null": "null (no value)",
}


class YamlLoadError(Exception):
    """A YAML file that cannot be read at all; carries the line where it failed."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class YamlProblem(YamlLoadError):
    """A fault in one value or key of a file that can still be read and checked on."""


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _node_info(node: yaml.Node) -> Node:
    text = node.value if isinstance(node, yaml.ScalarNode) else None
    return Node(_line(node), text)


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many values the node stands for once aliases are expanded (memoised, so linear)."""
    key = id(node)
    if key in sizes:
        if sizes[key] < 0:
            raise YamlLoadError(_line(node), "an alias refers to the collection it is inside")
        return sizes[key]
    sizes[key] = -1  # in progress: meeting it again means a cycle
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, sizes) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
    if size > MAX_VALUES:
        message = f"too large: more than {MAX_VALUES:,} values once aliases are expanded"
        raise YamlLoadError(_line(node), message)
    sizes[key] = size
    return size


class _PythonEvents(Reader, Scanner, Parser):
    """PyYAML's own reader, scanner and parser: the text as events."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)


if TYPE_CHECKING:
    _Events = _PythonEvents
    _ParserMethods = _PythonEvents  # what the composer calls, whichever parser it is
else:
    _ParserMethods = object
    try:  # libyaml turns the text into events ten times faster than PyYAML's parser
        from yaml._yaml import CParser as _Events
    except ImportError:  # PyYAML built without libyaml
        _Events = _PythonEvents


class _Composing(Composer, SafeConstructor, Resolver, _ParserMethods):
    """PyYAML's safe loader, with line-aware containers, exact decimals and hard limits.

    The nodes are composed here, in Python, whichever parser gives the events, so that
    every alias and every level of nesting passes the limits below.
    """

    def _start_events(self, stream: str) -> None:
        raise NotImplementedError

    def __init__(self, stream: str) -> None:
        self._start_events(stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.alias_count = 0
        self.depth = 0
        self.problems: list[YamlProblem] = []  # found while building, each at its line
        self.alias_lines: dict[tuple[int, int], int] = {}  # (collection, item or key): line

    def compose_node(self, parent: Any, index: Any) -> Any:
        mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            # The alias gives back the anchored node itself, which knows only the
            # anchor's line: where the alias was written is kept here, by its place.
            place = index if isinstance(index, int) else id(index)
            self.alias_lines[id(parent), place] = mark.line + 1
            if self.alias_count > MAX_ALIASES:
                raise YamlLoadError(mark.line + 1, f"more than {MAX_ALIASES} aliases")
        # Checked here, before Python's own recursion limit would stop us less politely.
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise YamlLoadError(mark.line + 1, f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return super().construct_object(node, deep)
        try:
            return super().construct_object(node, deep)
        # 2012-13-01 (a date to YAML, but not a real one), an int of 5,000 digits, and
        # `!!timestamp x` (PyYAML fails with an AttributeError on that one).
        except (ValueError, OverflowError, AttributeError, TypeError) as error:
            shown = quoted(str(node.value), 60)
            kind = TAG_KINDS.get(node.tag, f"a value of type {node.tag.rsplit(':', 1)[-1]}")
            reason = str(error).split(";")[0] if isinstance(error, ValueError) else "not valid"
            advice = f': "{node.value}"' if len(shown) <= 40 else ""
            message = f"YAML reads {shown} as {kind}, and cannot make one of it ({reason}); "
            self.problems.append(YamlProblem(_line(node), f"{message}if it is text, quote it{advice}"))
            # Checked on as the text it was written as; PyYAML's bookkeeping of the node
            # is left half done by the failure, so finished here (an alias may reuse it).
            self.recursive_objects.pop(node, None)
            self.constructed_objects[node] = str(node.value)
            return str(node.value)

    def construct_line_mapping(self, node: yaml.MappingNode) -> LineDict:
        result = LineDict(_line(node))
        # Keys written in this mapping may override keys merged in with `<<`; two
        # written keys that are the same are an error (PyYAML keeps the last silently).
        written = {id(key) for key, _ in node.value if key.tag != MERGE_TAG}
        self.flatten_mapping(node)
        written_lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise YamlLoadError(_line(key_node), "a key must be plain text") from None
            if not isinstance(key, str):  # `yes:`, `1:` or `~:`, which are True, 1, None
                kind = TAG_KINDS.get(key_node.tag, "not text")
                shown = quoted(str(key_node.value), 60)
                message = f"YAML reads the key {shown} as {kind}; keys are text: quote it"
                self.problems.append(YamlProblem(_line(key_node), message))
                continue
            if id(key_node) not in written:
                if key in result:
                    continue  # merged: the first mapping merged in wins, as YAML says
            elif key in written_lines:
                first = written_lines[key]
                message = f"duplicate key {quoted(key, 60)} (first on line {first})"
                self.problems.append(YamlProblem(_line(key_node), message))
                continue  # the first one stands, and the rest of the file is checked on
            else:
                written_lines[key] = _line(key_node)
            result[key] = self.construct_object(value_node, deep=True)
            result.nodes[key] = self._item_info(node, id(key_node), value_node)
        return result

    def construct_line_sequence(self, node: yaml.SequenceNode) -> LineList:
        result = LineList(_line(node))
        for index, child in enumerate(node.value):
            result.append(self.construct_object(child, deep=True))
            result.nodes.append(self._item_info(node, index, child))
        return result

    def _item_info(self, collection: yaml.Node, place: int, child: yaml.Node) -> Node:
        """Where an item stood: the alias's line if it was written as one."""
        info = _node_info(child)
        info.line = self.alias_lines.get((id(collection), place), info.line)
        return info

    def construct_exact_float(self, node: yaml.ScalarNode) -> Decimal | str:
        # YAML 1.1 floats include 1_000.5, 1e3 and .inf: keep them exact Decimals (the
        # schema refuses the infinite ones), never binary floats.
        text = node.value.replace("_", "")
        if match := NOT_FINITE.fullmatch(text):
            return Decimal(match[1] + match[2])
        if EXACT_NUMBER.fullmatch(text):
            try:
                return Decimal(text)
            except InvalidOperation:
                pass
        if SEXAGESIMAL.fullmatch(text):  # 1:30.5, base 60 as YAML 1.1 reads it: 90.5
            sign, digits = (-1, text[1:]) if text.startswith("-") else (1, text.lstrip("+"))
            value = Decimal(0)
            for part in digits.split(":"):
                value = value * 60 + Decimal(part)
            return sign * value
        return str(node.value)


_Composing.yaml_constructors = {
    **SafeConstructor.yaml_constructors,
    "tag:yaml.org,2002:map": _Composing.construct_line_mapping,
    "tag:yaml.org,2002:seq": _Composing.construct_line_sequence,
    "tag:yaml.org,2002:float": _Composing.construct_exact_float,
}


class Loader(_Composing, _Events):
    """Events from libyaml where PyYAML has it."""

    _start_events = _Events.__init__


class WordingLoader(_Composing, _PythonEvents):
    """Events from PyYAML's parser: slower, but it words syntax errors as PyYAML's
    users (and their searches) know them, and says which character is wrong."""

    _start_events = _PythonEvents.__init__


def parse(text: str, loader_class: type[_Composing]) -> tuple[Any, list[YamlProblem]]:
    """The one document in the text, built by a loader of this module, and the problems
    found in its values and keys (a file that cannot be read at all raises instead)."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        _expanded_size(node, {})
        return loader.construct_document(node), loader.problems
    finally:
        loader.dispose()
