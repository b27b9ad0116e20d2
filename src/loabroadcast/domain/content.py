"""What a message airs: read text (speech), a recording, or a live relay (tiếp âm); and
the live sources a relay takes its audio from. Stdlib only.

A relay is a message like any other (planned, approved, prioritised, logged) whose
content is a live source for a fixed length: the planner lays ``duration_s`` into the slot
as it lays a rendered file's length, and nothing is rendered for it.

A source is an upstream stream (``http(s)://`` — Icecast, a provincial radio's web stream:
MP3, AAC, Ogg/Opus) or a sound card's input (``input`` or ``input:DEVICE``, a receiver
wired into the line input).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit


def N_(message: str) -> str:
    """Marks an English catalog id for extraction (Babel knows ``N_``); the id is
    translated where it is shown. Domain imports nothing of the package's."""
    return message


class ContentKind(enum.StrEnum):
    SPEECH = "speech"  # text read aloud by a speech engine
    RECORDING = "recording"  # an audio file the officer handed in
    RELAY = "relay"  # a live source for a fixed length (tiếp âm)


class SourceKind(enum.StrEnum):
    STREAM = "stream"  # http(s):// — Icecast, a web radio stream
    INPUT = "input"  # the sound card's input (a receiver wired to the line input)


@dataclass(frozen=True)
class Source:
    """A live source a relay message takes its audio from."""

    code: str
    name: str
    kind: SourceKind
    url: str | None = None  # a stream's URL
    device: str | None = None  # an input's device (None: the default input)

    @property
    def target(self) -> str:
        """What the officer typed: the URL, ``input`` or ``input:DEVICE``."""
        if self.kind is SourceKind.STREAM:
            return self.url or ""
        return "input" + (f":{self.device}" if self.device else "")

    @property
    def shown(self) -> str:
        """The target with a stream's password hidden (for lists and logs)."""
        return masked(self.target) if self.kind is SourceKind.STREAM else self.target


class BadValue(ValueError):
    """A value an officer typed that cannot be used: an English message id and its
    parameters (the caller raises it as a ``LoaError``, translated where shown)."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code, self.params = code, params


STREAM_SCHEMES = ("http", "https")
MAX_URL = 2000
MAX_DEVICE = 200


def parse_target(text: str) -> tuple[SourceKind, str | None, str | None]:
    """``http(s)://…`` → (STREAM, url, None); ``input`` / ``input:DEVICE`` → (INPUT, None,
    device or None). Anything else is a :class:`BadValue`."""
    value = text.strip()
    head, sep, rest = value.partition(":")
    if head.lower() == "input":
        device = rest.strip() if sep else ""
        if sep and not device:
            raise BadValue(N_("input: needs a device after the colon, or write just input"))
        if len(device) > MAX_DEVICE or any(ord(c) < 32 for c in device):
            raise BadValue(N_("{device!r} is not a sound device name"), device=device[:60])
        return SourceKind.INPUT, None, device or None
    if not value:
        raise BadValue(N_("the source is empty: give a stream URL (http://…) or input[:DEVICE]"))
    if len(value) > MAX_URL or any(ord(c) < 33 for c in value):
        raise BadValue(N_("{url!r} is not a stream URL"), url=value[:60])
    try:
        parts = urlsplit(value)
        port = parts.port  # a bad port raises ValueError
    except ValueError:
        raise BadValue(N_("{url!r} is not a stream URL"), url=value[:60]) from None
    if parts.scheme.lower() not in STREAM_SCHEMES:
        raise BadValue(
            N_(
                "{url!r} is not a stream this station can relay: give an http:// or https:// "
                "URL (Icecast, a radio's web stream) or input[:DEVICE] for the sound card's input"
            ),
            url=value[:60],
        )
    if not parts.hostname:
        raise BadValue(N_("{url!r} names no server"), url=value[:60])
    del port
    return SourceKind.STREAM, value, None


def masked(url: str) -> str:
    """``url`` with the password of ``user:password@`` replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


# -- durations --------------------------------------------------------------------------

MIN_DURATION_S = 1.0
MAX_DURATION_S = 12 * 3600.0
_UNITS = re.compile(r"(\d+(?:[.,]\d+)?)\s*(h|m|s)", re.IGNORECASE)
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})$")


def parse_duration(text: str) -> float:
    """Seconds of ``30m``, ``1h``, ``45s``, ``1h30m``, ``2m30s`` or ``HH:MM:SS``."""
    value = text.strip().lower().replace(" ", "")
    seconds = _clock_form(value) if ":" in value else _unit_form(value)
    if seconds is None:
        raise BadValue(
            N_("{value!r} is not a length: write 30m, 1h, 45s, 1h30m or HH:MM:SS"),
            value=text.strip()[:40],
        )
    if not MIN_DURATION_S <= seconds <= MAX_DURATION_S:
        raise BadValue(
            N_("a relay lasts from 1 second to 12 hours, not {value}"), value=text.strip()[:40]
        )
    return seconds


def _clock_form(value: str) -> float | None:
    found = _CLOCK.match(value)
    if not found:
        return None
    hours, minutes, secs = (int(g) for g in found.groups())
    if minutes > 59 or secs > 59:
        return None
    return float(hours * 3600 + minutes * 60 + secs)


def _unit_form(value: str) -> float | None:
    if not value:
        return None
    total, pos, seen = 0.0, 0, set()
    for found in _UNITS.finditer(value):
        unit = found[2]
        if found.start() != pos or unit in seen:
            return None
        seen.add(unit)
        total += float(found[1].replace(",", ".")) * {"h": 3600, "m": 60, "s": 1}[unit]
        pos = found.end()
    if pos != len(value) or not seen:
        return None
    return total


def format_duration(seconds: float) -> str:
    """``H:MM:SS`` (or ``M:SS`` under an hour) of a whole number of seconds."""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
