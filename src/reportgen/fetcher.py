"""What WeasyPrint may load (data: URIs, files inside the template folders) and embed (nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from reportgen.template_folders import is_template_file


def asset_fetcher(folders: list[Path]) -> Any:
    """A WeasyPrint URL fetcher that refuses everything but the templates' own assets."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # imported only when rendering

    class AssetFetcher(URLFetcher):  # type: ignore[misc]
        """Serves data: URIs and files inside the template folders; refuses everything else."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
            self.folders = [folder.resolve() for folder in folders]

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(unquote(parts.path)).resolve()
                if is_template_file(path, self.folders):
                    return URLFetcherResponse(url, body=path.read_bytes())
            raise ValueError(f"reportgen does not fetch {url!r}")

    return AssetFetcher()


def drop_attachments(document: Any) -> Any:
    """Removes every file attachment from a rendered WeasyPrint document, and returns it.

    A template's `<link rel="attachment">` or `<a rel="attachment">` would embed a file
    in the PDF; a pack never carries one. (It also spares WeasyPrint 70 a crash: an
    attachment can be written only once, so writing a document twice would fail.)
    """
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    return document
