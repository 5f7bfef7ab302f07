"""HTML to PDF with WeasyPrint, fetching nothing but the templates' own assets and data: URIs."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from reportgen.templating import template_search_path


def _fetcher_class() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # imported only when rendering

    class AssetFetcher(URLFetcher):  # type: ignore[misc]
        """Serves data: URIs and files inside the template folders; refuses everything else."""

        def __init__(self, folders: list[Path]) -> None:
            super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
            self.folders = [folder.resolve() for folder in folders]

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(unquote(parts.path)).resolve()
                if any(path.is_relative_to(folder) for folder in self.folders) and path.is_file():
                    return URLFetcherResponse(url, body=path.read_bytes())
            raise ValueError(f"reportgen does not fetch {url!r}")

    return AssetFetcher


def render_pdf(html: str, project_templates: Path | None) -> bytes:
    """A PDF of the HTML; relative URLs resolve against the first template folder."""
    from weasyprint import HTML

    folders = template_search_path(project_templates)
    fetcher = _fetcher_class()(folders)
    document = HTML(string=html, base_url=folders[0].as_uri() + "/", url_fetcher=fetcher)
    pdf: bytes = document.write_pdf()
    return pdf
