"""Content-addressed render cache.

Every render (a piece of speech, a whole programme) is stored as ``root/ab/abcdef….wav``
where ``abcdef…`` is the sha256 of everything that shapes the audio: a format version,
the kind, the normalised text, the engine, voice and speed, and for programmes the
assembly settings and the keys of their parts. Beside it a small ``….json`` sidecar
records the file's sha256, which engine really spoke, whether it was a fallback, and
(for programmes) duration and loudness.

A hit re-hashes the file and compares it with the sidecar: a file changed on disk is
logged as a warning and rendered again. Files are written atomically (temp file in the
same folder, fsync, ``os.replace``), so a crash or a full disk never leaves a partial
render behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import shutil
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

from ..atomic import atomic_path, atomic_write_text
from ..clock import Clock, SystemClock
from ..errors import AudioError, SpeechError, os_reason
from ..i18n import N_
from .audio import sha256_file
from .engines.base import Engine

log = logging.getLogger("loabroadcast.speech")

FORMAT_VERSION = 1
STALE_TEMP_S = 3600.0


@dataclass(frozen=True)
class CachedAudio:
    """A verified file in the cache and what produced it."""

    key: str
    path: Path
    sha256: str
    engine: str
    voice: str | None
    fallback: bool = False
    detail: str | None = None
    hit: bool = False
    meta: Mapping[str, Any] = field(default_factory=dict)


def canonical_text(text: str) -> str:
    """NFC, whitespace collapsed inside lines, blank lines dropped: what is keyed and spoken."""
    lines = (" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines())
    return "\n".join(line for line in lines if line)


def make_key(kind: str, **fields: Any) -> str:
    """sha256 over the format version, ``kind`` and ``fields`` (JSON, sorted keys)."""
    payload = {"format": FORMAT_VERSION, "kind": kind, **fields}
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def speech_key(text: str, engine: Engine) -> str:
    """Cache key of ``text`` spoken by ``engine`` (name, voice, speed, and its ``tuning``
    when it has one: pace and pauses)."""
    speed = round(float(getattr(engine, "speed", 1.0)), 3)
    tuning = getattr(engine, "tuning", None)
    return make_key(
        "speech",
        text=canonical_text(text),
        engine=engine.name,
        voice=engine.voice,
        speed=speed,
        **({"tuning": tuning} if tuning else {}),
    )


class RenderCache:
    """Content-addressed WAV renders under ``root`` (thread-safe per key)."""

    def __init__(self, root: Path | str, clock: Clock | None = None):
        self.root = Path(root)
        self.clock = clock or SystemClock()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise AudioError(
                N_("cannot write the render cache {folder}: {reason}"),
                folder=str(self.root),
                reason=os_reason(err),
            ) from None
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    # --- paths and keys ------------------------------------------------------------------------

    key = staticmethod(make_key)

    def path_for(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.wav"

    def sidecar_for(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def _lock(self, key: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(key, threading.Lock())

    # --- reading -------------------------------------------------------------------------------

    def _read_sidecar(self, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self.sidecar_for(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
            return None
        return data if data.get("key") == key and data.get("sha256") else None

    def lookup(self, key: str) -> CachedAudio | None:
        """The verified entry for ``key``, or None (missing, incomplete or changed on disk)."""
        meta = self._read_sidecar(key)
        path = self.path_for(key)
        if meta is None or not path.is_file():
            return None
        try:
            actual = sha256_file(path)
        except AudioError:
            return None
        if actual != meta["sha256"]:
            log.warning(
                N_(
                    "render cache: %(path)s changed on disk (sha256 %(now)s…, recorded "
                    "%(then)s…); rendering again"
                ),
                {"path": path, "now": actual[:12], "then": str(meta["sha256"])[:12]},
            )
            return None
        return _entry(key, path, meta, hit=True)

    # --- writing -------------------------------------------------------------------------------

    def store(
        self, key: str, kind: str, produce: Callable[[Path], Mapping[str, Any]]
    ) -> CachedAudio:
        """Run ``produce(tmp_wav)`` and file its output under ``key``.

        ``produce`` writes a WAV to the path it is given and returns metadata (``engine``,
        ``voice``, ``fallback``, ``detail``, anything else JSON-able). Nothing is left behind
        when it (or the write) fails.
        """
        try:
            return self._store(key, kind, produce)
        except OSError as err:  # a full disk, a read-only folder: one line, nothing left
            raise AudioError(
                N_("cannot write the render cache {folder}: {reason}"),
                folder=str(self.root),
                reason=os_reason(err),
            ) from None

    def _store(
        self, key: str, kind: str, produce: Callable[[Path], Mapping[str, Any]]
    ) -> CachedAudio:
        path = self.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            produced = dict(produce(tmp))
            if not tmp.is_file() or tmp.stat().st_size <= 44:
                raise SpeechError(N_("render produced no audio ({kind})"), kind=kind)
            meta = {
                "format": FORMAT_VERSION,
                "key": key,
                "kind": kind,
                "sha256": sha256_file(tmp),
                "created": self.clock.now().astimezone(UTC).isoformat(timespec="seconds"),
                **produced,
            }
        try:
            atomic_write_text(self.sidecar_for(key), json.dumps(meta, ensure_ascii=False, indent=1))
        except BaseException:
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        return _entry(key, path, meta, hit=False)

    def get_or_create(
        self,
        key: str,
        kind: str,
        produce: Callable[[Path], Mapping[str, Any]],
        *,
        force: bool = False,
    ) -> CachedAudio:
        """A verified hit for ``key``, else a fresh render (always fresh when ``force``)."""
        with self._lock(key):
            found = None if force else self.lookup(key)
            return found if found is not None else self.store(key, kind, produce)

    def speech(self, text: str, engine: Engine, *, force: bool = False) -> CachedAudio:
        """``text`` spoken by ``engine``; a hit does not run the engine."""
        spoken = canonical_text(text)
        if not spoken:
            raise SpeechError(N_("nothing to speak (empty text)"))

        def produce(tmp: Path) -> dict[str, Any]:
            result = engine.synthesize(spoken, tmp)
            return {
                "engine": result.engine,
                "voice": result.voice,
                "fallback": result.fallback,
                "detail": result.detail,
                "requested": {"engine": engine.name, "voice": engine.voice},
                "chars": len(spoken),
            }

        return self.get_or_create(speech_key(spoken, engine), "speech", produce, force=force)

    # --- housekeeping --------------------------------------------------------------------------

    def keys(self) -> set[str]:
        """Keys of every entry with a sidecar (verified or not)."""
        return {p.stem for p in self.root.glob("??/*.json")}

    def _closure(self, keep: Iterable[str]) -> set[str]:
        """``keep`` plus every key its entries were assembled from (their ``parts``)."""
        todo, seen = list(keep), set()
        while todo:
            key = todo.pop()
            if key in seen:
                continue
            seen.add(key)
            meta = self._read_sidecar(key) or {}
            todo.extend(p for p in meta.get("parts", {}).values() if isinstance(p, str))
        return seen

    def prune(self, keep: set[str]) -> list[Path]:
        """Delete every entry not in ``keep`` (nor a part of a kept programme); return them.

        Temporary files and work folders older than an hour (left by a crash) go too.
        """
        wanted = self._closure(keep)
        removed: list[Path] = []
        now = self.clock.now().timestamp()  # against file mtimes: the real clock in use
        for path in sorted(self.root.glob("??/*")):
            if path.name.startswith("."):
                if now - _mtime(path, now) < STALE_TEMP_S:
                    continue  # may belong to a render in progress
            elif path.suffix not in (".wav", ".json") or path.stem in wanted:
                continue
            with contextlib.suppress(FileNotFoundError):
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                removed.append(path)
        return removed


def _mtime(path: Path, default: float) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return default


def _entry(key: str, path: Path, meta: Mapping[str, Any], *, hit: bool) -> CachedAudio:
    return CachedAudio(
        key=key,
        path=path,
        sha256=str(meta["sha256"]),
        engine=str(meta.get("engine", "")),
        voice=meta.get("voice"),
        fallback=bool(meta.get("fallback", False)),
        detail=meta.get("detail"),
        hit=hit,
        meta=dict(meta),
    )
