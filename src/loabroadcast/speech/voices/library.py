"""Piper voices installed in the station folder: ``LOA_HOME/voices/NAME/``.

Each voice folder holds ``NAME.onnx``, ``NAME.onnx.json``, the voice's ``MODEL_CARD`` (its
licence) when the index lists one, and ``voice.json``: the index entry it was installed
from, the URL and each file's sha256. A voice is downloaded into
``voices/.partial/NAME/`` (kept between runs, so a broken download resumes), checked, and
only then moved into place with one rename: a voice folder is always whole. One
``voice install`` or ``voice remove`` runs at a time (a lock file on POSIX).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...atomic import atomic_write_text
from ...errors import Conflict, InvalidInput, NotFound
from ...i18n import N_
from .fetch import DEFAULT_TIMEOUT_S, Progress, download_file
from .index import VoiceEntry, file_url

log = logging.getLogger("loabroadcast.voices")

MANIFEST = "voice.json"
PARTIAL = ".partial"
# Piper voice names: vi_VN-vais1000-medium, vi_VN-vivos-x_low. No dots, no separators.
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,127}$")


def check_name(name: str) -> str:
    """``name`` when it can name a voice (and a folder); ``InvalidInput`` otherwise."""
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise InvalidInput(
            N_("'{name}' is not a voice name (letters, digits, '_' and '-', like {example})"),
            name=name,
            example="vi_VN-vais1000-medium",
        )
    return name


@dataclass(frozen=True)
class InstalledVoice:
    """A voice folder that holds a model and its config."""

    name: str
    folder: Path
    language: str | None  # e.g. vi_VN (from the voice's config)
    quality: str | None
    num_speakers: int
    size_bytes: int
    source: str | None = None  # the index it was installed from (None: copied by hand)
    index_files: dict | None = None  # the files as that index described them

    @property
    def model(self) -> Path:
        return self.folder / f"{self.name}.onnx"

    @property
    def vietnamese(self) -> bool:
        return (self.language or "").lower().startswith("vi")


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _describe(folder: Path) -> InstalledVoice | None:
    name = folder.name
    model, config = folder / f"{name}.onnx", folder / f"{name}.onnx.json"
    if not (model.is_file() and config.is_file()):
        return None
    conf = _read_json(config)
    language = conf.get("language") if isinstance(conf.get("language"), dict) else {}
    espeak = conf.get("espeak") if isinstance(conf.get("espeak"), dict) else {}
    audio = conf.get("audio") if isinstance(conf.get("audio"), dict) else {}
    code = language.get("code") or espeak.get("voice")
    speakers = conf.get("num_speakers")
    manifest = _read_json(folder / MANIFEST)
    entry = manifest.get("entry") if isinstance(manifest.get("entry"), dict) else {}
    files = entry.get("files")
    return InstalledVoice(
        name=name,
        folder=folder,
        language=str(code) if code else None,
        quality=str(audio.get("quality")) if audio.get("quality") else None,
        num_speakers=speakers if isinstance(speakers, int) and speakers > 0 else 1,
        size_bytes=sum(p.stat().st_size for p in folder.iterdir() if p.is_file()),
        source=manifest.get("source") if isinstance(manifest.get("source"), str) else None,
        index_files=files if isinstance(files, dict) else None,
    )


class VoiceLibrary:
    """The voices under ``root`` (``LOA_HOME/voices``)."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def folder(self, name: str) -> Path:
        return self.root / check_name(name)

    def installed(self) -> list[InstalledVoice]:
        """Every whole voice folder, by name."""
        try:
            folders = sorted(p for p in self.root.iterdir() if p.is_dir())
        except (FileNotFoundError, NotADirectoryError):
            return []
        found = (_describe(p) for p in folders if NAME_RE.match(p.name))
        return [v for v in found if v is not None]

    def find(self, name: str) -> InstalledVoice | None:
        folder = self.folder(name)
        return _describe(folder) if folder.is_dir() else None

    def get(self, name: str) -> InstalledVoice:
        found = self.find(name)
        if found is None:
            raise NotFound(N_("voice {name} is not installed (see `loa voice list`)"), name=name)
        return found

    def partial(self, name: str) -> Path:
        return self.root / PARTIAL / check_name(name)

    # --- installing ----------------------------------------------------------------------------

    def install(
        self,
        entry: VoiceEntry,
        index_url: str,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        progress: Progress | None = None,
        replace: bool = False,
        sleep: Callable[[float], None] | None = None,
    ) -> InstalledVoice:
        """Download ``entry``'s files (resuming a partial download), check each against the
        index, and move the voice into place in one rename. ``Conflict`` when it is
        installed already (unless ``replace``)."""
        name = check_name(entry.key)
        with self._locked():
            if self.find(name) is not None and not replace:
                raise Conflict(N_("voice {name} is installed already"), name=name)
            staging = self._staging(entry)
            hashes = {}
            for remote in entry.files:
                extra = {"sleep": sleep} if sleep is not None else {}
                part = staging / f"{remote.name}.part"
                url = file_url(index_url, remote.path)
                hashes[remote.name] = download_file(
                    url, part, remote, timeout_s=timeout_s, progress=progress, **extra
                )
            for remote in entry.files:
                os.replace(staging / f"{remote.name}.part", staging / remote.name)
            manifest = {
                "source": index_url,
                "entry": entry.to_json(),
                "sha256": hashes,
            }
            atomic_write_text(staging / MANIFEST, json.dumps(manifest, indent=1) + "\n")
            self._move_into_place(staging, self.root / name)
        return self.get(name)

    def _staging(self, entry: VoiceEntry) -> Path:
        """``.partial/NAME``: kept when it was for the same files, emptied otherwise."""
        staging = self.partial(entry.key)
        expect = {"files": entry.to_json()["files"]}
        marker = staging / "expect.json"
        if staging.is_dir() and _read_json(marker) != expect:
            shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True, exist_ok=True)
        if not marker.is_file():
            atomic_write_text(marker, json.dumps(expect, indent=1) + "\n")
        return staging

    def _move_into_place(self, staging: Path, final: Path) -> None:
        (staging / "expect.json").unlink(missing_ok=True)
        old = None
        if final.exists():
            old = self.root / PARTIAL / f"old-{final.name}-{uuid.uuid4().hex[:8]}"
            os.replace(final, old)
        os.replace(staging, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        with contextlib.suppress(OSError):
            staging.parent.rmdir()  # .partial, when nothing else is pending

    # --- removing ------------------------------------------------------------------------------

    def remove(self, name: str) -> bool:
        """Remove voice ``name`` and any partial download of it; False when neither was
        there. The folder is renamed away first, so it is never left half-deleted."""
        name = check_name(name)
        with self._locked():
            removed = False
            partial = self.partial(name)
            if partial.is_dir():
                shutil.rmtree(partial, ignore_errors=True)
                removed = True
            folder = self.folder(name)
            if folder.is_dir():
                trash = self.root / PARTIAL / f"old-{name}-{uuid.uuid4().hex[:8]}"
                trash.parent.mkdir(parents=True, exist_ok=True)
                os.replace(folder, trash)
                shutil.rmtree(trash, ignore_errors=True)
                removed = True
            with contextlib.suppress(OSError):
                (self.root / PARTIAL).rmdir()
            return removed

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # Windows: no lock
            yield
            return
        with open(self.root / ".lock", "a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise Conflict(
                    N_("another `loa voice` command is installing or removing a voice: wait for it")
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
