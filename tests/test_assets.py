"""A template's own files written into it as data: URIs: which URLs count, and how they are found."""

from __future__ import annotations

import base64
from pathlib import Path

from reportgen.assets import inline_assets, template_file
from reportgen.template_urls import network_references, outside_file_references, references
from reportgen.templating import make_environment


def _urls(source: str) -> list[str]:
    return [reference.url for reference in references(source)]


def test_only_urls_a_page_loads_count_not_comments_scripts_or_named_links() -> None:
    source = (
        '{# <img src="a.png"> #}<!-- <img src="b.png"> -->\n'
        '<style>/* url(c.png) */ @import "h.css"; p { background: url(f.png) }\n'
        '</style><script>var src = "d.png"</script><img src="e.png"> <img src={{ x }}.png>\n'
        '<link rel="alternate" href="report.pdf"><link rel="stylesheet" href="s.css">\n'
        '<link rel=icon href=i.png>'
        '<img src="https://example.org/n.png"> <img src="data:image/png;base64,AA=="> <a href="g.png">g</a>'
    )
    assert _urls(source) == ["h.css", "f.png", "e.png", "s.css", "i.png"]


def test_a_url_is_read_as_a_browser_reads_it(tmp_path: Path) -> None:
    (tmp_path / "my logo.png").write_bytes(b"png")
    (tmp_path / "a&b.png").write_bytes(b"png")
    assert template_file("my%20logo.png", [tmp_path]) == tmp_path / "my logo.png"
    assert template_file("a&amp;b.png?v=2#top", [tmp_path]) == tmp_path / "a&b.png"
    assert template_file("x" * 300 + ".png", [tmp_path]) is None  # a name too long: no such file
    assert template_file("../outside.png", [tmp_path / "sub"]) is None


def test_data_uris_are_quoted_where_the_url_was_not_and_keep_a_fragment(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_bytes(b"<svg/>")
    data = base64.b64encode(b"<svg/>").decode()
    assert inline_assets("<img src=logo.svg>", [tmp_path]) == f'<img src="data:image/svg+xml;base64,{data}">'
    svg = f"data:image/svg+xml;base64,{data}"
    assert inline_assets("<img src='logo.svg#up'>", [tmp_path]) == f"<img src='{svg}#up'>"


def test_a_stylesheet_that_links_itself_is_written_in_once(tmp_path: Path) -> None:
    (tmp_path / "a.css").write_text('@import url("a.css"); p { color: red }')
    written = inline_assets('<link rel="stylesheet" href="a.css">', [tmp_path])
    css = base64.b64decode(written.split("base64,")[1].split('"')[0]).decode()
    assert css == '@import url("a.css"); p { color: red }'


def test_an_included_stylesheet_s_urls_are_its_own_folder_s_first(tmp_path: Path) -> None:
    (tmp_path / "css" / "img").mkdir(parents=True)
    (tmp_path / "css" / "img" / "bg.png").write_bytes(b"png")
    (tmp_path / "css" / "extra.css").write_text("p { background: url(img/bg.png) }")
    (tmp_path / "page.html").write_text('<style>{% include "css/extra.css" %}</style>')
    page = make_environment(tmp_path, "en_GB").get_template("page.html").render()
    png = base64.b64encode(b"png").decode()
    assert page == f"<style>p {{ background: url(data:image/png;base64,{png}) }}</style>"


def test_every_srcset_candidate_and_preloaded_link_counts() -> None:
    source = (
        '<img src=a.png srcset="b.png 2x, c.png, d.png 640w,e.png">'
        "<picture><source srcset='f.png'></picture><img srcset=g.png>"
        '<link rel=preload as=image href=h.png><link rel="modulepreload" href="m.js">'
        '<img srcset="data:image/png;base64,AA== 1x, https://example.org/n.png 3x, i.png 2x">'
    )
    assert _urls(source) == ["a.png", "b.png", "c.png", "d.png", "e.png", "f.png", "g.png", "h.png", "i.png"]


def test_srcset_candidates_are_written_in_with_their_descriptors(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"1x")
    (tmp_path / "logo@2x.png").write_bytes(b"2x")
    one, two = (f"data:image/png;base64,{base64.b64encode(data).decode()}" for data in (b"1x", b"2x"))
    written = inline_assets('<img src="logo.png" srcset="logo.png 1x, logo@2x.png 2x" alt="">', [tmp_path])
    assert written == f'<img src="{one}" srcset="{one} 1x, {two} 2x" alt="">'
    assert inline_assets("<img srcset=logo@2x.png>", [tmp_path]) == f'<img srcset="{two}">'


def test_urls_no_pdf_will_load_are_told_apart_from_template_files() -> None:
    source = """<img src="/images/logo.png"> <img src='FILE:///etc/passwd'> <img src="//cdn.example/a.png">
<img src="logo.png"> <a href="/not-loaded.pdf">a link</a>
<style>@import '/site.css'; body { background: url(https://example.org/b.png) }</style>"""
    outside = [reference.url for reference in outside_file_references(source)]
    network = [reference.url for reference in network_references(source)]
    assert outside == ["/images/logo.png", "FILE:///etc/passwd", "/site.css"]
    assert network == ["//cdn.example/a.png", "https://example.org/b.png"]
