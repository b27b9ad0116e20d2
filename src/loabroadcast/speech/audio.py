"""Audio file helpers built on ffmpeg: probe, import, decode, loudness, atomic writes, hashing.

Loudness is *measured* here by ffmpeg's ``ebur128`` (the independent reference) and
*normalised* in numpy by :mod:`loabroadcast.speech.limiter`, which builds on this module
(never the other way round).
Every ffmpeg/ffprobe call is an argv list with a timeout. Failures become one-line
``AudioError``s; outputs are written to a temporary file in the destination folder and
moved into place with ``os.replace``, so a failed call never leaves a partial file.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..atomic import (  # re-exported: the speech modules write through these
    atomic_path,
)
from ..errors import AudioError, os_reason
from ..i18n import N_, said
from ..wavfile import read_wav_info

log = logging.getLogger("loabroadcast.speech")

SUPPORTED_SUFFIXES = frozenset({".mp3", ".wav", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".flac"})
FFMPEG_TIMEOUT_S = 600.0
_NOT_INSTALLED = N_(
    "{tool} is not installed: run `apt-get install ffmpeg` (Debian/Ubuntu) or install it "
    "from https://ffmpeg.org/download.html and put it on PATH (Windows)"
)
# Reproducible WAV output: no encoder tag or other metadata.
_BITEXACT = ["-fflags", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1"]


@dataclass(frozen=True)
class Loudness:
    """EBU R128 integrated loudness (LUFS) and true peak (dBTP) of a file."""

    integrated_lufs: float
    true_peak_dbtp: float


# --- files ---------------------------------------------------------------------------------


def sha256_file(path: Path | str) -> str:
    """Hex sha256 of a file's bytes (``AudioError`` if it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise AudioError(
            N_("cannot read {file}: {reason}"), file=str(path), reason=os_reason(exc)
        ) from None
    return digest.hexdigest()


# --- running ffmpeg ----------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise AudioError(_NOT_INSTALLED, tool=name)
    return found


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else said("no error message")


def _ffmpeg(args: list[str], timeout: float, what: str) -> subprocess.CompletedProcess[bytes]:
    argv = [_tool("ffmpeg"), "-hide_banner", "-nostdin", "-nostats", *args]
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise AudioError(
            N_("{what}: ffmpeg took longer than {seconds} s"), what=what, seconds=round(timeout)
        ) from None
    except OSError as exc:
        raise AudioError(
            N_("{what}: cannot run ffmpeg ({reason})"), what=what, reason=os_reason(exc)
        ) from None
    if proc.returncode != 0:
        reason = _last_line(proc.stderr.decode("utf-8", "replace"))
        raise AudioError(N_("{what}: {reason}"), what=what, reason=reason)
    return proc


def run_ffmpeg(args: list[str], *, timeout: float = FFMPEG_TIMEOUT_S, what: str = "ffmpeg") -> str:
    """Run ffmpeg with ``args``; return its stderr. ``AudioError`` on failure or timeout."""
    return _ffmpeg(args, timeout, what).stderr.decode("utf-8", "replace")


# --- probing and importing ---------------------------------------------------------------------


def probe_duration(path: Path | str, shown: Path | str | None = None) -> float:
    """Duration in seconds (WAV read directly, anything else through ffprobe); errors name
    ``shown`` (e.g. the file the officer gave, of which ``path`` is a copy)."""
    path = Path(path)
    if not path.is_file():
        raise AudioError(N_("audio file not found: {file}"), file=str(shown or path))
    if path.suffix.lower() == ".wav":
        with contextlib.suppress(AudioError):
            return read_wav_info(path).duration_s
    argv = [_tool("ffprobe"), "-v", "error", "-show_entries", "format=duration"]
    argv += ["-of", "default=noprint_wrappers=1:nokey=1", str(path)]
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=60, check=False)
    except (subprocess.TimeoutExpired, OSError) as exc:
        raise AudioError(
            N_("cannot probe {file}: {reason}"), file=str(shown or path), reason=str(exc)
        ) from None
    out = proc.stdout.decode("utf-8", "replace").strip()
    try:
        return float(out)
    except ValueError:
        reason = _last_line(proc.stderr.decode("utf-8", "replace")).replace(str(path), "")
        reason = reason.strip(" :") or said("not audio ffmpeg can read")
        raise AudioError(
            N_("cannot read audio file {file}: {reason}"), file=str(shown or path), reason=reason
        ) from None


def _check_source(src: Path) -> None:
    if not src.is_file():
        raise AudioError(N_("audio file not found: {file}"), file=str(src))
    if src.suffix.lower() not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(s.lstrip(".") for s in SUPPORTED_SUFFIXES))
        raise AudioError(
            N_("unsupported audio file type {suffix!r}: use {kinds}"),
            suffix=src.suffix or "(none)",
            kinds=kinds,
        )


def import_audio(src: Path | str, dst_wav: Path | str, sample_rate: int = 44100) -> Path:
    """Convert mp3/wav/ogg/m4a/flac ``src`` to mono 16-bit PCM WAV at ``sample_rate``.

    ``AudioError`` (one line) for a missing, corrupt or unsupported file; ``dst_wav`` is
    only created when the conversion succeeded and holds audio.
    """
    src = Path(src)
    _check_source(src)
    what = said("cannot read audio file {file}", file=str(src))
    return convert_to_wav(src, Path(dst_wav), sample_rate, what=what)


def decode_pcm16(src: Path | str, sample_rate: int = 44100) -> bytes:
    """Decode ``src`` (any supported kind) by ffmpeg into mono 16-bit little-endian PCM at
    ``sample_rate``, returned as bytes (no file written). Errors as :func:`import_audio`."""
    src = Path(src)
    _check_source(src)
    args = ["-v", "error", "-i", str(src), "-vn", "-ac", "1", "-ar", str(sample_rate)]
    args += ["-c:a", "pcm_s16le", "-f", "s16le", "-"]
    data = _ffmpeg(args, FFMPEG_TIMEOUT_S, said("cannot read audio file {file}", file=str(src)))
    if len(data.stdout) < 2:
        raise AudioError(N_("cannot read audio file {file}: it holds no audio"), file=str(src))
    data = data.stdout
    return data[: len(data) // 2 * 2]


def convert_to_wav(
    src: Path, dst_wav: Path, sample_rate: int | None = None, what: str | None = None
) -> Path:
    """Convert any ffmpeg-readable file to 16-bit PCM WAV (mono), keeping or setting the rate.

    ``what`` starts the error message (default "cannot convert SRC")."""
    what = what or said("cannot convert {file}", file=str(src))
    with atomic_path(dst_wav) as tmp:
        args = ["-v", "error", "-y", "-i", str(src), "-vn", "-ac", "1"]
        if sample_rate:
            args += ["-ar", str(sample_rate)]
        args += ["-c:a", "pcm_s16le", *_BITEXACT, "-f", "wav", str(tmp)]
        run_ffmpeg(args, what=what)
        if read_wav_info(tmp).frames == 0:
            raise AudioError(N_("{what}: it holds no audio"), what=what)
    return Path(dst_wav)


# --- loudness ----------------------------------------------------------------------------------

_SUMMARY_I = re.compile(r"^\s*I:\s+(-?(?:[\d.]+|inf))\s+LUFS", re.MULTILINE)
_SUMMARY_PEAK = re.compile(r"^\s*Peak:\s+(-?(?:[\d.]+|inf))\s+dBFS", re.MULTILINE)


# framelog=verbose moves ebur128's per-frame lines below the default log level.
_EBUR128 = "ebur128=peak=true:framelog=verbose"


def _parse_ebur128(stderr: str, what: str) -> Loudness:
    """The integrated loudness and true peak from ffmpeg's ebur128 summary."""
    summary = stderr[stderr.rfind("Summary:") :]
    found_i, found_peak = _SUMMARY_I.search(summary), _SUMMARY_PEAK.search(summary)
    if "Summary:" not in stderr or not found_i or not found_peak:
        raise AudioError(N_("{what}: no ebur128 summary"), what=what)
    return Loudness(float(found_i.group(1)), float(found_peak.group(1)))


def measure_loudness(path: Path | str) -> Loudness:
    """Integrated loudness (LUFS) and true peak (dBTP) by ffmpeg's ``ebur128=peak=true``.

    This is the independent reference (any format, ~0.3 s per minute of audio); the
    numpy meter in :mod:`loabroadcast.speech.loudness` is what programme assembly uses.
    """
    path = Path(path)
    if not path.is_file():
        raise AudioError(N_("audio file not found: {file}"), file=str(path))
    what = said("cannot measure loudness of {file}", file=str(path))
    stderr = run_ffmpeg(["-i", str(path), "-af", _EBUR128, "-f", "null", "-"], what=what)
    return _parse_ebur128(stderr, what)
