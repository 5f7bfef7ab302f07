"""Build progress for people: a bar on a terminal, nothing when output is piped or logged."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

import click


class ProgressBar:
    """A `pipeline.Progress` callback drawing click's progress bar on stderr, if a TTY.

    The bar appears on the first report (so loading errors print cleanly) and
    shows the step just finished.
    """

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar: Any = None
        self._done = 0

    def __call__(self, done: int, total: int, step: str) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            self._bar = click.progressbar(
                length=total,
                label="Laying out pages",
                file=self.stream,
                show_pos=True,
                width=30,
                item_show_func=lambda finished: f"done: {finished}" if finished else None,
            )
            self._bar.__enter__()
        self._bar.update(done - self._done, current_item=step)
        self._done = done

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.__exit__(kind, error, trace)
