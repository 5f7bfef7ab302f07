"""The Jinja environment: a project's templates/ first, then the built-in ones (`default:`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateNotFound,
)
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

from reportgen.assets import InlineAssets
from reportgen.formatting import breakable_number, format_number, month_header, paragraphs
from reportgen.template_folders import builtin_templates_dir, template_search_path


class _FolderLoader(FileSystemLoader):
    """Jinja's file loader, held to its folders: a name that reaches a file elsewhere
    through a link is not found (template_check reports such links before a build;
    this keeps a link made after the check out as well)."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for folder in map(Path, self.searchpath):
            candidate = folder.joinpath(*pieces)
            if candidate.is_file():  # the one Jinja would read, checked before it is read
                if not candidate.resolve().is_relative_to(folder.resolve()):
                    raise TemplateNotFound(template)
                break
        return super().get_source(environment, template)


def make_environment(project_templates: Path | None, locale: str) -> Environment:
    """An autoescaping, strict, sandboxed environment; `default:NAME` always means the built-in NAME."""
    folders = template_search_path(project_templates)
    builtin: BaseLoader = _FolderLoader(builtin_templates_dir())
    loader = ChoiceLoader(
        [
            _FolderLoader(folders),
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
