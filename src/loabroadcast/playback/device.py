"""The sound-card sink: one PortAudio callback stream per programme, placed by DAC time.

The stream is opened and started ahead of the programme and fed with silence; every
buffer the card asks for comes with the instant its first frame will reach the card
(PortAudio's ``outputBufferDacTime``), and :class:`~loabroadcast.playback.mixer.Mixer`
places each item's first frame in the buffer so that it is heard at its instant.

Why a callback and not a writer thread (measured on this 2-core PC into a PulseAudio null
sink recorded from its monitor, 8 airings per row, a 100 ms buffer):

============================================  ===============================  =========
feeding                                       start heard vs asked (median,    underruns
                                              range; witness at 10 ms latency)
============================================  ===============================  =========
callback, placed by DAC time, idle            -10.1 ms (-10.4 … -9.9)          0
callback, 2 busy processes + 1 GIL thread     -10.5 ms (-11.2 … -10.0)         0
callback, 2 busy processes + 3 GIL threads,   -10.0 ms (-10.3 … -8.9)          0
SCHED_FIFO for the callback thread
same, without real-time scheduling            -10.2 ms (-12.3 … -2.5)          33
writer thread (blocking write), idle          +13.4 ms (+12.9 … +13.8)         0
writer thread, 2 busy processes + 1 GIL       -0.7 ms (-11.8 … +15.6)          0
============================================  ===============================  =========

A writer thread only knows "stream time + output latency", not where in the device buffer
its next frame lands, so its placement wanders by a buffer; the callback is told exactly
when each buffer is heard. The constant -10 ms is the witness, not the stream: a monitor
hears a frame when the sound server renders it, one monitor latency (the recorder's own
``--latency-msec``) before the sink plays it (at 5 ms: -5.0 ms, at 20 ms: -20.1 ms).

The stream clock is mapped to the monotonic clock *outside* the callback (the sample with
the tightest bracket of five): reading the clock inside the callback adds the wait for
the GIL (7 ms under load, measured), and PortAudio's own clock is the wall clock on ALSA.

Only the standard library and numpy are imported at module level: ``sounddevice`` is
imported when the sink is first used.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from ..errors import PlaybackError
from ..i18n import N_, NC_, Lazy, said
from .playfile import PlayOutcome, play_file
from .realtime import request_realtime
from .stream import REALTIME, AirStream

log = logging.getLogger("loabroadcast.playback")

#: Seconds of audio the device keeps queued: enough for a busy PC (a late callback is
#: covered), short enough for an emergency to cut in fast (it is heard after this).
DEFAULT_LATENCY_S = 0.1
CALIBRATION_SAMPLES = 5
STALL_S = 3.0  # no buffer asked for this long past the newest one's instant: the card is gone
SETTLE_S = 0.05  # a just-started stream takes an "as soon as possible" cue after this
STARTUP_S = 5.0  # ... or, for the first buffer, this long after the stream started


@dataclass(frozen=True)
class DeviceInfo:
    """One sound output device as PortAudio sees it (for ``loa devices``)."""

    index: int
    name: str
    channels: int
    default: bool


_PORTAUDIO_LOCK = threading.RLock()


def _sounddevice():
    """Import sounddevice, turning a missing PortAudio into one clear line."""
    try:
        import sounddevice
    except OSError as exc:  # sounddevice raises OSError when libportaudio is missing
        raise PlaybackError(
            N_("PortAudio library not found ({reason}); install it: apt-get install libportaudio2"),
            reason=str(exc),
        ) from None
    except ImportError:
        raise PlaybackError(
            N_("the sounddevice package is missing: pip install sounddevice")
        ) from None
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
        raise PlaybackError(
            N_("sound device {name} is ambiguous: {names}"), name=repr(wanted), names=names
        )
    return partial[0] if partial else None


class DeviceSink:
    """Plays through a sound device with PortAudio (``sounddevice``).

    Streams are 16-bit at the programme's rate (nothing is resampled by us) with as many
    channels as the device takes up to two (the mono programme is copied to both).
    """

    def __init__(self, device: str | None = None, *, latency: float = DEFAULT_LATENCY_S) -> None:
        self.device = device or None
        self.latency = latency
        self.name = f"device:{device}" if device else "device"
        self._info: DeviceInfo | None = None

    # -- device lookup
    def _resolve(self) -> DeviceInfo:
        found = _find_device(self.device, list_devices())
        if found is None:
            log.info("sound device %s not found; re-initialising PortAudio", self.name)
            found = _find_device(self.device, list_devices(refresh=True))
        if found is None:
            names = ", ".join(repr(d.name) for d in list_devices())
            if not names:
                names = Lazy(NC_("devices", "none"), "devices")
            if self.device:
                raise PlaybackError(
                    N_("cannot find sound device {name} (output devices: {names})"),
                    name=repr(self.device),
                    names=names,
                )
            raise PlaybackError(
                N_("cannot find a default sound device (output devices: {names})"), names=names
            )
        return found

    def open(self) -> None:
        if self._info is None:
            self._info = self._resolve()
            log.info("sink %s uses device %d %r", self.name, self._info.index, self._info.name)

    def close(self) -> None:
        self._info = None

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

    def open_stream(self, rate: int) -> AirStream:
        sd = _sounddevice()
        with _PORTAUDIO_LOCK:
            info = self._check_device(sd)
            try:
                return DeviceStream(sd, info, rate, self.latency)
            except (sd.PortAudioError, ValueError) as exc:
                self._info = None
                raise PlaybackError(
                    N_("cannot open sound device {name}: {reason}"),
                    name=repr(info.name),
                    reason=str(exc),
                ) from None

    def play(self, wav, *, stop, on_start=None, meta=None) -> PlayOutcome:
        try:
            return play_file(self, wav, stop, on_start, meta)
        except PlaybackError:
            self._info = None
            raise


class DeviceStream(AirStream):
    """One PortAudio callback stream; see the module docstring."""

    def __init__(self, sd, info: DeviceInfo, rate: int, latency: float):
        super().__init__(rate, REALTIME)
        self.name = f"device {info.name!r}"
        self._sd = sd
        self._offset: float | None = None  # PortAudio stream time minus our monotonic time
        self._realtime: bool | None = None
        self.channels = max(1, min(2, info.channels))
        self._stream = sd.OutputStream(
            samplerate=rate,
            channels=self.channels,
            dtype="int16",
            device=info.index,
            latency=latency,
            callback=self._callback,
            dither_off=True,
        )
        try:
            self._stream.start()
            self.latency_s = float(self._stream.latency)
            self.calibrate()
        except BaseException:
            self._stream.close(ignore_errors=True)
            raise
        self._opened_at = REALTIME.monotonic()
        # A sound server may drop or smear the first buffers of a stream that has just
        # started (the chirp test lost its first 20 ms 1 time in 8 into PulseAudio; with
        # this settle 0 in 22): "as soon as possible" starts SETTLE_S after the start.
        self.ready_at = self._opened_at + SETTLE_S

    @property
    def realtime(self) -> bool | None:
        """Whether the callback thread runs under SCHED_FIFO (None: not called yet)."""
        return self._realtime

    def calibrate(self) -> None:
        """Map the stream's clock to the monotonic one (tightest of a few brackets)."""
        best: tuple[float, float] | None = None
        for _ in range(CALIBRATION_SAMPLES):
            before = REALTIME.monotonic()
            stream_time = self._stream.time
            after = REALTIME.monotonic()
            if best is None or after - before < best[0]:
                best = (after - before, stream_time - (before + after) / 2)
        self._offset = best[1]

    def _callback(self, outdata, frames, time_info, status) -> None:
        # The real-time path: no I/O, no logging, no clock, no locks (see module docstring).
        if self._realtime is None:
            self._realtime = request_realtime()
        if status.output_underflow:
            self.mixer.underrun()
        offset = self._offset
        if offset is None:
            outdata.fill(0)
            return
        self.mixer.fill(outdata, frames, time_info.outputBufferDacTime - offset)

    def add(self, cue):
        self.check()
        self.calibrate()  # the wall clock PortAudio counts in may have been stepped
        self.mixer.add(self.settled(cue))
        return cue

    def check(self) -> None:
        if self.error is None and not self._closed:
            now = REALTIME.monotonic()
            last = self.mixer.last_dac
            # a sound server may take a while to ask for the first buffer
            stalled = now - self._opened_at > STARTUP_S if last is None else now - last > STALL_S
            if not self._stream.active or stalled:
                self.error = said("the sound device stopped taking audio")
                self.mixer.fail(last if last is not None else now)
        super().check()

    def close(self) -> None:
        if self._closed:
            return
        super().close()
        log.info(
            "%s closed: %d underrun(s); the sound-card thread %s real-time priority",
            self.name,
            self.mixer.underruns,
            {True: "had", False: "was refused", None: "never asked for"}[self._realtime],
        )
        with _PORTAUDIO_LOCK:
            try:
                self._stream.abort(ignore_errors=True)
            finally:
                self._stream.close(ignore_errors=True)
