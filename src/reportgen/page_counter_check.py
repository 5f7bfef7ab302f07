"""Template style rules that set the page counter on an element, which numbers no page."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import tinycss2

COUNTER_PROPERTIES = {"counter-reset", "counter-set", "counter-increment"}
# Nested rules that hold element rules; an @page rule's own counters do number pages.
GROUPING_RULES = {"media", "supports", "layer", "container", "document"}
SKIPPED = {"skip_comments": True, "skip_whitespace": True}
STYLE_ELEMENT = re.compile(r"(<style\b[^>]*>)(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)


def _declarations(rules: Iterable[Any]) -> Iterator[Any]:
    """The counter declarations of element rules, nested ones included."""
    for rule in rules:
        if rule.type == "qualified-rule":
            for item in tinycss2.parse_declaration_list(rule.content, **SKIPPED):
                if item.type == "declaration" and item.lower_name in COUNTER_PROPERTIES:
                    yield item
        elif rule.type == "at-rule" and rule.lower_at_keyword in GROUPING_RULES and rule.content:
            yield from _declarations(tinycss2.parse_rule_list(rule.content, **SKIPPED))


def element_page_counters(source: str, is_stylesheet: bool) -> Iterator[tuple[int, str]]:
    """(line, property) for each element rule in a stylesheet, or in an HTML template's
    <style> elements, that resets, sets or increments the `page` counter."""
    if is_stylesheet:
        pieces = [(source, 0)]
    else:
        pieces = [(m[2], source.count("\n", 0, m.start(2))) for m in STYLE_ELEMENT.finditer(source)]
    for css, lines_before in pieces:
        rules = tinycss2.parse_stylesheet(css, **SKIPPED)
        for declaration in _declarations(rules):
            names = {token.lower_value for token in declaration.value if token.type == "ident"}
            if "page" in names:
                yield declaration.source_line + lines_before, declaration.lower_name
