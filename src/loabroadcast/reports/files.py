"""Writing a report's file as a careful Unix tool does, and the CSV format.

:func:`write_new` writes the whole file beside its target (a temporary name in the same
folder), then moves it into place with ``os.replace``: a reader never sees half a file,
and a failure leaves nothing behind. It refuses to replace an existing file unless told
to (``--force``), and refuses anything that is not a regular file (a folder, a device, a
pipe) even then. Without ``--force`` the move is a hard link, which fails if the name
was taken meanwhile; file systems without hard links (a FAT USB stick) fall back to a
check before ``os.replace``.

CSV: the headers follow the interface language (Vietnamese by default), because a CSV is
opened by an officer in a spreadsheet; programs read ``--format json``, whose keys are
English. The CSV is UTF-8 with a byte order mark, so that Excel shows the diacritics, and
numbers are written plainly (``12.5``); a spreadsheet made for people is ``--format xlsx``.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import stat
import uuid
from collections.abc import Sequence
from pathlib import Path

from ..errors import LoaError
from ..i18n import N_


class OutputError(LoaError):
    """The output file cannot be written."""


def write_new(path: Path | str, data: bytes, force: bool = False) -> Path:
    """Write ``data`` to ``path`` whole (temp file + ``os.replace``); see the module doc."""
    target = Path(path)
    try:
        info = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as err:
        raise OutputError(
            N_("cannot write {path}: {reason}"), path=str(target), reason=_why(err)
        ) from None
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(N_("{path} is not a regular file"), path=str(target))
        if not force:
            raise OutputError(N_("{path} exists: add --force to replace it"), path=str(target))
    folder = target.parent
    temp = folder / f".{target.name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        _move(temp, target, force)
    except OSError as err:
        raise OutputError(
            N_("cannot write {path}: {reason}"), path=str(target), reason=_why(err)
        ) from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
    return target


def _move(temp: Path, target: Path, force: bool) -> None:
    if force:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)  # fails if the name was taken meanwhile
    except FileExistsError:
        raise OutputError(
            N_("{path} exists: add --force to replace it"), path=str(target)
        ) from None
    except OSError:  # no hard links here (FAT, some network shares)
        if target.exists():
            raise OutputError(
                N_("{path} exists: add --force to replace it"), path=str(target)
            ) from None
        os.replace(temp, target)


def _why(err: OSError) -> str:
    return err.strerror or type(err).__name__


def check_target(path: Path | str, force: bool = False) -> None:
    """Refuse at once what :func:`write_new` would refuse at the end (before slow work)."""
    target = Path(path)
    if target.is_dir():
        raise OutputError(N_("{path} is not a regular file"), path=str(target))
    if target.exists() or target.is_symlink():
        if not target.is_file():
            raise OutputError(N_("{path} is not a regular file"), path=str(target))
        if not force:
            raise OutputError(N_("{path} exists: add --force to replace it"), path=str(target))
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(N_("cannot write {path}: no folder {folder}"), path=str(target),
                          folder=str(folder))  # fmt: skip
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(
            N_("cannot write {path}: {reason}"), path=str(target), reason=os.strerror(errno.EACCES)
        )


def csv_bytes(headers: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    """A CSV file: UTF-8 with a byte order mark, CRLF line ends (RFC 4180)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def suffix_format(path: str | None, allowed: Sequence[str]) -> str | None:
    """The format a file name asks for (``bao-cao.pdf`` → ``pdf``), when it is allowed."""
    if not path:
        return None
    ext = Path(path).suffix.lower().lstrip(".")
    return ext if ext in allowed else None


__all__ = ["OutputError", "check_target", "csv_bytes", "suffix_format", "write_new"]
