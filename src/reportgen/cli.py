"""The `reportgen` command: a thin layer over reportgen.main."""

from __future__ import annotations

import os
import signal
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from reportgen import __version__
from reportgen.period import Period


class PeriodType(click.ParamType[Period]):
    """A `YYYY-YY-QN` period on the command line; a malformed one is a usage error (exit 2)."""

    name = "YYYY-YY-QN"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> Period:
        if isinstance(value, Period):
            return value
        try:
            return Period.parse(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


PROJECT = click.option(
    "--project",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The report project folder (config/, data/, templates/).",
)
PERIOD = click.option(
    "--period",
    type=PeriodType(),
    help="The quarter to report, e.g. 2012-13-Q1 (default: period in config/report.yaml).",
)


@contextmanager
def warnings_on_stderr() -> Iterator[None]:
    """Prints each warning reportgen gives about the project, as `file: warning: ...`."""
    from reportgen.errors import ReportgenWarning

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ReportgenWarning)
            yield
    finally:
        # Shown once recording has ended: showwarning() inside it would record the
        # warning again, onto the list being read, for ever.
        for warning in caught:
            if issubclass(warning.category, ReportgenWarning):
                click.echo(str(warning.message), err=True)
            else:  # someone else's: shown as it would have been
                warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def cli() -> None:
    """Build a quarterly performance pack (PDF, HTML, JSON) from YAML and CSV."""


@cli.command()
@PROJECT
@PERIOD
def validate(project: Path, period: Period | None) -> None:
    """Check a project and report every problem, writing nothing."""
    from reportgen import main

    with warnings_on_stderr():
        report = main.validate(project, period)
    click.echo(
        f"{project}: OK, {_count(len(report.indicators), 'indicator')}, "
        f"{_count(len(report.directors), 'director')}, {report.period.label}"
    )


@cli.command()
@PROJECT
@PERIOD
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: PROJECT/output); the pack goes to OUT/<period>/.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Lay out every page afresh, neither reading nor writing OUT/.reportgen-cache/.",
)
@click.option(
    "--clear-cache",
    is_flag=True,
    help="Delete OUT/.reportgen-cache/ (the stored page layouts) before building.",
)
def build(
    project: Path, period: Period | None, out: Path | None, no_cache: bool, clear_cache: bool
) -> None:
    """Build the pack: PDFs, HTML, fragments, report.json and the chase list.

    Directors whose pages did not change since the last build into the same OUT are
    reused from OUT/.reportgen-cache/, so a re-build after a late comment is quick.
    """
    from reportgen.layout_jobs import EARLY_WORKERS, start_workers
    from reportgen.workers import RenderPool

    with RenderPool() as pool:
        # Before the rest of reportgen is imported: the workers carry none of it, and
        # import WeasyPrint while this process imports it and loads the project.
        start_workers(pool, EARLY_WORKERS)
        from reportgen import main
        from reportgen.progress import ProgressBar

        if clear_cache:
            main.clear_cache(project, out)
        with warnings_on_stderr(), ProgressBar() as progress:
            result = main.build(project, period, out, progress=progress, use_cache=not no_cache, pool=pool)
    click.echo(f"Wrote {len(result.files)} files to {result.output_dir}")


STOPPED = 128 + signal.SIGTERM  # the exit status of a build stopped by SIGTERM
_stop_requested = False


def _stop(_signal_number: int, _frame: object) -> None:
    global _stop_requested
    _stop_requested = True
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second kill ends it outright
    raise SystemExit(STOPPED)


def main() -> None:
    """The console entry point: expected problems are ReportgenErrors that click reports;
    anything else is a bug, still shown as one line rather than a traceback."""
    # A build stopped by `kill` (a scheduler, a CI timeout) unwinds as Ctrl-C does: its
    # staging folder removed, its workers ended, the previous pack left as it was.
    signal.signal(signal.SIGTERM, _stop)
    # Not in the render pool's forked workers: theirs is the default (pool.stop ends them).
    os.register_at_fork(after_in_child=lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL))
    try:
        cli()
    except Exception as error:  # the last resort, deliberately broad
        if _stop_requested:  # the stop, raised inside an import, came back as its error
            sys.exit(STOPPED)
        from reportgen.errors import describe_failure

        click.echo(describe_failure(error), err=True)
        sys.exit(1)
