"""Containers that remember where each of their values stood in a YAML file."""

from __future__ import annotations

from typing import Any


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
