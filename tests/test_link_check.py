"""Links in the pack that lead nowhere are warned about, on stderr, and the pack is still made."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import cli
from reportgen.link_check import LinkTargets

GOOD = Path(__file__).resolve().parent / "projects" / "good" / "minimal"
BUILTIN = Path(__file__).resolve().parents[1] / "templates"


def test_ids_and_links_are_read_wherever_the_chunks_cut_them() -> None:
    text = (
        "<h1 id=\"top\">T</h1><a href='#top'>up</a> <a href=#gone>x</a> <p name=\"n\" class=x>"
        '<a href="#n">n</a> <a href="https://example.org/#top">out</a> <a href="#a&amp;b">&amp;</a>'
    )
    for size in (1, 2, 5, 11, len(text)):
        links = LinkTargets()
        assert "".join(links.read(text[i : i + size] for i in range(0, len(text), size))) == text
        assert links.targets == {"top", "n"}, size
        assert list(links.links) == ["top", "gone", "n", "a&b"], size
        assert links.dead() == ["gone", "a&b"], size


def test_an_unquoted_value_runs_to_a_space_or_the_tag_s_end() -> None:
    """As an HTML parser reads it: `=` inside is kept (it was cut there)."""
    links = LinkTargets()
    "".join(links.read(['<p id=total=1>x</p><a href=#total=1>t</a> <a href=#x"y>q</a>']))
    assert links.targets == {"total=1"}
    assert list(links.links) == ["total=1", 'x"y']


def test_text_outside_tags_is_never_read_as_a_link_or_an_id() -> None:
    """An officer's comment saying `href=#appendix` is escaped text, not markup; a quoted
    value may hold `>`, and a tag that never closes is not read."""
    text = (
        "<p class=c>read href=#appendix and id=total, or see &lt;a href=#b&gt;</p>"
        '<a title="a > b" href="#kept">k</a> <h2 id=kept>K</h2> <a href="#open'
    )
    links = LinkTargets()
    "".join(links.read([text]))
    assert links.targets == {"kept"}
    assert list(links.links) == ["kept"]


@pytest.fixture
def project_without_section_ids(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(GOOD, project)
    (project / "templates").mkdir()
    section = (BUILTIN / "section.html").read_text(encoding="utf-8")
    section_id = ' id="director-{{ director.slug }}"'
    assert section_id in section
    (project / "templates" / "section.html").write_text(section.replace(section_id, ""))
    return project


def test_a_section_without_its_id_is_warned_about_and_the_pack_still_made(
    project_without_section_ids: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project_without_section_ids)
    wanted = (
        "templates/section.html: warning: no element has id 'director-ann-director', which the "
        "contents link to for Ann Director: their page number is left blank"
    )
    for command in ("validate", "build"):
        result = CliRunner().invoke(cli, [command])
        assert result.exit_code == 0, result.output
        assert wanted in result.stderr
        assert "'director-bob-director'" in result.stderr
    assert (project_without_section_ids / "output" / "2012-13-Q1" / "report.pdf").is_file()


def test_a_pack_whose_links_all_lead_somewhere_gives_no_warning(tmp_path: Path) -> None:
    for command in (["validate"], ["build", "--out", str(tmp_path)]):
        result = CliRunner().invoke(cli, [*command, "--project", str(GOOD)])
        assert result.exit_code == 0, result.output
        assert result.stderr == "", command


def test_the_front_carries_every_id_its_html_links_to_however_quoted() -> None:
    """The pack's front puts on its slot pages the ids it links to, read as the link check
    reads them (not only `href="#..."`)."""
    from reportgen.front_job import _linked_anchors
    from reportgen.layout_jobs import SectionLayout

    layout = SectionLayout(("", ""), frozenset(), (("director-ann", "a1"), ("b2", "c3")))
    html = "<a href='#a1'>A1</a> <a href=#b2>B2</a> <a href=\"#director-ann\">Ann</a>"
    assert _linked_anchors(html, {"ann": layout}) == {"ann": (("a1",), ("b2",))}
