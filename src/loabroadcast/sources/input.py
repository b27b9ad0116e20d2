"""A sound card's input (a receiver wired into the line input) as live samples.

A sounddevice ``InputStream`` (PortAudio) at the air's rate, mono 16-bit, whose callback
copies each block into the source's ring. The supervisor thread opens the device (the
default input, or ``DEVICE``: an index or part of a name, as ``loa devices`` lists them),
watches that blocks keep coming, and opens it again with back-off when the device fails
or goes away (a USB card unplugged): the air never waits on it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from ..clock import Clock
from ..errors import AudioError
from ..i18n import N_
from .live import LiveSource, SourceEvent, SourceFormat

log = logging.getLogger("loabroadcast.sources")

POLL_S = 0.05
BLOCK_S = 0.02


def find_input(device: str | None):
    """The PortAudio index of input ``device`` (None: the default input), or AudioError."""
    import sounddevice as sd

    devices = [(i, d) for i, d in enumerate(sd.query_devices()) if d["max_input_channels"] > 0]
    if not devices:
        raise AudioError(N_("no sound input device found"))
    if device is None:
        return None
    wanted = device.strip()
    if wanted.isdigit():
        for index, _info in devices:
            if index == int(wanted):
                return index
    else:
        low = wanted.lower()
        exact = [i for i, d in devices if d["name"].lower() == low]
        partial = [i for i, d in devices if low in d["name"].lower()]
        if exact or len(partial) == 1:
            return (exact or partial)[0]
        if len(partial) > 1:
            names = ", ".join(sd.query_devices(i)["name"] for i in partial[:5])
            raise AudioError(
                N_("input device {device!r} matches several: {names}"), device=wanted, names=names
            )
    names = ", ".join(d["name"] for _i, d in devices[:8])
    raise AudioError(N_("no input device {device!r} (inputs: {names})"), device=wanted, names=names)


class InputSource(LiveSource):
    kind = "input"

    def __init__(
        self,
        device: str | None,
        rate: int,
        *,
        buffer_s: float = 3.0,
        connect_timeout_s: float = 5.0,
        retry_max_s: float = 2.0,
        clock: Clock | None = None,
        on_event: Callable[[SourceEvent], None] | None = None,
    ):
        super().__init__(
            rate, buffer_s=buffer_s, retry_max_s=retry_max_s, clock=clock, on_event=on_event
        )
        self.device = device
        self.shown = "input" + (f":{device}" if device else "")
        self.connect_timeout_s = float(connect_timeout_s)
        self._last_block = 0.0

    def _run(self) -> None:
        while not self.stopping:
            reason = self._open_once()
            if self.stopping:
                break
            self._went_down(reason)
            log.info("source %s: %s", self.shown, reason)
            if self._pause():
                break

    def _open_once(self) -> str:
        try:
            import sounddevice as sd

            index = find_input(self.device)
            stream = sd.InputStream(
                device=index,
                channels=1,
                samplerate=self.rate,
                dtype="int16",
                blocksize=max(1, int(self.rate * BLOCK_S)),
                callback=self._callback,
            )
        except AudioError as err:
            return str(err)
        except Exception as err:  # noqa: BLE001 - PortAudio's errors, in one line
            return f"cannot open the input: {err}"
        try:
            info = sd.query_devices(stream.device)
            self.format = SourceFormat(
                codec="pcm", rate=int(stream.samplerate), channels="mono", name=info["name"]
            )
            self._last_block = self.clock.monotonic()
            stream.start()
            return self._watch(stream)
        except Exception as err:  # noqa: BLE001 - PortAudio's errors, in one line
            return f"the input failed: {err}"
        finally:
            try:
                stream.close(ignore_errors=True)
            except Exception:  # noqa: BLE001 - closing a device that went away
                log.debug("closing input %s failed", self.shown, exc_info=True)

    def _watch(self, stream) -> str:
        while not self.stopping:
            if self.clock.sleep(POLL_S, self._stop):
                break
            asked = self._asked_reason()
            if asked is not None:
                return asked
            if not stream.active:
                return "the input stopped"
            quiet = self.clock.monotonic() - self._last_block
            if quiet > self.connect_timeout_s:
                return f"no samples for {quiet:.1f} s"
        return "stopped"

    def _callback(self, indata: np.ndarray, frames: int, _time, status) -> None:
        self.ring.write(indata[:frames, 0])
        self._last_block = self.clock.monotonic()
        self._audio_came()
        if status.input_overflow:
            log.debug("input %s: overflow", self.shown)
