"""The Jinja environment: a project's templates/ first, then the built-in ones (`default:`)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
)
from jinja2.sandbox import SandboxedEnvironment

from reportgen.assets import InlineAssets
from reportgen.formatting import breakable_number, format_number, month_header, paragraphs
from reportgen.template_folders import builtin_templates_dir, template_search_path


def make_environment(project_templates: Path | None, locale: str) -> Environment:
    """An autoescaping, strict, sandboxed environment; `default:NAME` always means the built-in NAME."""
    folders = template_search_path(project_templates)
    builtin: BaseLoader = FileSystemLoader(builtin_templates_dir())
    loader = ChoiceLoader(
        [
            FileSystemLoader(folders),
            PrefixLoader({"default": builtin}, delimiter=":"),
        ]
    )
    # Sandboxed: a project's template is data from a folder, and must not reach Python's
    # internals (`cycler.__init__.__globals__.os` runs commands in a plain environment).
    environment = SandboxedEnvironment(
        loader=loader,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=[InlineAssets],
    )
    # What InlineAssets reads a template's own images, fonts and stylesheets from.
    environment.extend(asset_folders=folders)
    environment.filters["number"] = partial(format_number, locale=locale)
    environment.filters["breakable_number"] = partial(breakable_number, locale=locale)
    environment.filters["month"] = month_header
    environment.filters["paragraphs"] = paragraphs
    return environment
