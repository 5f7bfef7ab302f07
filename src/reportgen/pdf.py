"""HTML to PDF with WeasyPrint."""

from __future__ import annotations

from pathlib import Path

from reportgen.fetcher import asset_fetcher, drop_attachments
from reportgen.pdf_tags import scope_header_cells
from reportgen.templating import template_search_path


def render_pdf(html: str, project_templates: Path | None) -> bytes:
    """A PDF of the HTML; relative URLs resolve against the first template folder."""
    from weasyprint import HTML  # slow to import: only when a PDF is made

    folders = template_search_path(project_templates)
    document = HTML(
        string=html, base_url=folders[0].as_uri() + "/", url_fetcher=asset_fetcher(folders)
    )
    # PDF/UA-1: a tagged PDF (structure tree, /Lang from <html lang>, /Title from
    # <title>, table headers) so screen readers can read the published pack.
    pdf: bytes = drop_attachments(document.render()).write_pdf(
        pdf_variant="pdf/ua-1", finisher=scope_header_cells
    )
    return pdf
