"""A template's element rule that sets the page counter is warned about: it numbers no page."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.errors import ProblemLog, ReportgenWarning
from reportgen.page_counter_check import element_page_counters
from reportgen.template_check import check_templates

from .conftest import REPO


def test_element_rules_are_found_and_page_rules_are_not() -> None:
    css = (
        '{% include "default:pack.css" %}\n'
        ".director { counter-reset: page 1; }\n"
        "@page { counter-reset: page 5; @bottom-right { content: counter(page) } }\n"
        "@media print {\n"
        "  h2 { counter-increment: chapter page; }\n"
        "}\n"
        ".total { counter-reset: pages; }\n"
    )
    found = list(element_page_counters(css, is_stylesheet=True))
    assert found == [(2, "counter-reset"), (5, "counter-increment")]
    html = "<html>\n<head>\n<style>\n.a { counter-set: page 3 }\n</style></head><p>counter-reset: page</p>"
    assert list(element_page_counters(html, is_stylesheet=False)) == [(4, "counter-set")]


def test_the_built_in_styles_set_no_page_counter() -> None:
    for path in (REPO / "templates").iterdir():
        source = path.read_text(encoding="utf-8")
        assert list(element_page_counters(source, path.suffix == ".css")) == [], path.name


def test_a_project_stylesheet_that_restarts_page_on_a_section_is_warned_about(tmp_path: Path) -> None:
    """Found by a template campaign: `.director { counter-reset: page 1 }` was silent, its
    footers ran on through the pack, and a pack laid out whole showed 1 for every section
    in the contents."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "pack.css").write_text(
        '{% include "default:pack.css" %}\n.director { counter-reset: page 1; }\n', encoding="utf-8"
    )
    log = ProblemLog()
    with pytest.warns(ReportgenWarning, match=r"pack\.css:2: warning: counter-reset: page on an element"):
        check_templates(templates, log)
    assert not log.problems
