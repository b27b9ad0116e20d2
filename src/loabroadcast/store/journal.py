"""The daemon's local as-run journal: append-only, fsync'd, written back to the database
in order, exactly once.

Air never waits on the store. Every as-run fact the player learns (a claim, an item on
air, its progress, how it ended) is first a line in ``LOA_HOME/asrun.journal`` (JSON, one
per line, ``fdatasync``'d), then a :class:`JournalWriter` thread applies the lines to the
database one by one, each in one transaction that also moves this journal's mark in
``journal_marks`` (:meth:`AsRun.apply <loabroadcast.store.airings.AsRun.apply>`): a line is
in the database once, whatever crashes in between. When the database is locked, full or
gone, lines wait (the writer retries, backing off) and the show goes on.

The file's space is allocated ahead (``posix_fallocate``, in :data:`CHUNK` steps, zeros
after the last line), so appending needs no new blocks while the disk fills up; a line
that cannot be stored at all is kept in memory and written back the same way. When every
line is in the database the file is started afresh.

After a restart :meth:`Journal.open` reads the lines since the last fresh start: the
writer applies what the database may not have, and :meth:`Journal.unfinished` tells the
daemon which claims never started (released) and which items were on air when the
previous daemon died (interrupted, ending at their last progress stamp), before anything
airs again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..clock import Clock, SystemClock
from ..errors import LoaError
from ..i18n import N_, said

log = logging.getLogger("loabroadcast.journal")

JOURNAL_NAME = "asrun.journal"
CHUNK = 256 << 10  # bytes allocated ahead
ROTATE_BYTES = 512 << 10  # start afresh past this size, once everything is written back
RETRY_S = (0.2, 0.5, 1.0, 2.0)  # then every 2 s: one failed transaction is cheap

OURS = "ours"
TAKEN = "taken"


@dataclass
class Entry:
    seq: int
    op: str
    data: dict[str, Any]
    durable: bool = True  # False: the disk refused it; it lives in memory only
    verdict: str | None = None  # a claim's answer from the database (OURS or TAKEN)
    applied: threading.Event = field(default_factory=threading.Event)
    queued: float = 0.0  # monotonic instant it was appended (0: read back after a restart)

    def line(self) -> bytes:
        record = {"seq": self.seq, "op": self.op, **self.data}
        return (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")


class Journal:
    """The file, its lines not yet in the database, and what they say about each key."""

    def __init__(self, home: Path, clock: Clock | None = None):
        self.clock = clock or SystemClock()
        self.path = Path(home) / JOURNAL_NAME
        self.id = ""
        self._fd: int | None = None
        self._pos = 0  # where the next line goes
        self._allocated = 0
        self._next = 1
        self._pending: deque[Entry] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self.state: dict[str, dict[str, Any]] = {}  # key -> what the journal says of it
        self._opened = 0.0
        self.last_error: str | None = None

    # -- opening -------------------------------------------------------------------------

    def open(self) -> list[Entry]:
        """Open (or create) the file; return its entries (all pending until the writer
        learns the database's mark)."""
        entries: list[Entry] = []
        self._opened = self.clock.monotonic()
        if self.path.exists():
            header, entries, end = _read(self.path)
            if header is not None:
                self.id = str(header["journal"])
                self._next = int(header.get("base", 0)) + 1
                if entries:
                    self._next = entries[-1].seq + 1
                self._fd = os.open(self.path, os.O_RDWR)
                self._pos = end
                self._allocated = os.fstat(self._fd).st_size
            else:
                log.warning("%s has no header: starting a new journal", self.path)
        if self._fd is None:
            self.id = self.id or uuid.uuid4().hex
            try:
                self._start_file(self._next - 1)
            except OSError as err:  # a full disk: lines live in memory until it frees
                self.last_error = f"as-run journal {self.path}: {err.strerror or err}"
                log.error("%s", self.last_error)
        for entry in entries:
            self._note(entry)
            self._pending.append(entry)
        return entries

    def _start_file(self, base: int) -> None:
        """A fresh file holding only the header, swapped in atomically."""
        tmp = self.path.with_name(f".{self.path.name}.new")
        header = (json.dumps({"journal": self.id, "base": base}) + "\n").encode()
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            _allocate(fd, 0, CHUNK)
            os.pwrite(fd, header, 0)
            os.fsync(fd)
            os.replace(tmp, self.path)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        with contextlib.suppress(OSError):
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        if self._fd is not None:
            os.close(self._fd)
        self._fd = fd
        self._pos = len(header)
        self._allocated = max(os.fstat(fd).st_size, self._pos)

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    # -- appending -----------------------------------------------------------------------

    def append(self, op: str, **data: Any) -> Entry:
        """Add a line: on disk (synced) when the disk allows, in memory anyway."""
        with self._lock:
            entry = Entry(self._next, op, data, queued=self.clock.monotonic())
            self._next += 1
            self._store(entry)
            self._note(entry)
            self._pending.append(entry)
            self._wake.notify_all()
        return entry

    def _store(self, entry: Entry) -> None:
        line = entry.line()
        try:
            if self._fd is None:
                raise OSError("journal closed")
            if self._pos + len(line) > self._allocated:
                _allocate(self._fd, self._allocated, max(CHUNK, len(line)))
                self._allocated = os.fstat(self._fd).st_size
            os.pwrite(self._fd, line, self._pos)
            _datasync(self._fd)
            self._pos += len(line)
        except OSError as err:
            entry.durable = False
            self.last_error = f"as-run journal {self.path}: {err.strerror or err}"
            log.error("%s (kept in memory until the database takes it)", self.last_error)

    def _note(self, entry: Entry) -> None:
        key = entry.data.get("key")
        if not key:
            return
        known = self.state.setdefault(key, {})
        if entry.op in ("claim", "missed"):
            known.update(entry.data, status="claimed" if entry.op == "claim" else "missed")
        elif entry.op == "release":
            self.state.pop(key, None)
        elif entry.op == "update":
            known.update(entry.data.get("values", {}))

    # -- the writer's side ---------------------------------------------------------------

    def next_pending(self, timeout: float) -> Entry | None:
        with self._lock:
            if not self._pending:
                self._wake.wait(timeout)
            return self._pending[0] if self._pending else None

    def done(self, entry: Entry) -> None:
        """``entry`` is in the database: forget it; start afresh when all are in."""
        with self._lock:
            if self._pending and self._pending[0] is entry:
                self._pending.popleft()
            entry.applied.set()
            if not self._pending and self._pos > ROTATE_BYTES:
                try:
                    self._start_file(entry.seq)
                    self.state.clear()
                except OSError as err:
                    log.warning("cannot start a fresh journal: %s", err.strerror or err)

    def skip_applied(self, mark: int) -> None:
        """Entries up to ``mark`` are already in the database (after a restart)."""
        with self._lock:
            while self._pending and self._pending[0].seq <= mark:
                self._pending.popleft().applied.set()

    @property
    def backlog(self) -> int:
        return len(self._pending)

    def last_pending(self) -> Entry | None:
        with self._lock:
            return self._pending[-1] if self._pending else None

    def waiting_s(self) -> float:
        """How long the oldest line not yet in the database has waited (0: none)."""
        with self._lock:
            oldest = self._pending[0] if self._pending else None
        if oldest is None:
            return 0.0
        return self.clock.monotonic() - (oldest.queued or self._opened)

    def unfinished(self) -> tuple[list[str], list[tuple[str, dict]]]:
        """(keys claimed but never on air, (key, last state) of items left on air)."""
        claimed = [k for k, v in self.state.items() if v.get("status") == "claimed"]
        playing = [(k, dict(v)) for k, v in self.state.items() if v.get("status") == "playing"]
        return claimed, playing

    def wait_verdict(self, entry: Entry, timeout: float) -> str | None:
        """A claim's answer from the database, or None when it did not come in time."""
        entry.applied.wait(timeout)
        return entry.verdict


def _datasync(fd: int) -> None:
    getattr(os, "fdatasync", os.fsync)(fd)  # macOS has no fdatasync


def _allocate(fd: int, offset: int, length: int) -> None:
    try:
        os.posix_fallocate(fd, offset, length)
    except AttributeError:  # not on this OS: write zeros instead
        os.pwrite(fd, b"\0" * length, offset)


def _read(path: Path) -> tuple[dict | None, list[Entry], int]:
    """(header, entries, end of the last whole line). A torn last line is ignored."""
    data = path.read_bytes()
    end = data.find(b"\0")
    text = data if end < 0 else data[:end]
    last_newline = text.rfind(b"\n")
    whole = text[: last_newline + 1] if last_newline >= 0 else b""
    lines = whole.decode("utf-8", errors="replace").splitlines()
    if not lines:
        return None, [], 0
    try:
        header = json.loads(lines[0])
    except ValueError:
        return None, [], 0
    if not isinstance(header, dict) or "journal" not in header:
        return None, [], 0
    entries = []
    for line in lines[1:]:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        seq, op = record.pop("seq", None), record.pop("op", None)
        if isinstance(seq, int) and isinstance(op, str):
            entries.append(Entry(seq, op, record))
    return header, entries, len(whole)


class JournalWriter:
    """Applies journal lines to the database in order, on its own thread."""

    def __init__(
        self,
        journal: Journal,
        apply: Callable[[str, Entry], str | None],
        mark: Callable[[str], int],
        on_error: Callable[[str | None], None],
    ):
        self.journal = journal
        self._apply = apply
        self._mark = mark
        self._on_error = on_error
        self._stop = threading.Event()
        self._marked = False
        self.healthy = True
        self._thread = threading.Thread(target=self._run, name="journal-writer", daemon=True)

    def start(self) -> JournalWriter:
        self._thread.start()
        return self

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                if not self._marked:
                    self.journal.skip_applied(self._mark(self.journal.id))
                    self._marked = True
                entry = self.journal.next_pending(0.5)
                if entry is None:
                    continue
                entry.verdict = self._apply(self.journal.id, entry)
                self.journal.done(entry)
            except LoaError as err:
                failures += 1
                self.healthy = False
                self._on_error(said("the as-run log waits for the database: {reason}", reason=err))
                log.warning(
                    N_("as-run write failed (try %(n)d): %(reason)s"),
                    {"n": failures, "reason": err},
                )
                self._stop.wait(RETRY_S[min(failures, len(RETRY_S)) - 1])
                continue
            if failures:
                log.info(N_("as-run writes resumed after failed tries: %(n)d"), {"n": failures})
                failures = 0
                self.healthy = True
                self._on_error(None)

    def flush(self, timeout: float) -> bool:
        """Wait until every line so far is in the database; False on timeout."""
        last = self.journal.last_pending()
        return True if last is None else last.applied.wait(timeout)

    def close(self, timeout: float = 3.0) -> None:
        self.flush(timeout)
        self._stop.set()
        self._thread.join(timeout)
