"""Is a daemon running for this station folder, and what does it say: without the database.

Two files in LOA_HOME, both readable while the disk is full or the database is gone:

- ``daemon.lock``: the daemon holds an exclusive ``flock`` on it for as long as its process
  lives (the kernel drops it the instant the process dies, even after ``kill -9``).
  :func:`probe` asks for the lock without waiting: when it gets it, no daemon runs.
- ``daemon.status``: a fixed-size file (:data:`STATUS_SIZE` bytes) allocated once when the
  daemon starts and then only overwritten in place, so writing it needs no new disk blocks:
  the daemon can still say what is on air and what went wrong when the disk is full.

Standard library only; ``fcntl`` is imported where it is used (POSIX only).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import LoaError
from .i18n import N_

LOCK_NAME = "daemon.lock"
STATUS_NAME = "daemon.status"
STATUS_SIZE = 8192
ACQUIRE_TRIES = 20  # a status probe holds the lock for microseconds: retry briefly


@dataclass(frozen=True)
class LockState:
    """What :func:`probe` found: ``held`` by a live daemon, and the pid it wrote."""

    held: bool
    pid: int | None


class InstanceLock:
    """An exclusive lock file in LOA_HOME: one daemon per station folder."""

    def __init__(self, home: Path):
        self.path = Path(home) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> InstanceLock:
        import fcntl

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:  # a read-only or foreign station folder: one line
            raise LoaError(
                N_("cannot open the daemon's lock file {file}: {reason}"),
                file=str(self.path),
                reason=err.strerror or str(err),
            ) from None
        for attempt in range(ACQUIRE_TRIES):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if attempt == ACQUIRE_TRIES - 1:
                    os.close(fd)
                    owner = _read_owner(self.path) or "another process"
                    raise LoaError(
                        N_("a daemon is already running for this station ({owner})"), owner=owner
                    ) from None
                time.sleep(0.05)  # a `loa status` probing: it lets go at once
        with contextlib.suppress(OSError):  # the pid is a courtesy; the lock is what counts
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _read_owner(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def probe(home: Path) -> LockState:
    """Whether a daemon holds this folder's lock now (never waits, never creates the file).
    Where ``flock`` does not exist (Windows) nobody is seen: the heartbeat decides."""
    try:
        import fcntl
    except ImportError:
        return LockState(False, None)

    path = Path(home) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return LockState(False, None)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _read_owner(path)
            pid = owner.removeprefix("pid ").strip()
            return LockState(True, int(pid) if pid.isdigit() else None)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return LockState(False, None)
    finally:
        os.close(fd)


class StatusFile:
    """The daemon's fixed-size status file, overwritten in place (JSON padded with spaces)."""

    def __init__(self, home: Path):
        self.path = Path(home) / STATUS_NAME
        self._fd: int | None = None

    def open(self) -> StatusFile:
        """Allocate the file's blocks now, while there is room: later writes need none."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if os.fstat(fd).st_size != STATUS_SIZE:
                os.ftruncate(fd, STATUS_SIZE)
            with contextlib.suppress(AttributeError, OSError):  # not every file system
                os.posix_fallocate(fd, 0, STATUS_SIZE)
            os.pwrite(fd, b" " * STATUS_SIZE, 0)  # real blocks, not a sparse hole
            os.fsync(fd)
        except OSError:
            os.close(fd)
            raise
        self._fd = fd
        return self

    def write(self, data: dict[str, Any]) -> bool:
        """Overwrite the status; False when it could not be written (too big, I/O error)."""
        if self._fd is None:
            return False
        blob = json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
        if len(blob) >= STATUS_SIZE:
            blob = json.dumps(_trimmed(data), ensure_ascii=False, default=str).encode("utf-8")
            if len(blob) >= STATUS_SIZE:
                return False
        try:
            os.pwrite(self._fd, blob + b" " * (STATUS_SIZE - 1 - len(blob)) + b"\n", 0)
        except OSError:
            return False
        return True

    def close(self, final: dict[str, Any] | None = None) -> None:
        if self._fd is not None:
            if final is not None:
                self.write(final)
            os.close(self._fd)
            self._fd = None


def _trimmed(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for key in ("now_playing", "last_error"):
        value = out.get(key)
        if isinstance(value, dict):
            out[key] = {k: (str(v)[:300] if isinstance(v, str) else v) for k, v in value.items()}
    return out


def read_status(home: Path) -> dict[str, Any] | None:
    """The daemon's last status (None when missing or unreadable)."""
    path = Path(home) / STATUS_NAME
    for _ in range(3):  # a read racing the in-place write may see a torn page: read again
        try:
            text = path.read_bytes().decode("utf-8", errors="replace").strip()
        except OSError:
            return None
        if not text:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            time.sleep(0.01)
            continue
        return data if isinstance(data, dict) else None
    return None
