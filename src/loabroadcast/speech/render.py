"""The one entry point services call to turn an approved message into programme audio."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from ..config import SpeechSettings
from ..domain.models import Message, RenderRecord
from ..errors import AudioError, SpeechError
from ..i18n import N_
from ..resources import audio_asset
from .audio import SUPPORTED_SUFFIXES, sha256_file
from .cache import CachedAudio, RenderCache, canonical_text
from .engines import get_engine
from .engines.base import MAX_TEXT_CHARS, Engine

log = logging.getLogger("loabroadcast.speech")

RECORDING_ENGINE = "recording"


def checked_text(message: Message, spoken_text: str | None) -> str:
    """The spoken text of ``message`` as the engine reads it (``SpeechError`` when there is
    nothing to read or too much)."""
    return _checked_text(message, spoken_text)


def _checked_text(message: Message, spoken_text: str | None) -> str:
    text = canonical_text(spoken_text or "")
    if not text:
        raise SpeechError(
            N_("message {id} has nothing to speak after normalisation"), id=message.id
        )
    if len(text) > MAX_TEXT_CHARS:
        raise SpeechError(
            N_(
                "message {id} is too long to speak: {count:,} characters "
                "(at most {limit:,}); split it into several messages"
            ),
            id=message.id,
            count=len(text),
            limit=MAX_TEXT_CHARS,
        )
    return text


def _recording(message: Message) -> tuple[Path, str]:
    """The recorded file and its sha256, after checking it exists and is a known kind."""
    path = Path(str(message.audio_path)).expanduser()
    if not path.is_file():
        raise AudioError(
            N_("message {id}: audio file not found: {file}"), id=message.id, file=str(path)
        )
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise AudioError(
            N_("message {id}: unsupported audio file type {suffix!r}"),
            id=message.id,
            suffix=path.suffix,
        )
    return path, sha256_file(path)


def render_message(
    message: Message,
    spoken_text: str | None,
    settings: SpeechSettings,
    cache: RenderCache,
    engine: Engine | None = None,
    *,
    force: bool = False,
    check_body: Callable[[Path], None] | None = None,
) -> RenderRecord:
    """Render ``message`` into a cached programme and describe it.

    Text messages speak ``spoken_text`` (already normalised); recorded messages
    (``message.audio_path``) import the file. Both get the same chimes, lead-in, repeats
    with reminder and loudness. ``force`` renders again even on a cache hit (e.g. to replace
    an espeak-ng fallback by gTTS once online). The speech engine defaults to
    ``settings.engine``. ``check_body`` is handed the spoken body's file before anything
    is assembled (it raises to refuse it, e.g. silent speech).
    """
    repeat = max(1, int(message.repeat or 1))

    def speak(text: str, *, refresh: bool = False) -> CachedAudio:
        nonlocal engine
        if engine is None:  # built on first use: a recording alone needs no engine
            engine = get_engine(settings.engine, settings)
        return cache.speech(text, engine, force=refresh)

    if message.audio_path:
        body_path, body_sha = _recording(message)
        body: CachedAudio | None = None
        body_id = f"recording:{body_sha}"
    else:
        body = speak(_checked_text(message, spoken_text), refresh=force)
        body_path, body_id = body.path, body.key
        if check_body is not None:
            check_body(body_path)
    lead = speak(settings.lead_in) if settings.lead_in.strip() else None
    reminder = speak(settings.reminder) if repeat > 1 and settings.reminder.strip() else None
    chimes = (
        _chime(settings.chime_in, "chime_in.wav"),
        _chime(settings.chime_out, "chime_out.wav"),
    )
    parts = {"body": body_id, "lead_in": lead and lead.key, "reminder": reminder and reminder.key}
    key = cache.key(
        "programme",
        parts=parts,
        repeat=repeat,
        chimes=[sha256_file(p) for p in chimes],
        pause_ms=int(settings.pause_ms),
        target_lufs=float(settings.target_lufs),
        true_peak_db=float(settings.true_peak_db),
        sample_rate=int(settings.sample_rate),
    )
    spoken = [p for p in (body, lead, reminder) if p is not None]

    def produce(tmp: Path) -> dict[str, Any]:
        from .programme import ProgrammeParts, assemble  # numpy and pydub: only to assemble

        programme = ProgrammeParts(
            body=body_path,
            repeat=repeat,
            lead_in=lead.path if lead else None,
            reminder=reminder.path if reminder else None,
            chime_in=chimes[0],
            chime_out=chimes[1],
        )
        audio = assemble(programme, settings, tmp)
        return {
            "engine": body.engine if body else RECORDING_ENGINE,
            "voice": body.voice if body else None,
            "fallback": any(p.fallback for p in spoken),
            "detail": next((p.detail for p in spoken if p.detail), None),
            "parts": {k: v for k, v in parts.items() if v and not v.startswith("recording:")},
            "source": str(body_path) if body is None else None,
            "duration_s": round(audio.duration_s, 3),
            "loudness_lufs": audio.loudness.integrated_lufs,
            "true_peak_dbtp": audio.loudness.true_peak_dbtp,
        }

    entry = cache.get_or_create(key, "programme", produce, force=force)
    if not entry.hit:
        log.info(
            N_("rendered message %(id)s: %(file)s (%(engine)s)"),
            {"id": message.id, "file": entry.path.name, "engine": entry.engine},
        )
    return _record(message.id, entry)


def _chime(configured: str | None, shipped: str) -> Path:
    """The station's own chime when ``[speech]`` names one, else the shipped asset."""
    if not configured:
        return audio_asset(shipped)
    path = Path(configured).expanduser()
    if not path.is_file():
        raise AudioError(f"chime {path} does not exist (see [speech] in loa.toml)")
    return path


def _created(entry: CachedAudio) -> datetime | None:
    try:
        return datetime.fromisoformat(str(entry.meta["created"]))
    except (KeyError, ValueError):
        return None


def _record(message_id: int, entry: CachedAudio) -> RenderRecord:
    loudness = entry.meta.get("loudness_lufs")
    return RenderRecord(
        message_id=message_id,
        key=entry.key,
        path=entry.path,
        engine=entry.engine,
        voice=entry.voice,
        duration_s=float(entry.meta.get("duration_s", 0.0)),
        loudness_lufs=float(loudness) if loudness is not None else None,
        sha256=entry.sha256,
        fallback=entry.fallback,
        created_at=_created(entry),
    )


def verify_render(record: RenderRecord) -> bool:
    """True when the file of ``record`` still exists with the sha256 that was approved."""
    try:
        return Path(record.path).is_file() and sha256_file(record.path) == record.sha256
    except AudioError:
        return False
