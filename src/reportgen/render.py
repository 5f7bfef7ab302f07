"""Renders the report model to HTML text: the pack, a director's pack, an indicator fragment."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from reportgen.compute import DirectorSection, IndicatorResult, Report
from reportgen.rag import Band
from reportgen.section_markup import SectionDigests
from reportgen.templating import make_environment


def html_language(locale: str) -> str:
    """A BCP 47 language tag for a babel locale: `en_GB` → `en-GB`."""
    return locale.replace("_", "-")


class Renderer:
    """Holds one Jinja environment for a build and renders each kind of page with it."""

    def __init__(self, report: Report, project_templates: Path | None) -> None:
        self.report = report
        self.project_templates = project_templates
        self.environment = make_environment(project_templates, report.locale)
        self.language = html_language(report.locale)
        # Each section as the pack renders it, and as each director's pack does.
        self.sections = SectionDigests()

    def _pack_chunks(self, report: Report, document_title: str, **extra: object) -> Iterator[str]:
        template = self.environment.get_template("pack.html")
        return template.generate(
            report=report,
            bands=list(Band),
            language=self.language,
            document_title=document_title,
            **extra,
        )

    def _pack(self, report: Report, document_title: str, **extra: object) -> str:
        return "".join(self._pack_chunks(report, document_title, **extra))

    def pack_chunks(self) -> Iterator[str]:
        """The whole pack, piece by piece as it is rendered (to write, never held whole)."""
        report = self.report
        return self.sections.read_pack(self._pack_chunks(report, f"{report.title} - {report.period.label}"))

    def pack_html(self) -> str:
        """The whole pack."""
        return "".join(self.pack_chunks())

    def pack_front_html(
        self,
        section_pages: dict[str, tuple[str, ...]],
        section_anchors: dict[str, tuple[tuple[str, ...], ...]],
    ) -> str:
        """The pack with each section replaced by empty pages named as in `section_pages`,
        each holding the ids `section_anchors` gives for it (all pages: none by default)."""
        report = self.report
        title = f"{report.title} - {report.period.label}"
        anchors = {
            slug: section_anchors.get(slug) or ((),) * len(pages) for slug, pages in section_pages.items()
        }
        return self._pack(report, title, section_pages=section_pages, section_anchors=anchors)

    def director_html(self, director: DirectorSection) -> str:
        """One director's pack: the same layout with only their section."""
        report = replace(self.report, directors=(director,))
        html = self._pack(report, f"{report.title} - {report.period.label} - {director.name}")
        self.sections.read_director(director.slug, html)
        return html

    def fragment_html(self, result: IndicatorResult) -> str:
        """One indicator as a self-contained block for pasting into a web page."""
        template = self.environment.get_template("fragment.html")
        return template.render(report=self.report, result=result, language=self.language)

    def fragments_index_name(self) -> str:
        """The preview page's file name in fragments/: `index.html`, unless a code claims it."""
        stems = {result.fragment_stem.lower() for result in self.report.indicators}
        return "_index.html" if "index" in stems else "index.html"

    def fragments_index_chunks(self, fragments: dict[str, str] | None = None) -> Iterator[str]:
        """fragments/index.html, piece by piece: every fragment previewed, with its HTML
        and a copy button (at 1,000 indicators, 19 MB: better not held whole).

        `fragments` are the fragments' HTML by file stem, if already rendered."""
        shown = fragments or {}
        fragments_shown = [
            (result, shown.get(result.fragment_stem) or self.fragment_html(result))
            for result in self.report.indicators
        ]
        template = self.environment.get_template("fragments_index.html")
        return template.generate(report=self.report, fragments=fragments_shown, language=self.language)

    def fragments_index_html(self, fragments: dict[str, str] | None = None) -> str:
        """fragments/index.html as one text."""
        return "".join(self.fragments_index_chunks(fragments))
