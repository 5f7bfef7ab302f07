"""The URLs a template's source loads (images, fonts, stylesheets), found as written."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from reportgen.html_attributes import UNQUOTED, attribute_pattern, value_group

# `url(x)`, `url('x')`, `url("x")` in CSS.
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'"()\s]+)\1\s*\)""")
# `@import "x"` or `@import 'x'` in CSS (`@import url(x)` is a url()).
CSS_IMPORT = re.compile(r"""@import\s+(['"])([^'"]+)\1""", re.IGNORECASE)
# A <link> whose href the page loads (a stylesheet, an icon, a preload), not one it only names.
LOADED_LINK = re.compile(r"""\srel\s*=\s*["']?[^"'>]*\b(stylesheet|icon|preload)\b""", re.IGNORECASE)
# Text whose URLs nothing loads: Jinja, HTML and CSS comments, and scripts.
NOT_LOADED = re.compile(r"\{#.*?#\}|<!--.*?-->|/\*.*?\*/|<script\b.*?</script\s*>", re.IGNORECASE | re.DOTALL)
# A URL with a scheme (data:, https:), a fragment, an absolute path, or Jinja in it: not a
# template folder's file named as written.
NOT_A_TEMPLATE_FILE = re.compile(r"^([a-z][a-z0-9+.-]*:|#|/)|\{[{%#]", re.IGNORECASE)
NETWORK_URL = re.compile(r"^(https?:)?//", re.IGNORECASE)
# A file named outside the template folders: a file: URL, or an absolute path (which a
# browser would take from the host site's root).
OUTSIDE_FILE_URL = re.compile(r"^(file:|/(?!/))", re.IGNORECASE)


SRC_ATTRIBUTE = attribute_pattern("src")
# The image candidates of an <img> or <source>, "a.png, b.png 2x" (read in _candidates).
SRCSET_ATTRIBUTE = attribute_pattern("srcset")
# A <link> element, and its href (found inside it).
LINK_ELEMENT = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
HREF_ATTRIBUTE = attribute_pattern("href")


@dataclass(frozen=True)
class Reference:
    """A URL written in a template: where its text is, what it says, and whether it is an
    attribute's unquoted value."""

    start: int
    end: int
    url: str
    bare: bool = False

    def line_in(self, source: str) -> int:
        return source.count("\n", 0, self.start) + 1


def _urls(pattern: re.Pattern[str], text: str, offset: int = 0) -> Iterator[Reference]:
    is_attribute = pattern in (SRC_ATTRIBUTE, SRCSET_ATTRIBUTE, HREF_ATTRIBUTE)
    for match in pattern.finditer(text):
        group = value_group(match) if is_attribute else match.re.groups  # CSS: the URL is last
        bare = is_attribute and group == UNQUOTED
        yield Reference(offset + match.start(group), offset + match.end(group), match[group], bare)


def _candidates(source: str) -> Iterator[Reference]:
    """The URL of each image candidate in `srcset` attributes, read as the HTML standard
    reads them: a URL is a run of non-space characters (trailing commas not its own),
    then descriptors ("2x", "640w") up to a comma."""
    for attribute in _urls(SRCSET_ATTRIBUTE, source):
        value, offset, position = attribute.url, attribute.start, 0
        while position < len(value):
            while position < len(value) and (value[position].isspace() or value[position] == ","):
                position += 1
            start = position
            while position < len(value) and not value[position].isspace():
                position += 1
            url = value[start:position].rstrip(",")
            if url:
                yield Reference(offset + start, offset + start + len(url), url, attribute.bare)
            if value[start:position].endswith(","):
                continue  # no descriptors after a URL that ends with a comma
            depth = 0
            while position < len(value) and not (value[position] == "," and depth == 0):
                depth += {"(": 1, ")": -1}.get(value[position], 0)
                position += 1


def _loaded(source: str) -> list[Reference]:
    """Every URL a template has loaded, as written: CSS `url()`s and `@import`s, `src`
    and `srcset` attributes, and the hrefs of stylesheet, icon and preload `<link>`s;
    none in a comment or a script."""
    found = [*_urls(CSS_URL, source), *_urls(CSS_IMPORT, source), *_urls(SRC_ATTRIBUTE, source)]
    found += _candidates(source)
    for link in LINK_ELEMENT.finditer(source):
        if LOADED_LINK.search(link[0]):
            found += _urls(HREF_ATTRIBUTE, link[0], link.start())
    skipped = [(match.start(), match.end()) for match in NOT_LOADED.finditer(source)]
    starts = [start for start, _end in skipped]

    def loaded(reference: Reference) -> bool:
        at = bisect_right(starts, reference.start) - 1
        return at < 0 or reference.start >= skipped[at][1]

    return sorted(filter(loaded, found), key=lambda reference: reference.start)


def references(source: str) -> list[Reference]:
    """Every relative URL a template has loaded (see _loaded)."""
    return [r for r in _loaded(source) if r.url.strip() and not NOT_A_TEMPLATE_FILE.search(r.url.strip())]


def network_references(source: str) -> list[Reference]:
    """Every URL a template has loaded from the network: `http(s)://` or `//`."""
    return [r for r in _loaded(source) if NETWORK_URL.match(r.url.strip())]


def outside_file_references(source: str) -> list[Reference]:
    """Every URL a template has loaded as a file outside the template folders:
    `file:` or an absolute path."""
    return [r for r in _loaded(source) if OUTSIDE_FILE_URL.match(r.url.strip())]
