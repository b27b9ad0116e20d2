"""Atomic file writes: a temp file beside the target, fsync, ``os.replace``, fsync the folder.

A crash, a power cut or a full disk leaves either the old file or the new one, never a
partial file. Standard library only.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path


def _temp_name(dst: Path) -> Path:
    return dst.parent / f".{dst.name}.{uuid.uuid4().hex[:12]}.tmp"


def fsync_file(path: Path) -> None:
    """Flush a closed file's data to disk."""
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(dst: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``dst``; on success fsync it and move it onto ``dst``.

    On any exception (including ``OSError`` such as ENOSPC) the temporary file is removed
    and ``dst`` is left as it was.
    """
    dst = Path(dst)
    tmp = _temp_name(dst)
    try:
        yield tmp
        fsync_file(tmp)
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(dst.parent)


def atomic_write_bytes(dst: Path | str, data: bytes) -> None:
    """Write ``data`` to ``dst`` atomically (temp file, fsync, ``os.replace``)."""
    with atomic_path(dst) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_text(dst: Path | str, text: str) -> None:
    """Write UTF-8 ``text`` to ``dst`` atomically."""
    atomic_write_bytes(dst, text.encode("utf-8"))
