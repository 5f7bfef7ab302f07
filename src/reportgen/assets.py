"""A template's own images, fonts and stylesheets, written into it as data: URIs.

Every HTML output then carries what it shows: report.html and the directors' pages
opened from the output folder, and a fragment pasted into another site, where a
relative `logo.png` would point at nothing. The PDFs read the same data: URIs.
Only URLs written literally in a template are rewritten (a URL built by a Jinja
expression is fetched as written, by the PDFs alone).
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

from jinja2.ext import Extension

from reportgen.template_folders import is_template_file

# `url(x)`, `url('x')`, `url("x")` in CSS.
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'"()\s]+)\1\s*\)""")
# `src="x"`, `src='x'` or `src=x` in a tag, and a <link> element (its href is found inside).
SRC_ATTRIBUTE = re.compile(r"""(?<=\s)src\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
LINK_ELEMENT = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
HREF_ATTRIBUTE = re.compile(r"""(?<=\s)href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
# A URL with a scheme (data:, https:), a fragment, an absolute path, or Jinja in it: not a
# template folder's file named as written.
NOT_A_TEMPLATE_FILE = re.compile(r"^([a-z][a-z0-9+.-]*:|#|/)|\{[{%#]", re.IGNORECASE)
NETWORK_URL = re.compile(r"^(https?:)?//", re.IGNORECASE)
MAX_INLINED_BYTES = 5 * 1024 * 1024  # a cover photo, say; as large as a template may be


@dataclass(frozen=True)
class Reference:
    """A relative URL written in a template: where its text is, and what it names."""

    start: int
    end: int
    url: str

    def line_in(self, source: str) -> int:
        return source.count("\n", 0, self.start) + 1


def _all_urls(pattern: re.Pattern[str], text: str, offset: int = 0) -> Iterator[Reference]:
    for match in pattern.finditer(text):
        group = next(index for index in range(match.re.groups, 0, -1) if match[index] is not None)
        yield Reference(offset + match.start(group), offset + match.end(group), match[group])


def _urls(pattern: re.Pattern[str], text: str, offset: int = 0) -> Iterator[Reference]:
    for reference in _all_urls(pattern, text, offset):
        url = reference.url.strip()
        if url and not NOT_A_TEMPLATE_FILE.search(url):
            yield reference


def references(source: str) -> list[Reference]:
    """Every relative URL in a template: CSS `url()`s, `src` attributes, `<link href>`s."""
    found = [*_urls(CSS_URL, source), *_urls(SRC_ATTRIBUTE, source)]
    for link in LINK_ELEMENT.finditer(source):
        found += _urls(HREF_ATTRIBUTE, link[0], link.start())
    return sorted(found, key=lambda reference: reference.start)


def network_references(source: str) -> list[Reference]:
    """Every URL in a template that a PDF would have to fetch from the network: an image,
    a font or a stylesheet by `http(s)://` or `//`."""
    found = [*_all_urls(CSS_URL, source), *_all_urls(SRC_ATTRIBUTE, source)]
    for link in LINK_ELEMENT.finditer(source):
        if "stylesheet" in link[0].lower():
            found += _all_urls(HREF_ATTRIBUTE, link[0], link.start())
    found = [reference for reference in found if NETWORK_URL.match(reference.url.strip())]
    return sorted(found, key=lambda reference: reference.start)


def template_file(url: str, folders: list[Path], base: Path | None = None) -> Path | None:
    """The file a relative URL names in the template folders (searched in order), if it
    is one and lies inside them; `base`, a stylesheet's folder, is tried first."""
    relative = url.strip().split("?")[0].split("#")[0]
    for folder in ([base] if base is not None else []) + folders:
        path = (folder / relative).resolve()
        if is_template_file(path, folders if folder is base else [folder]):
            return path
    return None


def _data_uri(path: Path, folders: list[Path]) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    data = path.read_bytes()
    if kind == "text/css":  # a linked stylesheet: its own images travel inside it too
        data = inline_assets(data.decode("utf-8", "replace"), folders, path.parent).encode("utf-8")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def inline_assets(source: str, folders: list[Path], base: Path | None = None) -> str:
    """The template with each relative URL of a template folder's file made a data: URI
    (a URL that names no such file, or a file too large, is left as written)."""
    pieces: list[str] = []
    position = 0
    for reference in references(source) if base is None else _urls(CSS_URL, source):
        path = template_file(reference.url, folders, base)
        if path is None or path.stat().st_size > MAX_INLINED_BYTES:
            continue
        pieces += [source[position : reference.start], _data_uri(path, folders)]
        position = reference.end
    return "".join(pieces) + source[position:]


def missing_assets(source: str, folders: list[Path], base: Path | None = None) -> Iterator[tuple[int, str]]:
    """(line, message) for each relative URL in a template that names no file it may use
    (a stylesheet's `base`, its own folder, is tried first: it may be linked, not included)."""
    for reference in references(source):
        path = template_file(reference.url, folders, base)
        if path is None:
            yield reference.line_in(source), (
                f"{reference.url.strip()!r} names no file in the templates folder"
                + _did_you_mean(reference.url.strip(), folders)
                + "; a template's images, fonts and stylesheets must be files inside it"
            )
        elif path.stat().st_size > MAX_INLINED_BYTES:
            size = path.stat().st_size / 1024 / 1024
            yield reference.line_in(source), (
                f"{reference.url.strip()!r} is {size:.1f} MB; an image, font or stylesheet "
                f"of the pack may be at most {MAX_INLINED_BYTES // 1024 // 1024} MB"
            )


def _did_you_mean(url: str, folders: list[Path]) -> str:
    """` (did you mean 'logo.png'?)` for a URL with a typo in a file's name, else ''."""
    files = {path.relative_to(folders[0]).as_posix() for path in folders[0].rglob("*") if path.is_file()}
    close = get_close_matches(url, sorted(files), n=1, cutoff=0.8)
    return f" (did you mean {close[0]!r}?)" if close else ""


class InlineAssets(Extension):
    """Rewrites each template's own relative URLs as data: URIs as the template is loaded."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        folders: list[Path] = getattr(self.environment, "asset_folders", [])
        return inline_assets(source, folders) if folders else source
