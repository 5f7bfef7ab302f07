"""Reads an input file's bytes, turning every way it can fail into one plain message."""

from __future__ import annotations

import errno
import stat
from pathlib import Path

UTF8_ADVICE = "save the file with UTF-8 encoding"


class InputFileError(Exception):
    """An input file that cannot be read at all: missing, a folder, unreadable, too big."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def read_input(path: Path, max_bytes: int) -> bytes:
    """The whole file, or InputFileError saying why not.

    The size limit is checked while reading, not only from the file's stated size, so
    that a file that grows (or a device posing as a file) cannot make us read forever.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputFileError("file not found") from None
    except OSError as error:
        raise InputFileError(f"cannot read: {error.strerror or error}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputFileError("is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        # A FIFO or device would block or never end.
        raise InputFileError("is not a regular file")
    if info.st_size > max_bytes:
        raise InputFileError(f"file is larger than {_megabytes(max_bytes)}")
    try:
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except PermissionError:
        raise InputFileError("permission denied: cannot read the file") from None
    except OSError as error:
        if error.errno == errno.EISDIR:
            raise InputFileError("is a folder, not a file") from None
        raise InputFileError(f"cannot read: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise InputFileError(f"file is larger than {_megabytes(max_bytes)}")
    return data


def not_utf8(raw: bytes, error: UnicodeDecodeError, advice: str) -> tuple[int, str]:
    """The line of a file's first byte that is not UTF-8, and a message naming it."""
    return raw[: error.start].count(b"\n") + 1, f"not UTF-8 (byte 0x{raw[error.start]:02x}); {advice}"
