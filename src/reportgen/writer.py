"""Writes a pack all or nothing: into a staging folder, swapped in only when complete."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from reportgen.errors import ReportgenError


class PackWriter:
    """Collects a pack's files in a staging folder beside the target, then swaps it in.

    A build that fails leaves the previous pack byte for byte as it was.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.staging: Path | None = None

    def __enter__(self) -> PackWriter:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(
            tempfile.mkdtemp(prefix=f".{self.target.name}.", suffix=".new", dir=self.target.parent)
        )
        # mkdtemp makes a private folder; the pack should have the user's usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        self.staging.chmod(0o777 & ~umask)
        return self

    def path(self, relative: str) -> Path:
        """Where a file of the pack goes; refuses any name that would leave the pack."""
        assert self.staging is not None
        path = (self.staging / relative).resolve()
        if not path.is_relative_to(self.staging.resolve()):
            raise ReportgenError(f"refusing to write outside the output folder: {relative}")
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write_bytes(self, relative: str, data: bytes) -> None:
        self.path(relative).write_bytes(data)

    def write_text(self, relative: str, text: str) -> None:
        self.write_bytes(relative, text.encode("utf-8"))

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        assert self.staging is not None
        if kind is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            return
        self._swap_in(self.staging)

    def _swap_in(self, staging: Path) -> None:
        old = None
        if self.target.exists():
            old = Path(
                tempfile.mkdtemp(prefix=f".{self.target.name}.", suffix=".old", dir=self.target.parent)
            )
            os.replace(self.target, old / "pack")
        try:
            os.replace(staging, self.target)
        except OSError:
            if old is not None:
                os.replace(old / "pack", self.target)
            raise
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
