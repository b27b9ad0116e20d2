"""Playback fixtures: WAV files, and a real PulseAudio server with a null sink.

The ``pulse`` fixture follows /work/shared/notes/audio-and-speech-facts.md: a
PulseAudio daemon in user mode (it runs as root here) in a private runtime dir,
with a null sink ``ci_out`` whose monitor ``parecord`` records. PortAudio's ALSA
``default``/``pulse`` devices reach it once ``PULSE_SERVER`` points at its socket.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from missing import missing

SINK = "ci_out"
RATE = 48000


# --------------------------------------------------------------------------- WAV files


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    """Write float samples in [-1, 1] ((n,) mono or (n, channels)) as 16-bit PCM."""
    data = np.asarray(samples, dtype=np.float64)
    channels = 1 if data.ndim == 1 else data.shape[1]
    pcm = np.clip(np.round(data * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(pcm.tobytes())
    return path


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Float samples of a 16-bit PCM WAV (mono: shape (n,)) and its rate."""
    with wave.open(str(path), "rb") as reader:
        assert reader.getsampwidth() == 2, "tests read 16-bit WAV only"
        raw = reader.readframes(reader.getnframes())
        channels, rate = reader.getnchannels(), reader.getframerate()
    samples = np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0
    return (samples if channels == 1 else samples.reshape(-1, channels)), rate


def tone(seconds: float, rate: int = RATE, freq: float = 440.0, dbfs: float = -12.0) -> np.ndarray:
    t = np.arange(int(round(seconds * rate))) / rate
    return 10 ** (dbfs / 20) * np.sin(2 * np.pi * freq * t)


@pytest.fixture(name="write_wav")
def write_wav_fixture() -> Callable[..., Path]:
    """``write_wav(path, samples, rate=48000)``: test modules cannot import conftest."""
    return write_wav


@pytest.fixture
def make_wav(tmp_path) -> Callable[..., Path]:
    """``make_wav(seconds, name=..., rate=..., channels=...)`` → a 440 Hz tone WAV."""

    def build(seconds: float, name: str = "tone.wav", rate: int = RATE, channels: int = 1) -> Path:
        samples = tone(seconds, rate)
        if channels > 1:
            samples = np.repeat(samples[:, None], channels, axis=1)
        return write_wav(tmp_path / name, samples, rate)

    return build


# --------------------------------------------------------------------------- PulseAudio


def _wait_for(predicate: Callable[[], bool], timeout_s: float, step_s: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step_s)
    return predicate()


@dataclass
class Recorder:
    """``parecord`` on the null sink's monitor, writing a mono 16-bit WAV."""

    path: Path
    proc: subprocess.Popen

    def stop(self) -> Path:
        """Stop recording (SIGINT lets parecord finish the WAV header); return the file."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.path

    def samples(self) -> np.ndarray:
        """Stop if needed, then the recording as float samples."""
        data, rate = read_wav(self.stop())
        assert rate == RATE
        return data


@dataclass
class PulseServer:
    """A running PulseAudio daemon with the null sink ``ci_out``."""

    runtime_dir: Path
    proc: subprocess.Popen
    sink: str = SINK
    keepalive: subprocess.Popen | None = None
    _recorders: list[Recorder] = field(default_factory=list)

    @property
    def server(self) -> str:
        return f"unix:{self.runtime_dir / 'native'}"

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
            "HOME": str(self.runtime_dir),
            "PULSE_SERVER": self.server,
            "PULSE_COOKIE": str(self.runtime_dir / "cookie"),
        }

    def start_recorder(self, path: Path | None = None) -> Recorder:
        """Start ``parecord`` and return once it has written audio (up to ~3 s)."""
        if path is None:
            path = Path(tempfile.mkstemp(suffix=".wav", dir=self.runtime_dir)[1])
            path.unlink()
        proc = subprocess.Popen(
            [
                "parecord",
                f"--device={self.sink}.monitor",
                "--file-format=wav",
                "--format=s16le",
                f"--rate={RATE}",
                "--channels=1",
                "--latency-msec=20",
                str(path),
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        recorder = Recorder(path, proc)
        self._recorders.append(recorder)
        # 44-byte header plus 50 ms of audio: the stream really runs.
        wanted = 44 + RATE // 20 * 2
        if not _wait_for(lambda: path.exists() and path.stat().st_size > wanted, 5.0):
            recorder.stop()
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            pytest.fail(f"parecord wrote no audio within 5 s: {err.strip()}")
        return recorder

    def record(self, seconds: float) -> np.ndarray:
        recorder = self.start_recorder()
        time.sleep(seconds)
        return recorder.samples()

    def stop_recorders(self) -> None:
        for recorder in self._recorders:
            recorder.stop()
            if recorder.proc.stderr:
                recorder.proc.stderr.close()
        self._recorders.clear()


def _missing(reason: str):
    missing("real playback", reason)


def _pactl_ok(env: dict[str, str]) -> bool:
    result = subprocess.run(
        ["pactl", "list", "short", "sinks"], env=env, capture_output=True, text=True, timeout=5
    )
    return result.returncode == 0 and SINK in result.stdout


def _start_keepalive(server: PulseServer) -> subprocess.Popen:
    """A low-latency reader on the monitor for the whole session.

    With no client asking for low latency, the null sink renders in ~2 s chunks:
    a new stream's first write then blocks for up to ~1.9 s (and a recorder's
    first data takes as long). Real sound cards do not do this. Once a client
    asks for 20 ms, playback and recording start at once.
    """
    raw = server.runtime_dir / "keepalive.raw"
    with open(raw, "wb") as sink_file:
        proc = subprocess.Popen(
            [
                "pacat",
                "--record",
                f"--device={server.sink}.monitor",
                "--format=s16le",
                f"--rate={RATE}",
                "--channels=1",
                "--latency-msec=20",
                "--raw",
            ],
            env=server.env,
            stdin=subprocess.DEVNULL,
            stdout=sink_file,
            stderr=subprocess.DEVNULL,
        )
    if not _wait_for(lambda: raw.stat().st_size > 0, 5.0):
        proc.kill()
        proc.wait()
        pytest.fail("pacat read nothing from the null sink's monitor within 5 s")
    return proc


def launch_pulse(*, keepalive: bool = True) -> PulseServer:
    """Start a PulseAudio daemon (private runtime dir, anonymous auth, null sink)."""
    for program in ("pulseaudio", "parecord", "pacat", "pactl"):
        if shutil.which(program) is None:
            _missing(f"{program} not found: apt-get install pulseaudio pulseaudio-utils")
    runtime = Path(tempfile.mkdtemp(prefix="loa-pulse-"))  # short: a socket path is ≤ 107 bytes
    runtime.chmod(0o700)
    proc = _start_daemon(runtime)
    server = PulseServer(runtime, proc)
    try:
        _wait_ready(server)
        if keepalive:
            server.keepalive = _start_keepalive(server)
    except BaseException:
        shutdown_pulse(server)
        raise
    return server


def _start_daemon(runtime: Path) -> subprocess.Popen:
    with open(runtime / "pulseaudio.log", "ab") as log_file:
        return subprocess.Popen(
            [
                "pulseaudio",
                "-n",
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--use-pid-file=no",
                "--log-target=stderr",
                f"--load=module-native-protocol-unix auth-anonymous=1 socket={runtime}/native",
                f"--load=module-null-sink sink_name={SINK} rate={RATE} channels=2",
            ],
            env={**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(runtime)},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )


def _wait_ready(server: PulseServer) -> None:
    proc = server.proc
    if not _wait_for(lambda: proc.poll() is None and _pactl_ok(server.env), 10.0, 0.05):
        tail = (server.runtime_dir / "pulseaudio.log").read_text(errors="replace")[-2000:]
        pytest.fail(f"PulseAudio did not start with the null sink {SINK}:\n{tail}")


def relaunch_pulse(server: PulseServer) -> None:
    """Start the daemon again on the same socket (the sound device comes back)."""
    if server.proc.poll() is None:
        server.proc.kill()
    server.proc.wait()
    (server.runtime_dir / "native").unlink(missing_ok=True)
    server.proc = _start_daemon(server.runtime_dir)
    _wait_ready(server)


def shutdown_pulse(server: PulseServer) -> None:
    """Stop recorders, the keep-alive reader and the daemon; remove the runtime dir."""
    server.stop_recorders()
    for proc in (server.keepalive, server.proc):
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    shutil.rmtree(server.runtime_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def pulse_server() -> Iterator[PulseServer]:
    """One PulseAudio daemon for the session."""
    server = launch_pulse()
    try:
        yield server
    finally:
        shutdown_pulse(server)


@contextmanager
def _reachable(server: PulseServer) -> Iterator[PulseServer]:
    """PULSE_SERVER set for PortAudio (re-initialised on the way in and out)."""
    pytest.importorskip("sounddevice", reason="sounddevice is not installed")
    from loabroadcast.playback.device import reinitialise_portaudio

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PULSE_SERVER", server.server)
        patch.setenv("PULSE_COOKIE", str(server.runtime_dir / "cookie"))
        reinitialise_portaudio()  # PortAudio lists devices only when it initialises
        try:
            yield server
        finally:
            server.stop_recorders()
    reinitialise_portaudio()


@pytest.fixture
def throwaway_pulse() -> Iterator[PulseServer]:
    """A PulseAudio daemon of this test's own (it may be killed), reachable by PortAudio."""
    server = launch_pulse(keepalive=False)
    server.relaunch = lambda: relaunch_pulse(server)
    try:
        with _reachable(server):
            yield server
    finally:
        shutdown_pulse(server)


@pytest.fixture
def pulse(pulse_server) -> Iterator[PulseServer]:
    """The session's PulseAudio server, reachable by PortAudio during this test."""
    with _reachable(pulse_server):
        yield pulse_server
