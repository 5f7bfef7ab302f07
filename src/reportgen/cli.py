"""The `reportgen` command: a thin layer over reportgen.main."""

from __future__ import annotations

from pathlib import Path

import click

from reportgen import __version__

PROJECT = click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The report project folder (config/, data/, templates/).",
)
PERIOD = click.option(
    "--period",
    metavar="YYYY-YY-QN",
    help="The quarter to report, e.g. 2012-13-Q1 (default: period in config/report.yaml).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def cli() -> None:
    """Build a quarterly performance pack (PDF, HTML, JSON) from YAML and CSV."""


@cli.command()
@PROJECT
@PERIOD
def validate(project: Path, period: str | None) -> None:
    """Check a project and report every problem, writing nothing."""
    from reportgen import main

    report = main.validate(project, period)
    click.echo(
        f"{project}: OK, {len(report.indicators)} indicators, "
        f"{len(report.directors)} directors, {report.period.label}"
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
    project: Path, period: str | None, out: Path | None, no_cache: bool, clear_cache: bool
) -> None:
    """Build the pack: PDFs, HTML, fragments, report.json and the chase list.

    Directors whose pages did not change since the last build into the same OUT are
    reused from OUT/.reportgen-cache/, so a re-build after a late comment is quick.
    """
    from reportgen import main
    from reportgen.progress import ProgressBar

    if clear_cache:
        main.clear_cache(project, out)
    with ProgressBar() as progress:
        result = main.build(project, period, out, progress=progress, use_cache=not no_cache)
    click.echo(f"Wrote {len(result.files)} files to {result.output_dir}")


def main() -> None:
    cli()
