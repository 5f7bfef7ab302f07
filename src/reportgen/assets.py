"""A template stylesheet's own images and fonts, written into it as data: URIs.

Every HTML output then carries what its styles use: report.html and the directors'
pages opened from the output folder, and a fragment pasted into another site, where a
relative `url(logo.png)` would point at nothing. The PDFs read the same data: URIs.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path

from markupsafe import Markup

from reportgen.template_folders import is_template_file

# `url(x)`, `url('x')`, `url("x")` in CSS.
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'"()\s]+)\1\s*\)""")
# A URL with a scheme (data:, http:), a fragment or an absolute path: not a template's file.
NOT_A_TEMPLATE_FILE = re.compile(r"^([a-z][a-z0-9+.-]*:|#|/)", re.IGNORECASE)
MAX_INLINED_BYTES = 1024 * 1024  # a logo or a font; anything larger stays a URL


def _template_file(url: str, folders: list[Path]) -> Path | None:
    """The file a relative URL names in the template folders (the project's first), if
    it is one and lies inside them."""
    if NOT_A_TEMPLATE_FILE.match(url):
        return None
    relative = url.split("?")[0].split("#")[0]
    for folder in folders:
        path = (folder / relative).resolve()
        if is_template_file(path, [folder]):  # each folder keeps what is inside it
            return path
    return None


def inline_assets(css: str, folders: list[Path]) -> Markup:
    """The stylesheet with each `url()` of a template folder's file made a data: URI
    (a URL that names no such file is left as written)."""

    def data_uri(match: re.Match[str]) -> str:
        path = _template_file(match[2], folders)
        if path is None or path.stat().st_size > MAX_INLINED_BYTES:
            return match[0]
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return f'url("data:{kind};base64,{base64.b64encode(path.read_bytes()).decode("ascii")}")'

    # Markup: the templates' own CSS, never data; escaping it would break its quotes and `>`.
    return Markup(CSS_URL.sub(data_uri, str(css)))
