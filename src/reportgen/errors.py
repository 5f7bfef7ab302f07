"""Problems found in a project, and the one exception type the CLI turns into messages."""

from __future__ import annotations

import os
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import click

from reportgen.template_folders import builtin_templates_dir


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


# Values from input files are shown cut to this many characters: enough to find the cell.
SHOWN_CHARACTERS = 40


def quoted(value: str, limit: int = SHOWN_CHARACTERS) -> str:
    """A value from an input file as a message shows it: `'2042SC'`, cut to `limit` characters.

    Quoted as repr quotes it, so that a line break, a control or an invisible character
    inside the value is written as an escape (`'20\\n42SC'`): the message stays on one
    line and shows what is really in the cell.
    """
    return repr(value if len(value) <= limit else value[: limit - 3] + "...")


def escaped(value: str) -> str:
    """A value shown without quotes, with what repr escapes (and backslashes) escaped."""
    return "".join(ch if ch.isprintable() and ch != "\\" else repr(ch)[1:-1] for ch in value)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as `file:line` where a line applies."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


TEMPLATE_SUFFIXES = (".html", ".css", ".htm", ".j2", ".jinja", ".txt", ".xml", ".svg")


def template_problem(error: BaseException) -> Problem | None:
    """An error raised while a template renders, as a problem at the template's line.

    Jinja puts a template's own file and line into the traceback of an error raised
    while it renders (an undefined variable in a project's override, say), so the user
    is pointed at their template rather than at reportgen. None: not from a template.
    """
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(TEMPLATE_SUFFIXES)]
    if not frames:
        return None
    # The innermost line of a project's own template, if one is on the way: an error
    # inside a built-in template (a macro called with a missing argument) is the call's.
    builtin = builtin_templates_dir().resolve()
    own = [f for f in frames if not Path(f.filename).resolve().is_relative_to(builtin)]
    frame = (own or frames)[-1]
    return Problem(display_path(Path(frame.filename)), frame.lineno, f"template error: {_one_line(error)}")


def _one_line(error: BaseException) -> str:
    """`Kind: message`, the message on one line and cut to 500 characters."""
    return f"{type(error).__name__}: {' '.join(str(error).split())[:500]}"


def describe_failure(error: BaseException) -> str:
    """One line for an unexpected exception: where in a template it arose, if it did."""
    problem = template_problem(error)
    return str(problem) if problem is not None else f"reportgen: internal error: {_one_line(error)}"


class ReportgenWarning(UserWarning):
    """Something in a project that does not stop the pack, but that its team should fix;
    its text is `file: warning: message`."""


def warn(file: Path | str, line: int | None, message: str) -> None:
    """Warns about the project as `file:line: warning: message` (`file: ...` with no line)."""
    name = display_path(file) if isinstance(file, Path) else file
    warnings.warn(ReportgenWarning(str(Problem(name, line, f"warning: {message}"))), stacklevel=3)


class ReportgenError(click.ClickException):
    """Base of every error reportgen reports; click prints it and exits 1."""

    exit_code = 1

    def show(self, file: object = None) -> None:
        click.echo(self.format_message(), err=True)


class ProjectError(ReportgenError):
    """A project with one or more problems; lists them all, one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


# A file exported wrongly can have a problem on each of a million rows; after this many
# a file's further problems are counted, not listed.
MAX_PROBLEMS_PER_FILE = 200


@dataclass
class ProblemLog:
    """Collects problems across a whole load, so that one run reports all of them."""

    problems: list[Problem] = field(default_factory=list)
    per_file: dict[str, int] = field(default_factory=dict)
    _listed: set[Problem] = field(default_factory=set, init=False, repr=False)

    def add(self, file: Path | str, line: int | None, message: str) -> None:
        name = display_path(file) if isinstance(file, Path) else file
        problem = Problem(name, line, message)
        if problem in self._listed:
            return  # one problem met twice (a value merged into two entries with `<<: *a`)
        self.per_file[name] = self.per_file.get(name, 0) + 1
        if self.per_file[name] <= MAX_PROBLEMS_PER_FILE:  # past it only counted, not kept
            self.problems.append(problem)
            self._listed.add(problem)

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        # Files in the order they were read, each file's problems in line order.
        order = {name: index for index, name in enumerate(self.per_file)}
        problems = sorted(self.problems, key=lambda p: (order[p.file], p.line or 0))
        for name, count in self.per_file.items():
            if count > MAX_PROBLEMS_PER_FILE:
                more = count - MAX_PROBLEMS_PER_FILE
                index = max(i for i, p in enumerate(problems) if p.file == name)
                problems.insert(index + 1, Problem(name, None, f"... and {more} more problems in this file"))
        raise ProjectError(problems)
