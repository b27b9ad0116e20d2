"""An upstream stream (Icecast, a radio's web stream: MP3, AAC, Ogg/Opus…) as live samples.

One ffmpeg process per connection reads the URL and writes mono 16-bit samples at the
air's rate into a pipe; a reader thread copies them into the source's ring. Why ffmpeg in
a process rather than PyAV in ours: ffmpeg is already what the station needs for
recordings (no new dependency, no 30 MB of wheels bundling a second copy of its
libraries); it decodes every codec a radio sends and resamples on the way; a connection
that hangs in a network call or a decoder that crashes is a process we kill, never a
thread stuck inside our daemon; and its CPU is easy to see and measure.

The supervisor thread watches each connection: the process ends (the server closed it,
the feeder died, a 404 because the mount is gone) or nothing comes for
``connect_timeout_s`` (a stall) → the ffmpeg is killed, the drop is reported, and it
connects again after a back-off (0.25 s, doubling, at most ``retry_max_s``), for as long
as the source runs. Format probing is kept short (a few kB, half a second) so that the
first samples come about 0.3 s after connecting.
"""

from __future__ import annotations

import logging
import re
import subprocess
import threading
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from ..clock import Clock
from ..domain.content import masked
from ..errors import AudioError
from .levels import ffmpeg_path
from .live import LiveSource, SourceEvent, SourceFormat

log = logging.getLogger("loabroadcast.sources")

POLL_S = 0.05
READ_BYTES = 1 << 15
USER_AGENT = "loabroadcast (tiếp âm)"

_INPUT = re.compile(r"^Input #\d+, ([\w,]+), from")
_AUDIO = re.compile(r"Stream #\d+:\d+.*?: Audio: ([^,\s]+)[^,]*(?:, (\d+) Hz)?(?:, ([^,]+))?")
_BITRATE = re.compile(r"(\d+ kb/s)")
_NAME = re.compile(r"^\s*icy-name\s*:\s*(.+)$")


def ffmpeg_argv(ffmpeg: str, url: str, rate: int, timeout_s: float) -> list[str]:
    """The ffmpeg command that reads ``url`` and writes mono s16le at ``rate`` to stdout."""
    micro = str(int(timeout_s * 1_000_000))
    return [
        ffmpeg, "-nostdin", "-hide_banner", "-nostats", "-loglevel", "info",
        "-probesize", "32768", "-formatprobesize", "16384", "-analyzeduration", "500000",
        "-rw_timeout", micro, "-user_agent", USER_AGENT,
        "-i", url,
        "-vn", "-ac", "1", "-ar", str(rate), "-c:a", "pcm_s16le", "-f", "s16le", "pipe:1",
    ]  # fmt: skip


def parse_format(lines: list[str], found: SourceFormat | None = None) -> SourceFormat | None:
    """What ffmpeg's log says of the input (container, codec, rate, channels, bitrate)."""
    fmt = found
    for line in lines:
        if m := _INPUT.match(line.strip()):
            fmt = replace(fmt or SourceFormat(), container=m[1].split(",")[0])
        elif (m := _AUDIO.search(line)) and "Output" not in line:
            if fmt is not None and fmt.codec:
                continue  # the input's stream comes first; later ones are the output's
            bitrate = _BITRATE.search(line)
            fmt = replace(
                fmt or SourceFormat(),
                codec=m[1],
                rate=int(m[2]) if m[2] else None,
                channels=(m[3] or "").strip(),
                bitrate=bitrate[1] if bitrate else "",
            )
        elif m := _NAME.match(line):
            fmt = replace(fmt or SourceFormat(), name=m[1].strip())
    return fmt


class _Attempt:
    """One ffmpeg connection: its process, its readers, what came."""

    def __init__(self, proc: subprocess.Popen, now: float):
        self.proc = proc
        self.last_data = now
        self.frames = 0
        self.eof = threading.Event()
        self.log: list[str] = []
        self.output_started = False


class StreamSource(LiveSource):
    kind = "stream"

    def __init__(
        self,
        url: str,
        rate: int,
        *,
        buffer_s: float = 3.0,
        connect_timeout_s: float = 5.0,
        retry_max_s: float = 2.0,
        clock: Clock | None = None,
        on_event: Callable[[SourceEvent], None] | None = None,
        ffmpeg: str | None = None,
    ):
        super().__init__(
            rate, buffer_s=buffer_s, retry_max_s=retry_max_s, clock=clock, on_event=on_event
        )
        self.url = url
        self.shown = masked(url)
        self.connect_timeout_s = float(connect_timeout_s)
        self._ffmpeg = ffmpeg
        self._attempt: _Attempt | None = None
        self._lock = threading.Lock()

    def _run(self) -> None:
        try:
            ffmpeg = self._ffmpeg or ffmpeg_path()
        except AudioError as err:
            self._went_down(str(err))
            return
        while not self.stopping:
            reason = self._connect_once(ffmpeg)
            if self.stopping:
                break
            self._went_down(reason)
            log.info("source %s: %s", self.shown, reason)
            if self._pause():
                break

    def _connect_once(self, ffmpeg: str) -> str:
        """Run one connection to its end; the reason it ended."""
        argv = ffmpeg_argv(ffmpeg, self.url, self.rate, self.connect_timeout_s)
        try:
            proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        except OSError as err:
            return f"cannot run ffmpeg: {err.strerror or err}"
        attempt = _Attempt(proc, self.clock.monotonic())
        with self._lock:
            self._attempt = attempt
        readers = [
            threading.Thread(target=self._pump, args=(attempt,), name="source-pcm", daemon=True),
            threading.Thread(target=self._log, args=(attempt,), name="source-log", daemon=True),
        ]
        for thread in readers:
            thread.start()
        try:
            reason = self._watch(attempt)
        finally:
            _end(proc)
            for thread in readers:
                thread.join(5)
            proc.stdout.close()
            proc.stderr.close()
            with self._lock:
                self._attempt = None
        return reason

    def _watch(self, attempt: _Attempt) -> str:
        while not self.stopping:
            if attempt.eof.wait(POLL_S):
                attempt.proc.wait()
                return self._ended_reason(attempt)
            quiet = self.clock.monotonic() - attempt.last_data
            if quiet > self.connect_timeout_s:
                if attempt.frames:
                    return f"nothing came for {quiet:.1f} s (stalled)"
                return f"no audio within {self.connect_timeout_s:g} s of connecting"
        return "stopped"

    def _ended_reason(self, attempt: _Attempt) -> str:
        asked = self._asked_reason()
        if asked is not None:
            return asked
        errors = [line for line in attempt.log if _is_error(line)]
        if errors:
            return errors[-1]
        if attempt.frames:
            return "the server ended the stream"
        code = attempt.proc.returncode
        return f"ffmpeg ended without audio (exit status {code})"

    def _pump(self, attempt: _Attempt) -> None:
        """Samples from ffmpeg's pipe into the ring, as they come."""
        odd = b""
        stdout = attempt.proc.stdout
        try:
            while True:
                data = stdout.read1(READ_BYTES)
                if not data:
                    break
                data = odd + data
                cut = len(data) // 2 * 2
                odd = data[cut:]
                if not cut:
                    continue
                self.ring.write(np.frombuffer(data[:cut], dtype="<i2"))
                attempt.frames += cut // 2
                attempt.last_data = self.clock.monotonic()
                self._audio_came()
        except (OSError, ValueError):
            pass  # the pipe was closed under us: the attempt is over
        finally:
            attempt.eof.set()

    def _log(self, attempt: _Attempt) -> None:
        """ffmpeg's log: the input's format, and its last words when it fails."""
        try:
            for raw in attempt.proc.stderr:
                line = raw.decode("utf-8", "replace").rstrip()
                if not line:
                    continue
                attempt.log.append(line)
                del attempt.log[:-40]
                if line.startswith("Output #"):
                    attempt.output_started = True
                if not attempt.output_started:
                    self.format = parse_format([line], self.format)
        except (OSError, ValueError):
            pass

    def _interrupt(self) -> None:
        with self._lock:
            attempt = self._attempt
        if attempt is not None:
            _end(attempt.proc)


def _is_error(line: str) -> bool:
    low = line.lower()
    return any(
        word in low
        for word in ("error", "returned", "refused", "failed", "invalid", "not found",
                     "timed out", "unreachable", "no route", "resolve", "prematurely")
    )  # fmt: skip


def _end(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            log.warning("ffmpeg %s did not end after SIGKILL", proc.pid)
