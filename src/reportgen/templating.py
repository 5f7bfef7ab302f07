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

from reportgen.formatting import format_number, month_header, paragraphs


def builtin_templates_dir() -> Path:
    """The templates shipped with reportgen.

    An installed wheel carries them inside the package; a source checkout (an
    editable install, or the tests run from the repository) reads the repository's
    top-level templates/, which is what the wheel is built from.
    """
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def template_search_path(project_templates: Path | None) -> list[Path]:
    """Folders searched for a template name, the project's own first."""
    builtin = builtin_templates_dir().resolve()
    folders = [builtin]
    # The default project's templates/ is the built-in folder itself: search it once.
    if (
        project_templates is not None
        and project_templates.is_dir()
        and project_templates.resolve() != builtin
    ):
        folders.insert(0, project_templates.resolve())
    return folders


def make_environment(project_templates: Path | None, locale: str) -> Environment:
    """An autoescaping, strict environment; `default:NAME` always means the built-in NAME."""
    folders = template_search_path(project_templates)
    builtin: BaseLoader = FileSystemLoader(builtin_templates_dir())
    loader = ChoiceLoader(
        [
            FileSystemLoader(folders),
            PrefixLoader({"default": builtin}, delimiter=":"),
        ]
    )
    environment = Environment(
        loader=loader,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["number"] = partial(format_number, locale=locale)
    environment.filters["month"] = month_header
    environment.filters["paragraphs"] = paragraphs
    return environment
