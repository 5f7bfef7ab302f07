"""The build's progress bar: drawn on a terminal, silent otherwise."""

from __future__ import annotations

import io

from reportgen.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_with_the_steps() -> None:
    stream = Terminal()
    with ProgressBar(stream) as progress:
        progress(1, 3, "Ann Lee")
        progress(3, 3, "whole pack")
    shown = stream.getvalue()
    assert "Ann Lee" in shown and "whole pack" in shown and "3/3" in shown


def test_a_pipe_or_log_file_gets_nothing() -> None:
    stream = io.StringIO()
    with ProgressBar(stream) as progress:
        progress(1, 3, "Ann Lee")
        progress(3, 3, "whole pack")
    assert stream.getvalue() == ""
