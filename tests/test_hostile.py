"""Hostile text stays text: no markup, no fetches, no attachments, no hidden characters.

One project carries the payloads in every field a user writes; it is built once and
every output is inspected. A local TCP server stands for the network: it must see
no connection at all.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
import shutil
import socketserver
import subprocess
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest

from reportgen.errors import ReportgenWarning
from reportgen.main import build

TESTS = Path(__file__).resolve().parent
GOOD = TESTS / "projects" / "good" / "minimal"
LONG_TOKEN = "W" * 20_000
HIDDEN = "\u202e\u2066\x07\x1b"
# Elements that would load something, run something or restyle the page.
ACTIVE_TAGS = {"script", "img", "link", "iframe", "object", "embed", "base", "image", "video", "audio"}


class Listener:
    """A TCP server on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.connections: list[str] = []
        listener = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                listener.connections.append(self.request.recv(200).decode("latin-1"))

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.server.shutdown()
    server.server.server_close()


def payload(url: str) -> str:
    """Markup that would fetch from `url`, read a local file or run script, were it markup."""
    return (
        f'<img src="{url}/img"> <link rel="stylesheet" href="{url}/link"> '
        f"<style>@import url({url}/import);</style> <script>alert(1)</script> "
        f'<iframe src="{url}/frame"></iframe> <object data="{url}/object"></object> '
        f'<svg><image href="{url}/svg"/></svg> <a rel="attachment" href="file:///etc/passwd">x</a> '
        "file:///etc/passwd"
    )


def quoted(text: str) -> str:
    return json.dumps(text)  # a YAML double-quoted scalar accepts JSON's escapes


def hostile_project(root: Path, url: str) -> Path:
    project = root / "hostile"
    shutil.copytree(GOOD, project)
    bad = payload(url)
    report = project / "config" / "report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8")
        .replace("title: Test Pack", f"title: {quoted('Pack ' + bad)}")
        .replace("organisation: Test Council", f"organisation: {quoted(bad + HIDDEN)}")
        .replace("directors: [Ann Director, Bob Director]", ""),
        encoding="utf-8",
    )
    indicators = project / "config" / "indicators.yaml"
    indicators.write_text(
        indicators.read_text(encoding="utf-8")
        .replace("title: Children seen on time", f"title: {quoted('=HYPERLINK(1) ' + HIDDEN + bad)}")
        .replace("owner: Owen Owner", f"owner: {quoted('@SUM(1) ' + bad)}")
        .replace("director: Ann Director", f"director: {quoted('-Ann ' + bad)}")
        .replace("unit: Percentage", f"unit: {quoted(bad)}")
        .replace("plans: [CBP]", f"plans: [{quoted(bad)}]"),
        encoding="utf-8",
    )
    rows = [
        ["code", "period_end", "author", "subject", "text"],
        ["B1", "2012-06-30", "Author " + bad, "Subject " + bad, f"Start {HIDDEN}{bad}\n\nEnd"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (project / "data" / "comments.csv").write_text(buffer.getvalue(), encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def hostile_pack(tmp_path_factory: pytest.TempPathFactory, listener: Listener) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    return build(hostile_project(root, listener.url), out=root / "out").output_dir


class TagCollector(HTMLParser):
    """The start tags, style and script code, and visible text of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.code: list[str] = []  # inside <style> and <script>
        self.text: list[str] = []
        self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_code = tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._in_code = False

    def handle_data(self, data: str) -> None:
        (self.code if self._in_code else self.text).append(data)


def html_files(pack: Path) -> list[Path]:
    return sorted(pack.rglob("*.html"))


def test_no_connection_was_made(hostile_pack: Path, listener: Listener) -> None:
    assert listener.connections == []


def test_html_holds_the_payload_only_as_text(hostile_pack: Path, listener: Listener) -> None:
    files = html_files(hostile_pack)
    assert len(files) >= 6  # pack, 2 directors, 3 fragments
    for path in files:
        page = TagCollector()
        page.feed(path.read_text(encoding="utf-8"))
        for tag, attrs in page.tags:
            assert tag not in ACTIVE_TAGS or not any(
                listener.url in (value or "") or "passwd" in (value or "") for value in attrs.values()
            ), (path.name, tag, attrs)
            assert attrs.get("rel") != "attachment", path.name
        # The templates' own styles and scripts (a preview page may have one) carry no payload.
        for code in page.code:
            assert "@import" not in code and listener.url not in code and "alert(1)" not in code, path.name
        if path.name != "A2.html":  # the one indicator that carries no payload
            # The payload is there, as the words a reader sees.
            assert "<script>alert(1)</script>" in "".join(page.text), path.name


def test_comment_paragraphs_are_escaped_then_split(hostile_pack: Path) -> None:
    page = (hostile_pack / "report.html").read_text(encoding="utf-8")
    assert "<p>Start &lt;img src=" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<p>End</p>" in page


def test_hidden_characters_are_gone_everywhere(hostile_pack: Path) -> None:
    others = [hostile_pack / "report.json", hostile_pack / "missing-comments.csv"]
    for path in [*html_files(hostile_pack), *others]:
        text = path.read_text(encoding="utf-8")
        assert not set(HIDDEN) & set(text), path.name
    report = json.loads((hostile_pack / "report.json").read_text(encoding="utf-8"))
    comment = report["directors"][1]["indicators"][0]["comments"][0]["text"]
    assert comment.startswith("Start <img src=") and comment.endswith("\n\nEnd")


def pdf_files(pack: Path) -> list[Path]:
    return sorted(pack.rglob("*.pdf"))


def assert_no_attachments(path: Path) -> None:
    """No embedded file in the document's name tree, no file-attachment annotation."""
    reader = pypdf.PdfReader(path)
    names = reader.trailer["/Root"].get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object(), path.name
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            assert annotation.get_object().get("/Subtype") != "/FileAttachment", path.name


def test_pdfs_have_no_attachments_and_show_the_payload_as_text(hostile_pack: Path) -> None:
    for path in pdf_files(hostile_pack):
        assert_no_attachments(path)
    text = "".join(pypdf.PdfReader(hostile_pack / "report.pdf").pages[i].extract_text() for i in range(2, 4))
    assert "<script>alert(1)</script>" in text


def words_with_boxes(pdf: Path) -> tuple[float, list[tuple[float, float, str]]]:
    """The page width and each word's left and right edge, as poppler lays out the text."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', xhtml)[1])  # type: ignore[index]
    found = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', xhtml)
    words = [(float(left), float(right), html.unescape(word)) for left, right, word in found]
    return width, words


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_a_20000_character_token_wraps_inside_the_page(tmp_path: Path) -> None:
    # WeasyPrint lays out one long token in time that grows with its square: this is
    # the slowest test here, so it has a project of its own with one director.
    project = tmp_path / "long"
    shutil.copytree(GOOD, project)
    indicators = project / "config" / "indicators.yaml"
    for settings in (indicators, project / "config" / "report.yaml"):
        text = settings.read_text(encoding="utf-8").replace("Ann Director", "Bob Director")
        settings.write_text(text, encoding="utf-8")
    (project / "data" / "comments.csv").write_text(
        f'code,period_end,author,subject,text\nB1,2012-06-30,A,S,"Start\n\n{LONG_TOKEN}\n\nEnd"\n',
        encoding="utf-8",
    )
    pack = build(project, out=tmp_path / "out").output_dir
    assert f"<p>{LONG_TOKEN}</p>" in (pack / "report.html").read_text(encoding="utf-8")
    for pdf in (pack / "report.pdf", pack / "directors" / "bob-director.pdf"):
        width, words = words_with_boxes(pdf)
        pieces = [(left, right, word) for left, right, word in words if set(word) == {"W"}]
        assert len(pieces) > 20, "the token should wrap over many lines"
        assert sum(len(word) for _, _, word in pieces) == len(LONG_TOKEN), "no part of it is lost"
        assert all(left >= 0 and right <= width for left, right, _ in pieces), "it runs off the page"


def test_chase_list_neutralises_formulas(hostile_pack: Path) -> None:
    raw = (hostile_pack / "missing-comments.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    (row,) = rows
    assert row["title"].startswith("'=HYPERLINK")
    assert row["owner"].startswith("'@SUM")
    assert row["director"].startswith("'-Ann")
    assert row["band"] == "red_diamond"


LOGO_PNG = bytes.fromhex(  # a 1x1 PNG
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5dd8f8a0000000049454e44ae426082"
)


def test_a_project_template_cannot_fetch_outside_its_folder(tmp_path: Path, listener: Listener) -> None:
    """An override may use its own assets and data: URIs, and nothing else (a relative
    URL written as such must name a template's file, so one outside is built here)."""
    project = tmp_path / "override"
    shutil.copytree(GOOD, project)
    templates = project / "templates"
    templates.mkdir()
    (templates / "logo.png").write_bytes(LOGO_PNG)
    url = listener.url
    (templates / "cover.html").write_text(
        f"""{{% extends "default:cover.html" %}}
<img src="file:///etc/passwd"> <img src="{url}/override-img"> <img src="{{{{ '../config/report.yaml' }}}}">
<link rel="stylesheet" href="{url}/override-css"> <style>@import url("{url}/override-import");</style>
<link rel="attachment" href="file:///etc/passwd"> <a rel="attachment" href="../data/values.csv">v</a>
<div style="background: url({url}/override-background)">b</div>
""",
        encoding="utf-8",
    )
    # The cover itself is replaced by a page that also uses a permitted asset.
    (templates / "cover.html").write_text(
        (templates / "cover.html").read_text(encoding="utf-8").replace(
            '{% extends "default:cover.html" %}',
            '<section class="cover"><h1>{{ report.title }}</h1><img src="logo.png" alt="logo">'
            '<img alt="dot" src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ'
            'AAAADUlEQVR42mP4z8DwHwAFAAH/q842iQAAAABJRU5ErkJggg=="></section>',
        ),
        encoding="utf-8",
    )
    with pytest.warns(ReportgenWarning) as warned:
        pack = build(project, out=tmp_path / "out").output_dir
    assert listener.connections == []
    # Each network URL written in the template is named, at its line, as never fetched,
    # and the file: URL an image loads as never read.
    said = sorted(str(warning.message) for warning in warned)
    fetched = [message for message in said if "is never fetched" in message]
    read = [message for message in said if "'file:///etc/passwd' is never read" in message]
    assert len(fetched) == 4 and len(read) == 1 and len(said) == 5, said
    assert [message.split(": warning:")[0].rsplit(":", 1)[1] for message in fetched] == ["2", "3", "3", "5"]
    assert read[0].split(": warning:")[0].endswith("cover.html:2")
    for pdf in pdf_files(pack):
        assert_no_attachments(pdf)
        reader = pypdf.PdfReader(pdf)
        cover_images = reader.pages[0].images
        assert len(cover_images) == 2, "the project's own logo and the data: URI, nothing more"
        assert "root:" not in "".join(page.extract_text() for page in reader.pages)


def test_fetcher_serves_only_template_assets_and_data_uris(tmp_path: Path, listener: Listener) -> None:
    from reportgen.fetcher import asset_fetcher

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "logo.png").write_bytes(LOGO_PNG)
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    (templates / "link.png").symlink_to(secret)
    fetcher = asset_fetcher([templates])

    assert fetcher.fetch((templates / "logo.png").as_uri()).read() == LOGO_PNG
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    refused = [
        secret.as_uri(),
        (templates / "link.png").as_uri(),  # a link inside that points outside
        (templates / ".." / "secret.txt").as_uri(),
        f"file://{tmp_path}/templates/../secret.txt",
        f"file://otherhost{templates / 'logo.png'}",
        "file:///etc/passwd",
        f"{listener.url}/direct",
        f"https://127.0.0.1:{listener.url.rsplit(':', 1)[1]}/direct",
        "ftp://127.0.0.1/x",
    ]
    for url in refused:
        with pytest.raises(ValueError, match="does not fetch"):
            fetcher.fetch(url)
    assert listener.connections == []


def test_attachments_a_template_asks_for_are_never_embedded(tmp_path: Path) -> None:
    """Even of the templates' own files, which the fetcher would otherwise serve."""
    project = tmp_path / "attach"
    shutil.copytree(GOOD, project)
    (project / "templates").mkdir()
    (project / "templates" / "notes.txt").write_text("internal notes", encoding="utf-8")
    (project / "templates" / "cover.html").write_text(
        '<section class="cover"><h1>{{ report.title }}</h1>'
        '<link rel="attachment" href="notes.txt"><a rel="attachment" href="notes.txt">notes</a></section>',
        encoding="utf-8",
    )
    pack = build(project, out=tmp_path / "out").output_dir
    for pdf in pdf_files(pack):
        assert_no_attachments(pdf)


def test_a_project_template_cannot_reach_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Templates are sandboxed: the classic escape through a global's __globals__ fails
    as a template error, and runs nothing."""
    from reportgen import cli as cli_module

    marker = tmp_path / "ran"
    project = tmp_path / "project"
    shutil.copytree(GOOD, project)
    (project / "templates").mkdir()
    escape = f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}"
    cover = '{% extends "default:cover.html" %}\n{% block cover_note %}' + escape + "{% endblock %}\n"
    (project / "templates" / "cover.html").write_text(cover, encoding="utf-8")
    monkeypatch.chdir(project)
    for command in ("validate", "build"):
        monkeypatch.setattr("sys.argv", ["reportgen", command])
        with pytest.raises(SystemExit) as exited:
            cli_module.main()
        assert exited.value.code == 1
        err = capsys.readouterr().err
        assert "templates/cover.html:2: template error: SecurityError:" in err, err
    assert not marker.exists()
    assert not (project / "output" / "2012-13-Q1").exists()


def test_a_template_s_own_images_travel_inside_every_html_output(tmp_path: Path) -> None:
    """A project's templates may use an image from its templates/, in their CSS, in an
    `<img src>` or in a linked stylesheet: written in as a data: URI, it shows in
    report.html and in a pasted fragment too, not only in the PDF."""
    project = tmp_path / "project"
    shutil.copytree(GOOD, project)
    templates = project / "templates"
    (templates / "styles").mkdir(parents=True)
    (templates / "logo.png").write_bytes(LOGO_PNG)
    (templates / "pack.css").write_text(
        "{% include 'default:pack.css' %}\n.cover { background: url('logo.png') no-repeat; }\n",
        encoding="utf-8",
    )
    (templates / "fragment.css").write_text(
        '{% include "default:fragment.css" %}\n.reportgen-fragment { background: url( "logo.png" ); }\n',
        encoding="utf-8",
    )
    (templates / "styles" / "extra.css").write_text(".x { background: url(../logo.png); }", encoding="utf-8")
    (templates / "cover.html").write_text(
        '{% extends "default:cover.html" %}{% block cover_note %}<img src="logo.png" alt="Council logo">'
        "<link rel=stylesheet href='styles/extra.css'>{% endblock %}",
        encoding="utf-8",
    )
    pack = build(project, out=tmp_path / "out").output_dir
    data = base64.b64encode(LOGO_PNG).decode()
    extra_css = base64.b64encode(f".x {{ background: url(data:image/png;base64,{data}); }}".encode()).decode()
    for page in ("report.html", "directors/ann-director.html", "fragments/A1.html"):
        text = (pack / page).read_text(encoding="utf-8")
        assert f"data:image/png;base64,{data}" in text and "logo.png" not in text, page
    for page in ("report.html", "directors/ann-director.html"):
        text = (pack / page).read_text(encoding="utf-8")
        assert f'<img src="data:image/png;base64,{data}" alt="Council logo">' in text, page
        assert f"href='data:text/css;base64,{extra_css}'" in text, page
    # The PDF shows the CSS background and the <img>.
    assert len(pypdf.PdfReader(pack / "report.pdf").pages[0].images) == 2


def test_a_template_name_never_reaches_a_file_outside_the_folders(tmp_path: Path) -> None:
    """A link put in templates/ after the check (which refuses it) still loads nothing."""
    from jinja2 import TemplateNotFound

    from reportgen.templating import make_environment

    secret = tmp_path / "secret.txt"
    secret.write_text("not for the pack", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.html").write_text("not for the pack either", encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "notes").symlink_to(secret)
    (templates / "shared").symlink_to(tmp_path / "outside")
    (templates / "own.html").write_text("kept", encoding="utf-8")
    environment = make_environment(templates, "en_GB")
    for name in ("notes", "shared/x.html", "default:../../secret.txt"):
        with pytest.raises(TemplateNotFound):
            environment.get_template(name)
    assert environment.get_template("own.html").render() == "kept"


def test_a_template_makes_ordinary_products_and_powers_but_not_huge_ones(tmp_path: Path) -> None:
    """`*` and `**` as a pack uses them; a result too big to be meant is refused at once."""
    from decimal import Decimal

    from jinja2.exceptions import SecurityError

    from reportgen.templating import MAX_REPEATED, make_environment

    environment = make_environment(None, "en_GB")

    def render(source: str, **values: object) -> str:
        return environment.from_string(source).render(**values)

    assert render('{{ "-" * 3 }}{{ 3 * 4 }} {{ 2 ** 10 }} {{ 1.5 ** 2 }}') == "---12 1024 2.25"
    assert render("{{ value * 100 }}", value=Decimal("0.25")) == "25.00"
    assert render("{{ ([0] * 3)|length }} {{ (3 * 'ab')|length }}") == "3 6"
    assert len(render(f'{{{{ "x" * {MAX_REPEATED} }}}}')) == MAX_REPEATED
    for too_big in (f'"x" * {MAX_REPEATED + 1}', f"{MAX_REPEATED} * [1, 2]", "10 ** (10 ** 10)"):
        with pytest.raises(SecurityError):
            render(f"{{{{ {too_big} }}}}")
