"""Writes a pack all or nothing: into a staging folder, swapped in only when complete."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, cast

from reportgen.errors import ReportgenError, display_path
from reportgen.stops import stops_held
from reportgen.swap import lock_folder, remove, swap_in, tidy_up


class _WordedFile:
    """A file whose write() words the file system's errors (a full disk) as the pack not
    written, while errors in making what is written (a template's) pass unworded."""

    def __init__(self, file: BinaryIO, fail: Callable[[OSError], Exception]) -> None:
        self._file = file
        self._fail = fail

    def write(self, data: bytes) -> int:
        # pikepdf writes the pack in ~130,000 pieces: a plain try costs nothing, a
        # context manager per piece cost 0.45 s at 1,000 indicators (measured).
        try:
            return self._file.write(data)
        except OSError as error:
            raise self._fail(error) from None

    def flush(self) -> None:
        try:
            self._file.flush()
        except OSError as error:
            raise self._fail(error) from None

    def __getattr__(self, name: str) -> Any:  # seek, tell: as the file's
        return getattr(self._file, name)


class PackWriter:
    """Collects a pack's files in a staging folder beside the target, then swaps it in.

    A build that fails leaves the previous pack byte for byte as it was; a build that
    was killed part way leaves hidden `.<period>.*.new|.old` folders, which the next
    build into the same folder tidies away (restoring the previous pack if need be).
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.staging: Path | None = None
        self._lock: contextlib.ExitStack | None = None

    def _fail(self, doing: str, error: OSError) -> ReportgenError:
        where = display_path(Path(error.filename)) if error.filename else display_path(self.target)
        return ReportgenError(f"{where}: cannot {doing}: {error.strerror or error}")

    def __enter__(self) -> PackWriter:
        try:
            with stops_held():  # the staging folder made and known as one step
                self._make_staging()
        except BaseException:
            # A stop can still land as the held signals are let through, after the
            # folder is made: __exit__ will not run, so it is removed here.
            if self.staging is not None:
                remove(self.staging)
            self._release()
            raise
        return self

    def _make_staging(self) -> None:
        parent = self.target.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self._lock = contextlib.ExitStack()
            # One build at a time per output folder, so that tidying up is safe.
            self._lock.enter_context(lock_folder(parent))
            tidy_up(self.target)
            self.staging = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.", suffix=".new", dir=parent))
            # mkdtemp makes a private folder; the pack should have the user's usual permissions.
            umask = os.umask(0)
            os.umask(umask)
            self.staging.chmod(0o777 & ~umask)
        except OSError as error:
            raise self._fail("create the output folder", error) from None

    def _inside(self, relative: str) -> Path:
        """Where a file of the pack is; refuses any name that would leave the pack."""
        assert self.staging is not None
        path = (self.staging / relative).resolve()
        if not path.is_relative_to(self.staging.resolve()) or path == self.staging.resolve():
            raise ReportgenError(f"refusing to write outside the output folder: {relative}")
        return path

    def path(self, relative: str) -> Path:
        """Where a file of the pack goes, its folder made; refuses any name that would
        leave the pack."""
        path = self._inside(relative)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise self._fail("write the pack", error) from None
        return path

    def write_bytes(self, relative: str, data: bytes) -> None:
        """Writes one file of the pack."""
        self.write_chunks(relative, (data,))

    def write_text(self, relative: str, text: str) -> None:
        self.write_bytes(relative, text.encode("utf-8"))

    def read_text(self, relative: str) -> str:
        """A text file of the pack, as written so far in this build (the fragments'
        index shows the fragments written before it, rather than holding them all)."""
        try:
            # Bytes decoded, not read as text: that would turn a "\r\n" into "\n".
            return self._inside(relative).read_bytes().decode("utf-8")
        except OSError as error:
            raise self._fail("read back the pack", error) from None

    def write_text_chunks(self, relative: str, chunks: Iterable[str]) -> None:
        """Writes a text as it is made, piece by piece, never holding all of it."""
        self.write_chunks(relative, (chunk.encode("utf-8") for chunk in chunks))

    def write_chunks(self, relative: str, chunks: Iterable[bytes]) -> None:
        """Writes one file of the pack, piece by piece."""

        def write(stream: BinaryIO) -> None:
            for chunk in chunks:  # an error in making a chunk is not the writer's to word
                stream.write(chunk)

        self.write_with(relative, write)

    def write_with(self, relative: str, write: Callable[[BinaryIO], None]) -> None:
        """Writes one file of the pack with write(stream), synced to disk before the
        pack is swapped in.

        Written in place: the staging folder is private until the swap, and removed
        whole if the build fails, so a half-written file is never seen."""
        path = self.path(relative)
        with self._writing():
            stream = path.open("wb")
        try:
            write(cast(BinaryIO, _WordedFile(stream, lambda error: self._fail("write the pack", error))))
            with self._writing():
                stream.flush()
                os.fsync(stream.fileno())
                stream.close()
        finally:
            with contextlib.suppress(OSError):  # already failing: that error is the one to tell
                stream.close()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Words an OSError of the file system as the pack not written, and where."""
        try:
            yield
        except OSError as error:
            raise self._fail("write the pack", error) from None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        assert self.staging is not None
        try:
            if kind is not None:
                with stops_held():
                    remove(self.staging)
                return
            # The swap, and the removal of the previous pack, are never cut in two.
            with stops_held(late_if_done=True):
                self._swap_in(self.staging)
        finally:
            self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _swap_in(self, staging: Path) -> None:
        try:
            swap_in(staging, self.target)
        except OSError as error:
            remove(staging)
            raise self._fail("replace the previous pack", error) from None
