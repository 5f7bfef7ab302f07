"""Renders the report model to HTML text: the pack, a director's pack, an indicator fragment."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from reportgen.compute import DirectorSection, IndicatorResult, Report
from reportgen.html_memo import HtmlMemo
from reportgen.job_order import fingerprints
from reportgen.link_check import LinkTargets
from reportgen.rag import Band
from reportgen.section_markup import SectionDigests
from reportgen.templating import make_environment


def html_language(locale: str) -> str:
    """A BCP 47 language tag for a babel locale: `en_GB` → `en-GB`."""
    return locale.replace("_", "-")


class Renderer:
    """Holds one Jinja environment for a build and renders each kind of page with it."""

    def __init__(self, report: Report, project_templates: Path | None, memo: HtmlMemo | None = None) -> None:
        self.report = report
        self.project_templates = project_templates
        self.memo = memo  # directors' HTML kept from the last build, if any
        self.environment = make_environment(project_templates, report.locale)
        self.language = html_language(report.locale)
        # Each section as the pack renders it, and as each director's pack does.
        self.sections = SectionDigests()
        self.links = LinkTargets()  # the pack's ids and internal links

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
        chunks = self._pack_chunks(report, f"{report.title} - {report.period.label}")
        return self.links.read(self.sections.read_pack(chunks))

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

    @cached_property
    def fingerprints(self) -> dict[str, str]:
        """A digest of each director's part of the report model, by slug: all that their
        own pack and their fragments are rendered from, besides the templates."""
        return fingerprints(self.report)

    def director_html(self, director: DirectorSection) -> str:
        """One director's pack: the same layout with only their section."""
        report = replace(self.report, directors=(director,))

        def render() -> str:
            return self._pack(report, f"{report.title} - {report.period.label} - {director.name}")

        memo = self.memo
        html = render() if memo is None else memo.director_page(self.fingerprints[director.slug], render)
        self.sections.read_director(director.slug, html)
        return html

    def _fragment(self, director: DirectorSection, result: IndicatorResult) -> str:
        # Like the director's own pack, a fragment sees the report narrowed to its director.
        report = replace(self.report, directors=(director,))
        template = self.environment.get_template("fragment.html")
        return template.render(report=report, result=result, language=self.language)

    def director_fragments(self, director: DirectorSection) -> dict[str, str]:
        """Each of a director's indicators as a self-contained block for pasting into a
        web page, by file stem."""
        results = {result.fragment_stem: result for result in director.indicators}

        def render(stem: str) -> str:
            return self._fragment(director, results[stem])

        if self.memo is None:
            return {stem: render(stem) for stem in results}
        return self.memo.fragments(self.fingerprints[director.slug], list(results), render)

    def fragments(self) -> dict[str, str]:
        """Every indicator's fragment by file stem, in the pack's order."""
        directors = self.report.directors
        return {stem: html for d in directors for stem, html in self.director_fragments(d).items()}

    def fragment_html(self, result: IndicatorResult) -> str:
        """One indicator's fragment (the indicator is one of the report's)."""
        director = next(d for d in self.report.directors if result.code in {i.code for i in d.indicators})
        return self._fragment(director, result)

    def fragments_index_name(self) -> str:
        """The preview page's file name in fragments/: `index.html`, unless a code claims it."""
        stems = {result.fragment_stem.lower() for result in self.report.indicators}
        return "_index.html" if "index" in stems else "index.html"

    def fragments_index_chunks(self, fragment: Callable[[str], str] | None = None) -> Iterator[str]:
        """fragments/index.html, piece by piece: every fragment previewed, with its HTML
        and a copy button (at 1,000 indicators, 19 MB: better not held whole).

        `fragment(stem)` gives a fragment's HTML if already rendered (the build reads
        back the file it wrote): each is taken only as its preview is reached."""
        shown = fragment if fragment is not None else self.fragments().__getitem__
        fragments_shown = ((result, shown(result.fragment_stem)) for result in self.report.indicators)
        template = self.environment.get_template("fragments_index.html")
        return template.generate(report=self.report, fragments=fragments_shown, language=self.language)

    def fragments_index_html(self, fragment: Callable[[str], str] | None = None) -> str:
        """fragments/index.html as one text."""
        return "".join(self.fragments_index_chunks(fragment))
