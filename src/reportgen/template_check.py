"""Checks a project's own templates before a build, so their mistakes read like any other."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, TemplateSyntaxError

from reportgen.assets import missing_assets
from reportgen.errors import TEMPLATE_SUFFIXES, ProblemLog, quoted, warn
from reportgen.inputfile import UTF8_ADVICE, InputFileError, not_utf8, read_input
from reportgen.page_counter_check import element_page_counters
from reportgen.template_folders import template_search_path
from reportgen.template_urls import network_references, outside_file_references

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


def _unreadable(path: Path) -> str | None:
    """Why a file (an image, a font) cannot be opened, or None if it can."""
    try:
        path.open("rb").close()
    except OSError as error:
        return error.strerror or type(error).__name__
    return None


def check_templates(folder: Path, log: ProblemLog) -> None:
    """Logs every template under `folder` that cannot be read or parsed, at its line.

    A file that links outside the folder is refused too: rendering reads nothing but
    the project's own templates and the built-in ones. So is a relative URL written in a
    template (an image, a font, a stylesheet) that names no file there: the pack would
    be made without it.
    """
    if folder.exists() and not folder.is_dir():
        log.add(folder, None, "is a file; a project's own templates go in a folder of that name")
        return
    if not folder.is_dir():
        return  # none: the built-in templates alone
    # The same syntax as the real environment; parsing needs no loader.
    parser = Environment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    inside = folder.resolve()
    folders = template_search_path(folder)
    for path in sorted(folder.rglob("*")):
        # Any entry, a folder or a file of any name: Jinja loads `sub/x.html` through a
        # linked folder, and `{% include "notes" %}` through a link without a suffix.
        if not path.resolve().is_relative_to(inside):
            log.add(path, None, "links outside the templates folder; copy the file in instead")
            continue
        if path.suffix.lower() not in TEMPLATE_SUFFIXES:
            if path.is_file() and (reason := _unreadable(path)):
                log.add(path, None, f"cannot be read ({reason}); rendering may load any file here")
            continue
        try:
            raw = read_input(path, MAX_TEMPLATE_BYTES)
        except InputFileError as error:
            log.add(path, None, error.message)
            continue
        try:
            source = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            log.add(path, *not_utf8(raw, error, UTF8_ADVICE))
            continue
        try:
            parser.parse(source, name=path.name, filename=str(path))
        except TemplateSyntaxError as error:
            log.add(path, error.lineno, f"template error: {error.message}")
            continue
        base = path.parent.resolve() if path.suffix.lower() == ".css" else None
        for line, message in missing_assets(source, folders, base):
            log.add(path, line, message)
        for reference in network_references(source):
            message = (
                f"{quoted(reference.url.strip())} is never fetched (rendering reads nothing from "
                "the network): the PDFs are made without it; put the file in templates/ and name it there"
            )
            warn(path, reference.line_in(source), message)
        for line, name in element_page_counters(source, path.suffix.lower() == ".css"):
            message = (
                f"{name}: page on an element numbers no page (WeasyPrint counts pages only in "
                "@page rules): the footers number the pack straight through, and a contents that "
                "reads target-counter(..., page) may show this counter's value instead"
            )
            warn(path, line, message)
        for reference in outside_file_references(source):
            message = (
                f"{quoted(reference.url.strip())} is never read (rendering reads only the template "
                "folders' files): the PDFs are made without it; put the file in templates/ and name it "
                "relative to the template"
            )
            warn(path, reference.line_in(source), message)
