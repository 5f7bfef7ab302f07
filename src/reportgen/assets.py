"""A template's own images, fonts and stylesheets, written into it as data: URIs.

Every HTML output then carries what it shows: report.html and the directors' pages
opened from the output folder, and a fragment pasted into another site, where a
relative `logo.png` would point at nothing. The PDFs read the same data: URIs.
Only URLs written literally in a template are rewritten (a URL built by a Jinja
expression is fetched as written, by the PDFs alone).
"""

from __future__ import annotations

import base64
import html
import mimetypes
import warnings
from collections.abc import Iterator
from difflib import get_close_matches
from pathlib import Path
from urllib.parse import unquote

from jinja2.ext import Extension

from reportgen.errors import quoted
from reportgen.template_folders import is_template_file
from reportgen.template_urls import references

MAX_INLINED_BYTES = 5 * 1024 * 1024  # a cover photo, say; as large as a template may be


def template_file(url: str, folders: list[Path], base: Path | None = None) -> Path | None:
    """The file a relative URL names in the template folders (searched in order), if it
    is one and lies inside them; `base`, a stylesheet's folder, is tried first. The URL
    is read as a browser reads it: `&amp;` and `%20` decoded."""
    relative = unquote(html.unescape(url.strip()).split("?")[0].split("#")[0])
    for folder in ([base] if base is not None else []) + folders:
        try:
            path = (folder / relative).resolve()
            if is_template_file(path, folders if folder is base else [folder]):
                return path
        except (OSError, ValueError):  # a name too long, a NUL: no such file
            continue
    return None


def _data_uri(path: Path, folders: list[Path], inlining: frozenset[Path]) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    data = path.read_bytes()
    if kind == "text/css":  # a linked stylesheet: its own images travel inside it too
        css = data.decode("utf-8", "replace")
        data = inline_assets(css, folders, path.parent, inlining | {path}).encode("utf-8")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def inline_assets(
    source: str, folders: list[Path], base: Path | None = None, inlining: frozenset[Path] = frozenset()
) -> str:
    """The template with each relative URL of a template folder's file made a data: URI
    (a URL that names no such file, a file too large, or a stylesheet already being
    written into another, `inlining`, is left as written)."""
    pieces: list[str] = []
    position = 0
    for reference in references(source):
        path = template_file(reference.url, folders, base)
        if path is None or path in inlining or path.stat().st_size > MAX_INLINED_BYTES:
            continue
        fragment = reference.url.strip().partition("#")[2]  # an SVG's view, say
        uri = _data_uri(path, folders, inlining) + (f"#{fragment}" if fragment else "")
        pieces += [source[position : reference.start], f'"{uri}"' if reference.bare else uri]
        position = reference.end
    return "".join(pieces) + source[position:]


def missing_assets(source: str, folders: list[Path], base: Path | None = None) -> Iterator[tuple[int, str]]:
    """(line, message) for each relative URL in a template that names no file it may use
    (a stylesheet's `base`, its own folder, is tried first: it may be linked, not included)."""
    for reference in references(source):
        path = template_file(reference.url, folders, base)
        if path is None:
            yield reference.line_in(source), (
                f"{quoted(reference.url.strip())} names no file in the templates folder"
                + _did_you_mean(reference.url.strip(), folders[0])
                + "; a template's images, fonts and stylesheets must be files inside it"
            )
        elif path.stat().st_size > MAX_INLINED_BYTES:
            size = path.stat().st_size / 1024 / 1024
            yield reference.line_in(source), (
                f"{quoted(reference.url.strip())} is {size:.1f} MB; an image, font or stylesheet "
                f"of the pack may be at most {MAX_INLINED_BYTES // 1024 // 1024} MB"
            )
        elif (problem := _unreadable_image(path)) is not None:
            yield reference.line_in(source), f"{quoted(reference.url.strip())} {problem}"


def _unreadable_image(path: Path) -> str | None:
    """Why WeasyPrint cannot use a raster image, or None. It opens one as this does,
    and leaves out (with no more than a log line) one it cannot open: a renamed file, a
    download that is an error page. One of more pixels than Pillow calls safe would take
    gigabytes to draw."""
    kind = mimetypes.guess_type(path.name)[0] or ""
    if not kind.startswith("image/") or kind == "image/svg+xml":
        return None
    from PIL import Image, UnidentifiedImageError  # only when a template names an image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path):
                return None
    except UnidentifiedImageError:  # its message repeats the path
        reason = "its bytes are in no image format"
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        limit = (Image.MAX_IMAGE_PIXELS or 0) // 1_000_000
        return f"has more pixels than can be drawn safely (at most {limit} million); save it smaller"
    except (OSError, SyntaxError, ValueError) as error:  # a damaged header, an unreadable file
        said = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        reason = " ".join(said.split())[:120]  # strerror: without the file's full path
    return f"is not an image WeasyPrint can read ({reason}); the pack would be made without it"


def _did_you_mean(url: str, folder: Path) -> str:
    """` (did you mean 'logo.png'?)` for a URL with a typo in a file's name, else ''."""
    files = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
    close = get_close_matches(url, sorted(files), n=1, cutoff=0.8)
    return f" (did you mean {close[0]!r}?)" if close else ""


class InlineAssets(Extension):
    """Rewrites each template's own relative URLs as data: URIs as the template is loaded."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        folders: list[Path] = getattr(self.environment, "asset_folders", [])
        if not folders:
            return source
        # A stylesheet's own folder first, as the check does (template_check): written
        # for a <link>, its URLs are relative to it.
        css = filename is not None and filename.lower().endswith(".css")
        base = Path(filename).parent.resolve() if filename is not None and css else None
        return inline_assets(source, folders, base)
