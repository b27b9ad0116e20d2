"""Audio sinks: where a programme goes (sound card, folder of files, nowhere).

Every sink implements :class:`Sink`: ``open_stream(rate)`` hands out an
:class:`~loabroadcast.playback.stream.AirStream` (one per programme, opened ahead of its
instant) on which the player queues cues; ``play`` is the one-file convenience used by
``loa preview``. The device sink lives in :mod:`loabroadcast.playback.device`.

Only the standard library and numpy are imported here; ``sounddevice`` is imported by the
device sink when it is first used.
"""

from __future__ import annotations

import json
import os
import re
import threading
import wave
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..clock import Clock, SystemClock
from ..errors import InvalidInput, PlaybackError
from ..i18n import N_
from .mixer import Cue
from .playfile import OnStart, PlayOutcome, play_file
from .stream import REALTIME, AirStream, PacedStream


@runtime_checkable
class Sink(Protocol):
    """Something that plays audio in real time."""

    name: str

    def open(self) -> None:
        """Acquire the device; calling it again does nothing."""

    def open_stream(self, rate: int) -> AirStream:
        """A running output stream at ``rate``, fed with silence until cues come."""

    def play(
        self,
        wav: Path,
        *,
        stop: threading.Event,
        on_start: OnStart | None = None,
        meta: dict | None = None,
    ) -> PlayOutcome:
        """Play ``wav`` until its end or until ``stop`` is set."""

    def close(self) -> None:
        """Release the device; calling it again does nothing."""


# --------------------------------------------------------------------------- Null


class NullSink:
    """Plays nothing, but takes as long as the audio lasts (for tests and dry runs)."""

    name = "null"

    def open(self) -> None:
        """Nothing to acquire."""

    def open_stream(self, rate: int) -> AirStream:
        return PacedStream(rate, self.name)

    def play(self, wav, *, stop, on_start=None, meta=None) -> PlayOutcome:
        return play_file(self, wav, stop, on_start, meta)

    def close(self) -> None:
        """Nothing to release."""


# --------------------------------------------------------------------------- File

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def _iso_ms(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def _jsonable(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if isinstance(value, (tuple, list)):
        return list(value)
    if isinstance(value, datetime):
        return _iso_ms(value)
    if isinstance(value, Path):
        return str(value)
    return value


class FileSink:
    """Writes what airs into a folder, paced in real time like a sound card.

    Per stream, ``DIR/<UTC open>_timeline.wav``: every frame the stream carried, silence
    included. Per item, ``DIR/<UTC start>_<label>.wav`` (what aired of it, cut short when
    stopped) and one line in ``DIR/airings.jsonl`` with ``message_id``, ``blocks``,
    ``started_at``, ``ended_at`` (ISO 8601, milliseconds, from ``clock``: the instants its
    first and last frames were written), ``path``, ``completed``, ``played_s`` and every key
    of the cue's ``meta``. Files are mono 16-bit PCM at the stream's rate.
    """

    LOG_NAME = "airings.jsonl"

    def __init__(self, directory: Path | str, clock: Clock | None = None) -> None:
        self.directory = Path(directory)
        self.clock: Clock = clock or SystemClock()
        self.name = f"file:{self.directory}"
        self._opened = False

    @property
    def log_path(self) -> Path:
        return self.directory / self.LOG_NAME

    def open(self) -> None:
        if self._opened:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PlaybackError(
                N_("cannot create sink folder {path}: {reason}"),
                path=str(self.directory),
                reason=exc.strerror or str(exc),
            ) from None
        self._opened = True

    def close(self) -> None:
        self._opened = False

    def open_stream(self, rate: int) -> AirStream:
        self.open()
        return _FileStream(self, rate)

    def play(self, wav, *, stop, on_start=None, meta=None) -> PlayOutcome:
        self.open()
        return play_file(self, wav, stop, on_start, meta)

    # -- used by the stream's thread
    def create(self, started_at: datetime, label: str) -> tuple[Path, wave.Wave_write]:
        utc = started_at.astimezone(UTC)
        stamp = utc.strftime("%Y%m%dT%H%M%S.") + f"{utc.microsecond // 1000:03d}"
        label = _UNSAFE.sub("-", label).strip("-") or "item"
        for attempt in range(1000):
            suffix = f"-{attempt}" if attempt else ""
            path = self.directory / f"{stamp}_{label}{suffix}.wav"
            try:
                handle = open(path, "xb")  # noqa: SIM115 - closed with the writer
            except FileExistsError:
                continue
            writer = wave.open(handle, "wb")  # noqa: SIM115 - closed by the stream
            return path, writer
        raise PlaybackError(
            N_("too many files named {name} in {folder}"),
            name=f"{stamp}_{label}*.wav",
            folder=str(self.directory),
        )

    def append_line(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
        with open(self.log_path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())


class _FileStream(PacedStream):
    def __init__(self, sink: FileSink, rate: int):
        self.sink = sink
        self._items: dict[int, tuple[Cue, Path, wave.Wave_write]] = {}
        self._timeline: tuple[Path, wave.Wave_write] | None = None
        super().__init__(rate, sink.name, self._write_buffer, clock=_Scaled(sink.clock))

    def _open_wav(self, started_at: datetime, label: str) -> tuple[Path, wave.Wave_write]:
        path, writer = self.sink.create(started_at, label)
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(self.rate)
        return path, writer

    def _write_buffer(self, buffer, instant: float, spans: list) -> None:
        if self._timeline is None:
            self._timeline = self._open_wav(self.moment(instant), "timeline")
        self._timeline[1].writeframes(buffer.tobytes())
        for cue, start, count in spans:
            entry = self._items.get(id(cue))
            if entry is None:
                label = cue.meta.get("message_id")
                label = f"msg{label}" if label is not None else Path(cue.meta.get("path", "")).stem
                path, writer = self._open_wav(self.moment(cue.started), label)
                entry = self._items[id(cue)] = (cue, path, writer)
            entry[2].writeframes(buffer[start : start + count].tobytes())
        for key, (cue, path, writer) in list(self._items.items()):
            if cue.ended is not None:
                writer.close()
                del self._items[key]
                self._log(cue, path)

    def _log(self, cue: Cue, path: Path) -> None:
        record: dict[str, Any] = {"message_id": None, "blocks": None}
        record.update({k: _jsonable(v) for k, v in cue.meta.items() if k != "path"})
        record.update(
            started_at=_iso_ms(self.moment(cue.started)),
            ended_at=_iso_ms(self.moment(cue.ended)),
            path=str(path),
            completed=cue.completed,
            played_s=round(cue.played_s(self.rate), 3),
        )
        self.sink.append_line(record)

    def close(self) -> None:
        super().close()
        for cue, path, writer in self._items.values():  # cut by the close itself
            writer.close()
            if cue.started is not None:
                if cue.ended is None:
                    cue.ended = cue.started + cue.frames_out / self.rate
                self._log(cue, path)
        self._items.clear()
        if self._timeline is not None:
            self._timeline[1].close()
            self._timeline = None


class _Scaled:
    """The file sink's clock for names and log lines, moving with real time while a
    stream runs (a FakeClock in tests stays put; the instants still advance)."""

    def __init__(self, clock: Clock):
        self._clock = clock
        self._wall0 = clock.now()
        self._mono0 = REALTIME.monotonic()

    def now(self) -> datetime:
        from datetime import timedelta

        return self._wall0 + timedelta(seconds=REALTIME.monotonic() - self._mono0)

    def monotonic(self) -> float:
        return REALTIME.monotonic()

    def sleep(self, seconds: float, wake: threading.Event) -> bool:
        return REALTIME.sleep(seconds, wake)


# --------------------------------------------------------------------------- factory


def make_sink(spec: str, clock: Clock | None = None, *, latency_s: float | None = None) -> Sink:
    """Build a sink from ``device``, ``device:NAME``, ``file:DIR`` or ``null``
    (``latency_s``: the audio a sound card keeps queued; default ``DEFAULT_LATENCY_S``)."""
    from .device import DEFAULT_LATENCY_S, DeviceSink

    text = (spec or "").strip()
    kind, sep, arg = text.partition(":")
    kind = kind.strip().lower()
    arg = arg.strip()
    if kind == "null" and not sep:
        return NullSink()
    if kind == "device":
        if sep and not arg:
            raise InvalidInput("sink 'device:' needs a device name (see `loa devices`)")
        return DeviceSink(arg or None, latency=latency_s or DEFAULT_LATENCY_S)
    if kind == "file":
        if not arg:
            raise InvalidInput("sink 'file:' needs a folder, e.g. file:/var/lib/loa/out")
        return FileSink(Path(arg).expanduser(), clock)
    raise InvalidInput(f"unknown sink {spec!r}: use device, device:NAME, file:DIR or null")


__all__ = ["FileSink", "NullSink", "PlayOutcome", "Sink", "make_sink", "play_file"]
