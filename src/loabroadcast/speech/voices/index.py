"""The Piper voices index (``voices.json``) and what it says about each voice.

The public index is ``voices.json`` at the root of the rhasspy/piper-voices repository
(``[speech] voices_url``, a district may mirror it). It maps each voice key to::

    {"key": "vi_VN-vais1000-medium", "name": "vais1000", "quality": "medium",
     "language": {"code": "vi_VN", "family": "vi", "region": "VN",
                  "name_native": "Tiếng Việt", "name_english": "Vietnamese", …},
     "num_speakers": 1, "speaker_id_map": {}, "aliases": [],
     "files": {"vi/vi_VN/vais1000/medium/vi_VN-vais1000-medium.onnx":
                   {"size_bytes": 63201294, "md5_digest": "…"}, ….onnx.json, …/MODEL_CARD}}

File paths are relative to the index's folder. The public index gives each file's size and
**md5** digest only; a mirror may add ``sha256_digest``, which is then checked too.
Standard library only.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ...domain.errors import Invalid
from ...errors import LoaError
from ...i18n import N_

log = logging.getLogger("loabroadcast.voices")

INDEX_NAME = "voices.json"
MAX_INDEX_BYTES = 32 * 1024 * 1024  # the public index is well under 2 MB
MODEL_CARD = "MODEL_CARD"
_HEX = re.compile(r"^[0-9a-fA-F]+$")


class VoiceIndexError(LoaError):
    """The voice index cannot be reached or read."""


@dataclass(frozen=True)
class RemoteFile:
    """One file of a voice in the index: its path under the index's folder and checks."""

    path: str
    size_bytes: int
    md5: str | None = None
    sha256: str | None = None

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def checks(self) -> tuple[str, ...]:
        """The digests the index gives for this file (besides its size)."""
        return tuple(n for n, v in (("md5", self.md5), ("sha256", self.sha256)) if v)


@dataclass(frozen=True)
class VoiceEntry:
    """A voice the index offers (only the files loa installs: model, config, model card)."""

    key: str
    dataset: str
    language: str  # e.g. vi_VN
    family: str  # e.g. vi
    language_name: str  # e.g. Vietnamese
    quality: str
    num_speakers: int
    files: tuple[RemoteFile, ...] = field(default=())

    @property
    def size_bytes(self) -> int:
        return sum(f.size_bytes for f in self.files)

    @property
    def vietnamese(self) -> bool:
        return self.family.lower() == "vi"

    def to_json(self) -> dict[str, Any]:
        """The entry as the index writes it (kept beside an installed voice)."""
        files = {}
        for f in self.files:
            files[f.path] = {"size_bytes": f.size_bytes}
            if f.md5:
                files[f.path]["md5_digest"] = f.md5
            if f.sha256:
                files[f.path]["sha256_digest"] = f.sha256
        return {
            "key": self.key,
            "name": self.dataset,
            "language": {
                "code": self.language,
                "family": self.family,
                "name_english": self.language_name,
            },
            "quality": self.quality,
            "num_speakers": self.num_speakers,
            "files": files,
        }


@dataclass(frozen=True)
class VoiceIndex:
    """A parsed index: usable entries, and why others could not be used."""

    url: str
    voices: Mapping[str, VoiceEntry]
    broken: Mapping[str, ValueError] = field(default_factory=dict)  # why, said when shown


def index_url(base_url: str) -> str:
    """``voices.json`` under ``base_url`` (a base that already names a .json file is kept)."""
    base = base_url.strip()
    return base if base.endswith(".json") else f"{base.rstrip('/')}/{INDEX_NAME}"


def file_url(index: str, path: str) -> str:
    """URL of ``path`` (relative to the index's folder), each segment quoted."""
    folder = index.rsplit("/", 1)[0]
    return f"{folder}/{quote(path, safe='/')}"


def _safe_path(path: Any) -> bool:
    if not isinstance(path, str) or not path or "\\" in path or path.startswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


def _digest(value: Any, length: int) -> str | None:
    if isinstance(value, str) and len(value) == length and _HEX.match(value):
        return value.lower()
    return None


def _remote_file(path: str, info: Any) -> RemoteFile:
    if not _safe_path(path):
        raise Invalid(N_("unsafe file path {path!r}"), path=path)
    if not isinstance(info, dict):
        raise Invalid(N_("no size for {path}"), path=path)
    size = info.get("size_bytes")
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        raise Invalid(N_("no size for {path}"), path=path)
    md5 = _digest(info.get("md5_digest"), 32)
    sha256 = _digest(info.get("sha256_digest"), 64)
    if md5 is None and sha256 is None:
        raise Invalid(N_("no md5 or sha256 digest for {path}"), path=path)
    return RemoteFile(path, size, md5, sha256)


def parse_entry(key: str, raw: Any) -> VoiceEntry:
    """One index entry; ``ValueError`` saying what is wrong with it."""
    if not isinstance(raw, dict):
        raise Invalid(N_("not an object"))
    language = raw.get("language") if isinstance(raw.get("language"), dict) else {}
    files_raw = raw.get("files")
    if not isinstance(files_raw, dict):
        raise Invalid(N_("no files"))
    wanted = {f"{key}.onnx", f"{key}.onnx.json", MODEL_CARD}
    files = tuple(
        _remote_file(path, info)
        for path, info in sorted(files_raw.items())
        if isinstance(path, str) and path.rsplit("/", 1)[-1] in wanted
    )
    names = {f.name for f in files}
    for needed in (f"{key}.onnx", f"{key}.onnx.json"):
        if needed not in names:
            raise Invalid(N_("lists no {file}"), file=needed)
    speakers = raw.get("num_speakers")
    code = str(language.get("code") or key.split("-", 1)[0])
    return VoiceEntry(
        key=key,
        dataset=str(raw.get("name") or ""),
        language=code,
        family=str(language.get("family") or code.split("_", 1)[0]),
        language_name=str(language.get("name_english") or ""),
        quality=str(raw.get("quality") or ""),
        num_speakers=speakers if isinstance(speakers, int) and speakers > 0 else 1,
        files=files,
    )


def parse_index(url: str, data: Any) -> VoiceIndex:
    """Entries of a decoded ``voices.json``; a broken entry is set aside, not fatal."""
    if not isinstance(data, dict):
        raise VoiceIndexError(N_("{url} is not a Piper voices index"), url=url)
    voices, broken = {}, {}
    for key, raw in data.items():
        try:
            voices[key] = parse_entry(str(key), raw)
        except ValueError as exc:
            broken[str(key)] = exc  # shown in the reader's language
            log.debug("voice index %s: entry %s skipped: %s", url, key, exc)
    return VoiceIndex(url, voices, broken)
