"""Every HTML output rendered once, to report every template error, not only the first."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from reportgen.compute import DirectorSection
from reportgen.errors import Problem, ProjectError, template_problem
from reportgen.render import Renderer


def _consume(chunks: Iterable[str]) -> None:
    for _chunk in chunks:
        pass


def render_problems(renderer: Renderer) -> list[Problem]:
    """The template errors that rendering the pack, each director's pack, the fragments
    and their index raises, the first at each template line, in that order.

    An error from outside the templates is a bug, and is raised as it is.
    """
    report = renderer.report
    fragments: dict[str, str] = {}

    def pack() -> None:
        _consume(renderer.pack_chunks())

    def director_pack(director: DirectorSection) -> Callable[[], object]:
        return lambda: renderer.director_html(director)

    def director_fragments(director: DirectorSection) -> Callable[[], object]:
        return lambda: fragments.update(renderer.director_fragments(director))

    def index() -> None:
        # With every fragment, or a placeholder where one failed: the index's own errors too.
        _consume(renderer.fragments_index_chunks(lambda stem: fragments.get(stem, "")))

    attempts: list[Callable[[], object]] = [pack]
    attempts += [director_pack(director) for director in report.directors]
    attempts += [director_fragments(director) for director in report.directors]
    attempts.append(index)
    problems: list[Problem] = []
    for attempt in attempts:
        try:
            attempt()
        except Exception as error:  # whatever a template's expression raises
            problem = template_problem(error)
            if problem is None:
                raise
            # Once a line: the same error for each director would differ only in its data.
            if all((problem.file, problem.line) != (p.file, p.line) for p in problems):
                problems.append(problem)
    return problems


def check_rendering(renderer: Renderer) -> None:
    """Raises every template error as one ProjectError, if rendering raises any."""
    if problems := render_problems(renderer):
        raise ProjectError(problems)
