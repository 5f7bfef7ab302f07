"""Attributes of HTML tags found in text by pattern, in any of HTML's three quotings."""

from __future__ import annotations

import re

# The group of an attribute pattern's match that holds an unquoted value (name=x).
UNQUOTED = 4

# A start tag, to its closing `>`: a quote right after `=` opens a value that runs to its
# own closing quote, `>` and all; any other quote is a character of the value. (Atomic,
# so a tag that never closes costs one pass, whatever its quotes.) Text outside tags is
# not markup: escaped, `href=#x` in a comment is text, never a link.
START_TAG = re.compile(r"""<[A-Za-z](?>[^>"'=]+|=\s*"[^"]*"|=\s*'[^']*'|[^>])*+>""")


def attribute_pattern(names: str) -> re.Pattern[str]:
    """`name="x"`, `name='x'` or `name=x` for any of `names` (an alternation, "id|href"):
    the name is group 1, the value group 2, 3 or UNQUOTED. An unquoted value ends where
    an HTML parser ends it, at a space or `>` (a quote, `=`, `<` or a backtick inside it is
    a parse error, but kept in the value)."""
    return re.compile(rf"""(?<=\s)({names})\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def value_group(match: re.Match[str]) -> int:
    """Which group of an attribute pattern's match holds the value."""
    return next(index for index in (2, 3, UNQUOTED) if match[index] is not None)
