"""Recorded announcements (``--audio``) taken into the station folder.

The officer's file is read once, in blocks: hashed and copied on the way into
``recordings/`` (bounded memory, an hour's WAV or more), probed for its length, and given
its content's name (``<sha256[:16]>.<kind>``) only when all of that succeeded; on any
failure (a FIFO or device named, a full disk, not audio, too long) nothing is left behind.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from .errors import AudioError, StoreError, os_reason
from .i18n import N_
from .userfiles import open_source

EDITABLE_AUDIO = (".mp3", ".wav", ".ogg", ".m4a", ".flac", ".aac", ".opus")
MAX_RECORDING_S = 6 * 3600  # repeated twice with chimes, still one WAV file (< 4 GB)
COPY_BLOCK = 1 << 20


def take_in(
    source: Path, folder: Path, check: Callable[[Path], None] | None = None
) -> tuple[Path, float, str]:
    """Copy ``source`` into ``folder`` under its content's name; returns (path, seconds,
    sha256 of the content). ``check`` is handed the copy before it is kept (it raises to
    refuse it: nothing is left behind)."""
    source = Path(source)
    suffix = source.suffix.lower()
    if suffix not in EDITABLE_AUDIO:
        raise AudioError(
            N_("{file} is not a supported audio file ({kinds})"),
            file=source.name,
            kinds=", ".join(EDITABLE_AUDIO),
        )
    from .speech.audio import probe_duration

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(
            N_("cannot write to {folder}: {reason}"), folder=str(folder), reason=os_reason(err)
        ) from None
    digest = hashlib.sha256()
    tmp = folder / f".incoming-{uuid.uuid4().hex[:12]}{suffix}"
    try:
        with open_source(source, N_("audio file")) as src:
            _copy(src, tmp, digest, source, folder)
        seconds = probe_duration(tmp, shown=source)
        if seconds > MAX_RECORDING_S:
            raise AudioError(
                N_("{file} lasts {hours:.1f} hours; a recording lasts at most {limit} hours"),
                file=source.name,
                hours=seconds / 3600,
                limit=MAX_RECORDING_S // 3600,
            )
        if check is not None:
            check(tmp)
        target = folder / f"{digest.hexdigest()[:16]}{suffix}"
        if not target.exists():
            os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target, seconds, digest.hexdigest()


def _copy(src, tmp: Path, digest, source: Path, folder: Path) -> None:
    try:
        with open(tmp, "xb") as out:
            for block in iter(lambda: src.read(COPY_BLOCK), b""):
                digest.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
    except OSError as err:
        raise StoreError(
            N_("cannot copy {file} into {folder}: {reason}"),
            file=str(source),
            folder=str(folder),
            reason=os_reason(err),
        ) from None
