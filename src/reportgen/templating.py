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
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.runtime import Context
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


# What a template may make with one operator, as Jinja's sandbox bounds range(): far
# beyond any pack's need (`"-" * 80` draws a rule), far below what stalls a build. A
# `"x" * 10**8` in a template left WeasyPrint laying out one word for minutes, and
# `10 ** (10 ** 10)` computes a number of ten billion digits (Jinja reads `10 ** 10 ** 10`
# as `(10 ** 10) ** 10`, a small one).
MAX_REPEATED = 1_000_000  # characters of a text, or items of a list, made by `*`
MAX_EXPONENT = 10_000  # of a whole number raised by `**`
SEQUENCES = (str, list, tuple)


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, which also refuses `*` and `**` results too big to be meant."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: object, right: object) -> object:
        if operator == "*":
            sequence, times = (left, right) if isinstance(left, SEQUENCES) else (right, left)
            if isinstance(sequence, SEQUENCES) and isinstance(times, int):
                size = len(sequence) * times
                if size > MAX_REPEATED:
                    raise SecurityError(
                        f"repeating a text or list {times:,} times makes {size:,} characters or "
                        f"items; a template may make at most {MAX_REPEATED:,} this way"
                    )
        elif operator == "**" and isinstance(left, int) and isinstance(right, int):
            huge = abs(left) > 1 and right > MAX_EXPONENT  # 0, 1 and -1 stay small
            if huge:
                raise SecurityError(f"a power of {right:,} is too big to compute; at most {MAX_EXPONENT:,}")
        return super().call_binop(context, operator, left, right)


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
    environment = _Sandbox(
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
