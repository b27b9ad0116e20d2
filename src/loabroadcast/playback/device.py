"""Audio sinks: where a programme's WAV goes (sound card, folder of files, nowhere).

Every sink implements :class:`Sink`. ``play`` blocks while the audio plays in real
time and returns within a few tens of milliseconds once ``stop`` is set, so the
player can pre-empt an item for an emergency announcement.

Only the standard library is imported at module level: ``sounddevice`` and
``numpy`` are imported by :class:`DeviceSink` when it is first used.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..clock import Clock, SystemClock
from ..errors import AudioError, InvalidInput, PlaybackError
from ..wavfile import open_wav, read_wav_info

log = logging.getLogger("loabroadcast.playback")

#: Real time, for pacing audio. A sound card plays in real time whatever clock the
#: rest of the program is handed, so pacing never uses an injected (fake) clock.
_REALTIME = SystemClock()

#: Size of the blocks handed to a device or written to a file, in seconds.
BLOCK_S = 0.02

OnStart = Callable[[float], None]


@dataclass(frozen=True)
class PlayOutcome:
    """What happened to one ``play`` call.

    ``first_frame_monotonic`` is on the real monotonic clock (``SystemClock``),
    ``None`` when nothing was played.
    """

    completed: bool
    played_s: float
    first_frame_monotonic: float | None


@dataclass(frozen=True)
class DeviceInfo:
    """One sound output device as PortAudio sees it (for ``loa devices``)."""

    index: int
    name: str
    channels: int
    default: bool


@runtime_checkable
class Sink(Protocol):
    """Something that plays WAV files in real time."""

    name: str

    def open(self) -> None:
        """Acquire the device; calling it again does nothing."""

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


# --------------------------------------------------------------------------- WAV


def _blocks(reader: wave.Wave_read, frames_per_block: int) -> Iterator[bytes]:
    """Yield the remaining frames of ``reader`` in blocks of ``frames_per_block``."""
    while True:
        data = reader.readframes(frames_per_block)
        if not data:
            return
        yield data


def _frames_per_block(rate: int) -> int:
    return max(1, round(rate * BLOCK_S))


class _Pacer:
    """Deadlines on the monotonic clock for frames handed out at ``rate``: no drift."""

    def __init__(self, rate: int, t0: float | None = None) -> None:
        self.rate = rate
        self.t0 = _REALTIME.monotonic() if t0 is None else t0

    def elapsed_frames(self) -> int:
        return int((_REALTIME.monotonic() - self.t0) * self.rate)

    def wait_until(self, frame: int, stop: threading.Event) -> bool:
        """Wait until ``frame`` is due. False when ``stop`` was set first."""
        deadline = self.t0 + frame / self.rate
        while True:
            remaining = deadline - _REALTIME.monotonic()
            if remaining <= 0:
                return not stop.is_set()
            if stop.wait(remaining):
                return False


def _call_on_start(on_start: OnStart | None, when: float) -> None:
    if on_start is not None:
        on_start(when)


# --------------------------------------------------------------------------- Null


class NullSink:
    """Plays nothing, but takes as long as the audio lasts (for tests and dry runs)."""

    name = "null"

    def open(self) -> None:
        """Nothing to acquire."""

    def play(
        self,
        wav: Path,
        *,
        stop: threading.Event,
        on_start: OnStart | None = None,
        meta: dict | None = None,
    ) -> PlayOutcome:
        info = read_wav_info(wav)
        if stop.is_set():
            return PlayOutcome(False, 0.0, None)
        pacer = _Pacer(info.rate)
        _call_on_start(on_start, pacer.t0)
        if pacer.wait_until(info.frames, stop):
            return PlayOutcome(True, info.duration_s, pacer.t0)
        played = min(pacer.elapsed_frames(), info.frames) / info.rate
        return PlayOutcome(False, played, pacer.t0)

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

    For each item: ``DIR/<UTC start>_<label>.wav`` (what was played, cut short when
    stopped) and one line in ``DIR/airings.jsonl`` with ``message_id``, ``blocks``,
    ``started_at``, ``ended_at`` (ISO 8601, milliseconds, from ``clock``), ``path``,
    ``completed``, ``played_s`` and every key of ``meta``.
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
                f"cannot create sink folder {self.directory}: {exc.strerror or exc}"
            ) from None
        self._opened = True

    def close(self) -> None:
        self._opened = False

    def play(
        self,
        wav: Path,
        *,
        stop: threading.Event,
        on_start: OnStart | None = None,
        meta: dict | None = None,
    ) -> PlayOutcome:
        self.open()
        meta = dict(meta or {})
        with open_wav(Path(wav)) as reader:
            if stop.is_set():
                return PlayOutcome(False, 0.0, None)
            started_at = self.clock.now()
            out_path, out_file = self._create_output(started_at, meta, Path(wav))
            try:
                with out_file, wave.open(out_file, "wb") as writer:
                    writer.setnchannels(reader.getnchannels())
                    writer.setsampwidth(reader.getsampwidth())
                    writer.setframerate(reader.getframerate())
                    outcome = self._copy_paced(reader, writer, stop, on_start)
            except OSError as exc:
                raise PlaybackError(f"cannot write {out_path}: {exc.strerror or exc}") from None
        ended_at = self.clock.now()
        self._append_log(meta, started_at, ended_at, out_path, outcome)
        return outcome

    def _copy_paced(
        self,
        reader: wave.Wave_read,
        writer: wave.Wave_write,
        stop: threading.Event,
        on_start: OnStart | None,
    ) -> PlayOutcome:
        """Copy frames block by block, each written once its time has passed."""
        rate, frame_bytes = reader.getframerate(), reader.getsampwidth() * reader.getnchannels()
        pacer = _Pacer(rate)
        _call_on_start(on_start, pacer.t0)
        done = 0
        for block in _blocks(reader, _frames_per_block(rate)):
            frames = len(block) // frame_bytes
            if not pacer.wait_until(done + frames, stop):
                heard = max(0, min(pacer.elapsed_frames() - done, frames))
                writer.writeframes(block[: heard * frame_bytes])
                done += heard
                return PlayOutcome(False, done / rate, pacer.t0)
            writer.writeframes(block)
            done += frames
        return PlayOutcome(True, done / rate, pacer.t0)

    def _create_output(self, started_at: datetime, meta: dict, wav: Path):
        utc = started_at.astimezone(UTC)
        stamp = utc.strftime("%Y%m%dT%H%M%S.") + f"{utc.microsecond // 1000:03d}"
        message_id = meta.get("message_id")
        label = f"msg{message_id}" if message_id is not None else wav.stem
        label = _UNSAFE.sub("-", label).strip("-") or "item"
        for attempt in range(1000):
            suffix = f"-{attempt}" if attempt else ""
            path = self.directory / f"{stamp}_{label}{suffix}.wav"
            try:
                return path, open(path, "xb")  # noqa: SIM115 - closed by the caller
            except FileExistsError:
                continue
            except OSError as exc:
                raise PlaybackError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise PlaybackError(f"too many files named {stamp}_{label}*.wav in {self.directory}")

    def _append_log(
        self,
        meta: dict,
        started_at: datetime,
        ended_at: datetime,
        out_path: Path,
        outcome: PlayOutcome,
    ) -> None:
        record: dict[str, Any] = {"message_id": None, "blocks": None}
        record.update({key: _jsonable(value) for key, value in meta.items()})
        record.update(
            started_at=_iso_ms(started_at),
            ended_at=_iso_ms(ended_at),
            path=str(out_path),
            completed=outcome.completed,
            played_s=round(outcome.played_s, 3),
        )
        line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
        try:
            with open(self.log_path, "a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise PlaybackError(
                f"cannot append to {self.log_path}: {exc.strerror or exc}"
            ) from None


# --------------------------------------------------------------------------- Device

_PORTAUDIO_LOCK = threading.RLock()

#: Silence written when a stream starts, before the first real frame.
LEAD_IN_S = 0.04


def _sounddevice():
    """Import sounddevice, turning a missing PortAudio into one clear line."""
    try:
        import sounddevice
    except OSError as exc:  # sounddevice raises OSError when libportaudio is missing
        raise PlaybackError(
            f"PortAudio library not found ({exc}); install it: apt-get install libportaudio2"
        ) from None
    except ImportError:
        raise PlaybackError("the sounddevice package is missing: pip install sounddevice") from None
    return sounddevice


def reinitialise_portaudio() -> None:
    """Make PortAudio list devices again (it only looks when it initialises).

    Must not be called while a stream is open.
    """
    sd = _sounddevice()
    with _PORTAUDIO_LOCK:
        sd._terminate()
        sd._initialize()


def list_devices(*, refresh: bool = False) -> list[DeviceInfo]:
    """The output devices PortAudio sees; ``refresh`` re-initialises PortAudio first."""
    sd = _sounddevice()
    with _PORTAUDIO_LOCK:
        if refresh:
            reinitialise_portaudio()
        default_out = sd.default.device[1]
        if default_out is None or default_out < 0:
            try:
                default_out = sd.query_devices(kind="output")["index"]
            except sd.PortAudioError:
                default_out = -1
        return [
            DeviceInfo(
                index=int(dev["index"]),
                name=str(dev["name"]),
                channels=int(dev["max_output_channels"]),
                default=int(dev["index"]) == default_out,
            )
            for dev in sd.query_devices()
            if dev["max_output_channels"] > 0
        ]


def _find_device(wanted: str | None, devices: list[DeviceInfo]) -> DeviceInfo | None:
    """Match by index, exact name (case-insensitive), then a unique substring."""
    if wanted is None:
        return next((d for d in devices if d.default), None)
    if wanted.isdigit():
        return next((d for d in devices if d.index == int(wanted)), None)
    lowered = wanted.casefold()
    exact = [d for d in devices if d.name.casefold() == lowered]
    if exact:
        return exact[0]
    partial = [d for d in devices if lowered in d.name.casefold()]
    if len(partial) > 1:
        names = ", ".join(repr(d.name) for d in partial)
        raise PlaybackError(f"sound device {wanted!r} is ambiguous: {names}")
    return partial[0] if partial else None


class DeviceSink:
    """Plays through a sound device with PortAudio (``sounddevice``).

    The stream is opened per item at the WAV's own rate (nothing is resampled) with
    as many channels as the device takes up to two (mono is copied to both), and fed
    in blocks of about 20 ms so a stop is honoured quickly.

    A fresh stream swallows its first ~10-20 ms (measured with PulseAudio, through
    PortAudio and through ``paplay`` alike), so every stream starts with
    ``lead_in_s`` of silence; ``on_start`` is called with the first real frame.
    """

    def __init__(
        self,
        device: str | None = None,
        *,
        latency: float | str = "low",
        lead_in_s: float = LEAD_IN_S,
    ) -> None:
        self.device = device or None
        self.latency = latency
        self.lead_in_s = lead_in_s
        self.name = f"device:{device}" if device else "device"
        self._info: DeviceInfo | None = None

    # -- device lookup
    def _resolve(self) -> DeviceInfo:
        found = _find_device(self.device, list_devices())
        if found is None:
            log.info("sound device %s not found; re-initialising PortAudio", self.name)
            found = _find_device(self.device, list_devices(refresh=True))
        if found is None:
            names = ", ".join(repr(d.name) for d in list_devices()) or "none"
            what = f"sound device {self.device!r}" if self.device else "a default sound device"
            raise PlaybackError(f"cannot find {what} (output devices: {names})")
        return found

    def open(self) -> None:
        if self._info is None:
            self._info = self._resolve()
            log.info("sink %s uses device %d %r", self.name, self._info.index, self._info.name)

    def close(self) -> None:
        self._info = None

    def play(
        self,
        wav: Path,
        *,
        stop: threading.Event,
        on_start: OnStart | None = None,
        meta: dict | None = None,
    ) -> PlayOutcome:
        sd = _sounddevice()
        import numpy as np

        with open_wav(Path(wav)) as reader:
            if stop.is_set():
                return PlayOutcome(False, 0.0, None)
            info = self._check_device(sd)
            log.debug("playing %s on %s (%r)", wav, self.name, info.name)
            src_channels = reader.getnchannels()
            out_channels = max(1, min(max(src_channels, 2), info.channels))
            rate = reader.getframerate()
            convert = _converter(np, reader.getsampwidth(), src_channels, out_channels)
            try:
                stream = sd.OutputStream(
                    samplerate=rate,
                    channels=out_channels,
                    dtype="float32",
                    device=info.index,
                    latency=self.latency,
                    dither_off=True,
                )
            except (sd.PortAudioError, ValueError) as exc:
                self._info = None
                raise PlaybackError(f"cannot open sound device {info.name!r}: {exc}") from None
            try:
                return self._feed(sd, stream, reader, convert, stop, on_start)
            finally:
                stream.close(ignore_errors=True)

    def _check_device(self, sd) -> DeviceInfo:
        """The cached device if PortAudio still lists it under the same name."""
        if self._info is None:
            self._info = self._resolve()
        try:
            current = sd.query_devices(self._info.index)
        except (sd.PortAudioError, ValueError):
            current = None
        if current is None or current["name"] != self._info.name:
            self._info = self._resolve()
        return self._info

    def _write_lead_in(self, stream, convert, rate: int, stop: threading.Event) -> None:
        silence = convert(None, _frames_per_block(rate))
        for _ in range(round(self.lead_in_s / BLOCK_S)):
            if stop.is_set():
                return
            stream.write(silence)

    def _feed(self, sd, stream, reader, convert, stop, on_start) -> PlayOutcome:
        rate = reader.getframerate()
        written = 0
        t0: float | None = None
        try:
            stream.start()
            self._write_lead_in(stream, convert, rate, stop)
            for block in _blocks(reader, _frames_per_block(rate)):
                if stop.is_set():
                    break
                samples = convert(block)
                if t0 is None:
                    t0 = _REALTIME.monotonic()
                    _call_on_start(on_start, t0)
                if stream.write(samples):
                    log.debug("sound device underflow in %s", self.name)
                written += len(samples)
            else:
                if t0 is None:  # an empty file
                    return PlayOutcome(True, 0.0, None)
                if _Pacer(rate, t0).wait_until(written, stop):
                    stream.stop()  # lets the last buffered frames reach the device
                    return PlayOutcome(True, written / rate, t0)
            stream.abort()
        except sd.PortAudioError as exc:
            what = repr(self._info.name) if self._info else self.name
            self._info = None
            raise PlaybackError(f"sound device {what} failed while playing: {exc}") from None
        if t0 is None:
            return PlayOutcome(False, 0.0, None)
        heard = min(_REALTIME.monotonic() - t0, written / rate)
        return PlayOutcome(False, max(0.0, heard), t0)


def _converter(np, sample_width: int, src_channels: int, out_channels: int):
    """A function from raw WAV frames to a float32 (frames, out_channels) array.

    ``convert(None, n)`` gives ``n`` frames of silence.
    """

    def convert(data: bytes | None, silent_frames: int = 0):
        if data is None:
            return np.zeros((silent_frames, out_channels), dtype=np.float32)
        if sample_width == 1:
            samples = (np.frombuffer(data, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
        elif sample_width == 2:
            samples = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
        elif sample_width == 3:
            raw = np.frombuffer(data, dtype=np.uint8).reshape(-1, 3)
            ints = (
                raw[:, 0].astype(np.int32)
                | (raw[:, 1].astype(np.int32) << 8)
                | (raw[:, 2].astype(np.int32) << 16)
            )
            ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints)
            samples = ints.astype(np.float32) / float(1 << 23)
        elif sample_width == 4:
            samples = (np.frombuffer(data, dtype="<i4") / float(1 << 31)).astype(np.float32)
        else:
            raise AudioError(f"unsupported WAV sample width: {sample_width} bytes")
        frames = samples.reshape(-1, src_channels)
        if src_channels == out_channels:
            return frames
        if out_channels == 1:
            return frames.mean(axis=1, keepdims=True, dtype=np.float32)
        if src_channels == 1:
            return np.repeat(frames, out_channels, axis=1)
        return np.ascontiguousarray(frames[:, :out_channels])

    if sample_width not in (1, 2, 3, 4):
        raise AudioError(f"unsupported WAV sample width: {sample_width} bytes")
    return convert


# --------------------------------------------------------------------------- factory


def make_sink(spec: str, clock: Clock | None = None) -> Sink:
    """Build a sink from ``device``, ``device:NAME``, ``file:DIR`` or ``null``."""
    text = (spec or "").strip()
    kind, sep, arg = text.partition(":")
    kind = kind.strip().lower()
    arg = arg.strip()
    if kind == "null" and not sep:
        return NullSink()
    if kind == "device":
        if sep and not arg:
            raise InvalidInput("sink 'device:' needs a device name (see `loa devices`)")
        return DeviceSink(arg or None)
    if kind == "file":
        if not arg:
            raise InvalidInput("sink 'file:' needs a folder, e.g. file:/var/lib/loa/out")
        return FileSink(Path(arg).expanduser(), clock)
    raise InvalidInput(f"unknown sink {spec!r}: use device, device:NAME, file:DIR or null")
