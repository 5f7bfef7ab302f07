"""A folder of earlier builds' work (each director's laid-out PDFs, the pack's front,
rendered HTML, the report's fingerprints), keyed by everything that shapes it."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from reportgen import __version__, pdf
from reportgen.errors import ReportgenError, display_path, warn
from reportgen.template_folders import template_search_path

# Bump when what is stored, or how it is laid out, changes meaning.
CACHE_FORMAT = "9"
CACHE_FOLDER = ".reportgen-cache"
# Entries no build has used for this long are deleted (a quarter's pack is rebuilt
# within weeks; older layouts are for inputs that no longer exist).
KEEP_SECONDS = 30 * 24 * 3600


def _assets_digest(project_templates: Path | None) -> str:
    """A hash of every file the templates can load (images, fonts, CSS, the templates).

    The rendered HTML already holds the templates' output and the inlined CSS; this
    covers what WeasyPrint fetches by URL while laying it out.
    """
    digest = hashlib.sha256()
    for folder in template_search_path(project_templates):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            try:
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError as error:  # checked before the build; changed since
                reason = error.strerror or str(error)
                raise ReportgenError(f"{display_path(path)}: cannot be read ({reason})") from None
    return digest.hexdigest()


@functools.cache
def code_digest(package: Path = Path(__file__).parent) -> str:
    """A hash of reportgen's own modules: a changed module (a checkout between releases,
    a patched install) is a changed version, whatever `__version__` says."""
    digest = hashlib.sha256()
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class RenderCache:
    """Renders stored as files named by the hash of their inputs.

    A key covers the director's rendered HTML (data, comments, settings, templates'
    output, CSS), the template folders' files, the PDF variant, and the versions of
    reportgen (and its modules' code) and WeasyPrint, so a stored render can only be
    served for identical input.
    """

    def __init__(self, folder: Path | None, project_templates: Path | None) -> None:
        self.folder = folder  # None: caching off
        self._storing = folder is not None  # off after the folder refused a file
        self._salt = "\0".join(
            [
                CACHE_FORMAT,
                __version__,
                code_digest(),
                version("weasyprint"),
                str(pdf.PDF_VARIANT),  # read now: a variant set after import counts
                _assets_digest(project_templates) if folder is not None else "",
            ]
        )

    def key(self, html: str) -> str:
        return hashlib.sha256(f"{self._salt}\0{html}".encode()).hexdigest()

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.bin"

    def get(self, key: str) -> tuple[dict[str, Any], list[bytes]] | None:
        """The metadata and blobs stored under a key, or None."""
        if self.folder is None:
            return None
        try:
            path = self._path(key)
            data = path.read_bytes()
            with contextlib.suppress(OSError):  # a read-only cache still serves
                os.utime(path)  # in use: kept by prune()
            size = int.from_bytes(data[:8], "big")
            header = json.loads(data[8 : 8 + size])
            if header["key"] != key:
                return None  # a file copied or renamed by hand: not this input's render
            blobs, offset = [], 8 + size
            for length in header["lengths"]:
                blobs.append(data[offset : offset + length])
                offset += length
            if offset != len(data):
                return None  # truncated or padded: not what was written
            if header["digest"] != _digest(header["meta"], blobs):
                return None  # damaged on disk, or edited: served, it would be a wrong page
            return header["meta"], blobs
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, meta: dict[str, Any], blobs: list[bytes]) -> None:
        """Stores blobs and their metadata as one file, replaced atomically, with a
        digest of both that get() checks.

        The cache only saves time: a folder that cannot take the file (read-only, full,
        a file in its place) is reported once and the build goes on without it.
        """
        if self.folder is None or not self._storing:
            return
        entry = {"key": key, "meta": meta, "lengths": [len(b) for b in blobs], "digest": _digest(meta, blobs)}
        header = json.dumps(entry).encode()
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, b"".join([len(header).to_bytes(8, "big"), header, *blobs]))
        except OSError as error:
            self._storing = False
            reason = error.strerror or str(error)
            if self.folder.exists() and not self.folder.is_dir():
                reason = "a file is in the cache folder's place; delete it"
            warn(
                self.folder,
                None,
                f"cannot keep laid-out pages for reuse ({reason}); the pack is complete, but "
                "builds are not quicker until this folder can be written",
            )

    def prune(self) -> None:
        """Deletes entries unused for KEEP_SECONDS, and temporary files left by a crash."""
        if self.folder is None or not self.folder.is_dir():
            return
        now = time.time()
        for path in self.folder.glob("*/*"):
            # A temporary file (".name.xxxx") older than an hour was left by a crash.
            keep = 3600 if path.name.startswith(".") else KEEP_SECONDS
            try:
                if path.stat().st_mtime < now - keep:
                    path.unlink()
            except OSError:
                pass  # another build removed or replaced it: nothing to do


def _digest(meta: dict[str, Any], blobs: list[bytes]) -> str:
    """A hash of an entry's contents, kept in it: what comes back must be what was put."""
    digest = hashlib.sha256(json.dumps(meta, sort_keys=True).encode())
    for blob in blobs:
        digest.update(len(blob).to_bytes(8, "big"))
        digest.update(blob)
    return digest.hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    """Writes beside the target then renames, so a reader never sees half a file."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def clear_cache(out: Path) -> None:
    """Deletes the render cache kept under an output folder."""
    folder = out / CACHE_FOLDER
    try:
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)
        else:
            folder.unlink(missing_ok=True)  # a file or link in the cache's place
    except OSError as error:
        where = display_path(Path(error.filename) if error.filename else folder)
        raise ReportgenError(f"{where}: cannot clear the render cache: {error.strerror or error}") from None
