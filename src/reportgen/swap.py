"""File-system primitives for the pack writer: atomic swap-in, folder locks, removal, tidy-up."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from reportgen.errors import warn

AT_FDCWD = -100
RENAME_EXCHANGE = 2


def exchange(first: Path, second: Path) -> bool:
    """Swaps two paths in one atomic step (Linux renameat2); False where not supported.

    With it, a build killed at any instant leaves either the old pack or the new one
    in place, never neither.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # no libc, or a libc older than glibc 2.28
        return False
    result = renameat2(
        AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # this file system cannot
        return False
    raise OSError(code, os.strerror(code), str(second))


@contextlib.contextmanager
def lock_folder(folder: Path) -> Iterator[None]:
    """Holds an exclusive lock on a folder (POSIX flock) for the duration; a no-op elsewhere."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def remove(path: Path) -> bool:
    """Removes a file, link or folder tree if it is there; never raises. Whether it is
    gone (a read-only folder in it, for a user other than root, stays)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()
    return not os.path.lexists(path)


def _remove_or_warn(path: Path, what: str) -> None:
    """Removes a folder the build has no more use for, or says that it is left (else
    one would pile up, unseen, at every build)."""
    if not remove(path):
        warn(path, None, f"cannot delete {what}, left in this hidden folder: delete it by hand")


def _fsync(path: Path) -> None:
    # Folders cannot be opened for syncing everywhere (Windows); a sync is only a bonus.
    with contextlib.suppress(OSError):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def swap_in(staging: Path, target: Path) -> None:
    """Puts a folder, synced to disk, in place of the target (if any), atomically where
    the system allows; the staging folder is left holding the previous target, if any."""
    for folder, _, _ in os.walk(staging):
        _fsync(Path(folder))
    if not os.path.lexists(target):
        os.replace(staging, target)
    elif exchange(staging, target):
        _remove_or_warn(staging, "the previous pack")  # the staging folder now holds it
    else:
        _swap_by_renames(staging, target)
    _fsync(target.parent)


def _swap_by_renames(staging: Path, target: Path) -> None:
    # Two renames: the previous pack is parked in an `.old` folder until the new one
    # is in place, and put back if that fails.
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    os.replace(target, old / "pack")
    try:
        os.replace(staging, target)
    except OSError:
        os.replace(old / "pack", target)
        raise
    finally:
        _remove_or_warn(old, "the previous pack")


def tidy_up(target: Path) -> None:
    """Undoes what an earlier, killed build into `target` left behind: its hidden
    `.<name>.*.new|.old` folders (restoring the previous target if need be)."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[A-Za-z0-9_]{{8}}\.(new|old)")
    for leftover in [p for p in target.parent.iterdir() if pattern.fullmatch(p.name)]:
        saved = leftover / "pack"
        if leftover.suffix == ".old" and saved.exists() and not os.path.lexists(target):
            os.replace(saved, target)  # killed between the two renames of a swap
        _remove_or_warn(leftover, "what an earlier build left")
