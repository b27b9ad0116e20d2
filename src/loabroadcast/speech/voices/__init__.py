"""Piper voices for offline speech: the index, installing, removing, and which one speaks.

``loa voice list|install|remove|test`` call one function here each. Which installed voice
Piper speaks with (``choose_piper``): ``[speech] piper_voice``, else the operator's own
``[speech] piper_model`` file, else the only Vietnamese voice installed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ...config import Settings, SpeechSettings
from ...errors import Conflict, EngineUnavailable, LoaError, NotFound
from ...i18n import N_
from .fetch import DEFAULT_TIMEOUT_S, DownloadError, Progress, fetch_index
from .index import VoiceEntry, VoiceIndex, VoiceIndexError, index_url
from .library import InstalledVoice, VoiceLibrary, check_name

__all__ = [
    "DownloadError",
    "InstalledVoice",
    "PiperChoice",
    "VoiceEntry",
    "VoiceIndexError",
    "VoiceLibrary",
    "VoiceListing",
    "VoiceRow",
    "check_name",
    "choose_piper",
    "install_voice",
    "list_voices",
    "remove_voice",
]


class PiperChoice(NamedTuple):
    """The model Piper speaks with, or why there is none to use (``problem``)."""

    model: Path | None
    problem: LoaError | None = None


def choose_piper(speech: SpeechSettings, voices_dir: Path | None) -> PiperChoice:
    """``[speech] piper_voice`` (installed under ``voices_dir``), else ``piper_model``, else
    the only Vietnamese voice installed; ``PiperChoice(None)`` when there is none."""
    library = VoiceLibrary(voices_dir) if voices_dir is not None else None
    if speech.piper_voice:
        name = speech.piper_voice.strip()
        try:
            found = library.find(name) if library is not None else None
        except LoaError as err:  # a malformed name in loa.toml
            return PiperChoice(None, EngineUnavailable(N_("speech.piper_voice: {e}"), e=str(err)))
        if found is None:
            return PiperChoice(
                None,
                EngineUnavailable(
                    N_("piper voice {name} is not installed: run `loa voice install {name}`"),
                    name=name,
                ),
            )
        return PiperChoice(found.model)
    if speech.piper_model:
        return PiperChoice(Path(speech.piper_model).expanduser())
    if library is None:
        return PiperChoice(None)
    vietnamese = [v for v in library.installed() if v.vietnamese]
    if len(vietnamese) == 1:
        return PiperChoice(vietnamese[0].model)
    if vietnamese:
        return PiperChoice(
            None,
            EngineUnavailable(
                N_(
                    "several Vietnamese piper voices are installed ({names}): "
                    "choose one with piper_voice in [speech] of loa.toml"
                ),
                names=", ".join(v.name for v in vietnamese),
            ),
        )
    return PiperChoice(None)


# --- listing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceRow:
    """One voice as ``loa voice list`` shows it."""

    name: str
    language: str | None
    quality: str | None
    num_speakers: int | None
    size_bytes: int | None
    installed: bool
    available: bool  # the index offers it
    in_use: bool  # Piper (and ``auto`` offline) speaks with it
    model: str | None = None


@dataclass(frozen=True)
class VoiceListing:
    voices: list[VoiceRow]
    index_url: str
    index_error: str | None  # why the index could not be read (None: it was)
    choice_problem: str | None  # why no installed voice is used (several Vietnamese ones)


def list_voices(
    settings: Settings, *, all_languages: bool = False, timeout_s: float = DEFAULT_TIMEOUT_S
) -> VoiceListing:
    """Installed voices, and the index's Vietnamese voices (every language with
    ``all_languages``) when it can be reached; offline, the installed ones and why not."""
    library = VoiceLibrary(settings.voices_dir)
    choice = choose_piper(settings.speech, settings.voices_dir)
    index: VoiceIndex | None = None
    error = None
    try:
        index = fetch_index(settings.speech.voices_url, timeout_s)
    except VoiceIndexError as err:
        error = str(err)
    offered = index.voices if index is not None else {}
    rows = {}
    for v in library.installed():
        rows[v.name] = VoiceRow(
            name=v.name,
            language=v.language,
            quality=v.quality,
            num_speakers=v.num_speakers,
            size_bytes=v.size_bytes,
            installed=True,
            available=v.name in offered,
            in_use=choice.model is not None and choice.model == v.model,
            model=str(v.model),
        )
    for key, entry in offered.items():
        if key in rows or not (all_languages or entry.vietnamese):
            continue
        rows[key] = VoiceRow(
            name=key,
            language=entry.language,
            quality=entry.quality,
            num_speakers=entry.num_speakers,
            size_bytes=entry.size_bytes,
            installed=False,
            available=True,
            in_use=False,
        )
    problem = str(choice.problem) if choice.problem is not None else None
    return VoiceListing(
        voices=sorted(rows.values(), key=lambda r: (not r.installed, r.name)),
        index_url=index.url if index is not None else index_url(settings.speech.voices_url),
        index_error=error,
        choice_problem=problem,
    )


# --- installing and removing -------------------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    voice: InstalledVoice
    entry: VoiceEntry
    fresh: bool  # False: it was installed already, with the very same files
    in_use: bool  # Piper speaks with it now
    checks: tuple[str, ...]  # the digests verified (md5, sha256), besides sizes


def install_voice(
    settings: Settings,
    name: str,
    *,
    replace: bool = False,
    on_start: Callable[[VoiceEntry], None] | None = None,
    progress: Progress | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    sleep: Callable[[float], None] | None = None,
) -> Installed:
    """Install voice ``name`` from the index: ``on_start(entry)`` before the download,
    ``progress(n)`` for every ``n`` bytes. Installed already with the index's very files:
    nothing is downloaded (``fresh=False``); with other files: ``Conflict`` unless
    ``replace``."""
    check_name(name)
    index = fetch_index(settings.speech.voices_url, timeout_s)
    entry = index.voices.get(name)
    if entry is None:
        if name in index.broken:
            raise VoiceIndexError(
                N_("the index entry of voice {name} cannot be used: {reason}"),
                name=name,
                reason=index.broken[name],
            )
        raise NotFound(
            N_("voice {name} is not in the index {url} (see `loa voice list --all`)"),
            name=name,
            url=index.url,
        )
    library = VoiceLibrary(settings.voices_dir)
    present = library.find(name)
    checks = tuple(sorted({c for f in entry.files for c in f.checks}))
    if present is not None and not replace:
        if _same_files(present, entry):
            return Installed(present, entry, False, _in_use(settings, present), checks)
        raise Conflict(
            N_(
                "voice {name} is installed already, with other files than the index's: "
                "add --force to replace it"
            ),
            name=name,
        )
    if on_start is not None:
        on_start(entry)
    voice = library.install(
        entry, index.url, timeout_s=timeout_s, progress=progress, replace=True, sleep=sleep
    )
    return Installed(voice, entry, True, _in_use(settings, voice), checks)


def _same_files(voice: InstalledVoice, entry: VoiceEntry) -> bool:
    return voice.index_files == entry.to_json()["files"]


def _in_use(settings: Settings, voice: InstalledVoice) -> bool:
    return choose_piper(settings.speech, settings.voices_dir).model == voice.model


def remove_voice(settings: Settings, name: str) -> None:
    """Remove an installed voice (and any partial download of it). The voice
    ``[speech] piper_voice`` names is refused: change loa.toml first."""
    check_name(name)
    if (settings.speech.piper_voice or "").strip() == name:
        raise Conflict(
            N_(
                "voice {name} is in use (piper_voice in [speech] of loa.toml): "
                "change that setting first"
            ),
            name=name,
        )
    if not VoiceLibrary(settings.voices_dir).remove(name):
        raise NotFound(N_("voice {name} is not installed (see `loa voice list`)"), name=name)
