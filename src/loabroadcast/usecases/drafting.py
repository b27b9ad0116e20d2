"""A message draft checked and copied onto its row: title, text or recording, blocks,
slots, dates, priority, repeats (moved here from ``services.Station``).

A message sent to several stations links each station's own blocks and slots of the
codes given: every station must have them (``--blocks all`` is each one's every block).
"""

from __future__ import annotations

from pathlib import Path

from ..domain import parse as p
from ..domain.content import ContentKind
from ..drafts import MessageDraft
from ..errors import InvalidInput, NotFound
from ..i18n import N_, dates
from ..recordings import take_in
from ..store import repo
from ..store.models import BlockRow, MessageRow, SlotRow, StationRow
from ..store.scope import Scope
from ..store.sources import source_by_code
from ..userfiles import find_control
from .base import StationContext
from .stations import lookup

MAX_TEXT_CHARS = 20_000


class Applied:
    """What copying a draft did: text warnings, and the sha256 of a new recording."""

    def __init__(self, warnings: tuple[str, ...] = (), recording_sha256: str | None = None):
        self.warnings = warnings
        self.recording_sha256 = recording_sha256


def apply(
    ctx: StationContext,
    s,
    row: MessageRow,
    d: MessageDraft,
    creating: bool,
    stations: list[StationRow] | None = None,
) -> Applied:
    """Copy the given fields of ``d`` onto ``row``, validating each; ``stations``: those the
    message is sent to (default: its own)."""
    stations = stations or list(row.stations)
    done = Applied()
    if d.title is not None:
        title = p.nfc(d.title).strip()
        if not title:
            raise InvalidInput(N_("{option} is empty"), option="--title")
        row.title = title
    if d.text is not None:
        row.text = check_text(ctx, d.text)
        row.audio_path = None
        row.audio_duration_s = None
        done.warnings = ctx.text_warnings(row.text)
        _content(row, ContentKind.SPEECH)
    if d.audio is not None:
        row.audio_path, row.audio_duration_s, done.recording_sha256, done.warnings = store_audio(
            ctx, d.audio
        )
        row.text = None
        _content(row, ContentKind.RECORDING)
    if d.relay is not None:
        source = source_by_code(s, ctx.scope, d.relay.strip())
        if source is None:
            raise NotFound(N_("no source {code}: add it with `loa source add`"), code=d.relay)
        row.text = row.audio_path = row.audio_duration_s = None
        _content(row, ContentKind.RELAY, source.code)
    _relay_length(row, d)
    if d.blocks is not None:
        if [b.lower() for b in d.blocks] == ["all"]:
            row.all_blocks = True
            row.blocks = []
        else:
            row.all_blocks = False
            row.blocks = linked(s, stations, repo.block_by_code, d.blocks, "block")
    if d.slots is not None:
        row.slots = linked(s, stations, repo.slot_by_code, d.slots, "slot")
    if d.priority is not None:
        row.priority = int(d.priority)
    if d.repeat is not None:
        if not 1 <= d.repeat <= 10:
            raise InvalidInput(N_("--repeat must be between 1 and 10"))
        row.repeat = d.repeat
    if d.max_airings is not None:
        if d.max_airings < 1:
            raise InvalidInput(N_("--max-airings must be at least 1"))
        row.max_airings = d.max_airings
    if d.valid_from is not None:
        row.valid_from = d.valid_from
    if d.valid_until is not None:
        row.valid_until = d.valid_until
    if row.valid_from and row.valid_until and row.valid_until < row.valid_from:
        raise InvalidInput(
            N_("--until {until} is before --from {first}"),
            until=dates.day(row.valid_until),
            first=dates.day(row.valid_from),
        )
    if creating and row.valid_until and row.valid_until < ctx.today():
        raise InvalidInput(N_("--until {until} is already past"), until=dates.day(row.valid_until))
    if d.category is not None:
        row.category = p.nfc(d.category).strip() or None
    if d.source is not None:
        row.source = p.nfc(d.source).strip() or None
    return done


_MISSING = {
    "block": N_("station {station} has no block {code}"),
    "slot": N_("station {station} has no slot {code}"),
}


def linked(
    s, stations: list[StationRow], finder, codes, what: str
) -> list[BlockRow] | list[SlotRow]:
    """Each station's row of each code; a code one of them lacks is refused, naming it."""
    if len(stations) == 1:
        scope = Scope.of(stations[0].id)
        return [lookup(s, finder, scope, c, what) for c in codes]
    found = []
    for station in stations:
        for code in codes:
            row = finder(s, Scope.of(station.id), code)
            if row is None:
                raise NotFound(_MISSING[what], station=station.code, code=code)
            found.append(row)
    return found


def _content(row: MessageRow, kind: ContentKind, source: str | None = None) -> None:
    row.content_kind = kind.value
    row.relay_source = source
    if kind is not ContentKind.RELAY:
        row.duration_s = None


def _relay_length(row: MessageRow, d: MessageDraft) -> None:
    """A relay airs for its ``--duration``, once; the other kinds take neither."""
    relay = row.content_kind == ContentKind.RELAY.value
    if d.duration_s is not None:
        if not relay:
            raise InvalidInput(
                N_("--duration is the length of a relay: give --relay CODE with it (a text or "
                   "recording lasts as long as its audio)")
            )  # fmt: skip
        row.duration_s = d.duration_s
    if relay and row.duration_s is None:
        raise InvalidInput(N_("a relay needs --duration, e.g. --duration 30m"))
    if relay and (d.repeat or 1) > 1:
        raise InvalidInput(
            N_("--repeat reads a text or a recording again; a relay airs once, for its --duration")
        )
    if relay:
        row.repeat = 1


def check_text(ctx: StationContext, text: str) -> str:
    text = p.nfc(text).strip()
    if not text:
        raise InvalidInput(N_("the message text is empty"))
    found = find_control(text)
    if found is not None:
        line, column, char = found
        raise InvalidInput(
            N_(
                "the message text holds a control character ({code}) at line {line}, "
                "column {column}: only text, newlines and tabs can be read aloud"
            ),
            code=f"U+{ord(char):04X}",
            line=line,
            column=column,
        )
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(
            N_("the message text has {count:,} characters; the limit is {limit:,}"),
            count=len(text),
            limit=MAX_TEXT_CHARS,
        )
    from ..text.normalize import normalize

    spoken = normalize(text, ctx.user_dictionary()).text
    if not spoken.strip(" .,;:!?-\n"):
        raise InvalidInput(N_("the message text has nothing to read aloud"))
    if len(spoken) > MAX_TEXT_CHARS:
        raise InvalidInput(
            N_(
                "read aloud, the text has {count:,} characters (numbers and abbreviations "
                "spelled out); the limit is {limit:,}: split it into two messages"
            ),
            count=len(spoken),
            limit=MAX_TEXT_CHARS,
        )
    return text


def store_audio(ctx: StationContext, source: Path) -> tuple[str, float, str, tuple[str, ...]]:
    """Copy a recorded announcement into the station folder (read once, hashed on the way,
    bounded memory), refused when it is silent or nearly; returns (path, seconds, sha256,
    notes on stretches of dead air in it)."""
    from ..sources.levels import require_audible

    found: list = []

    def check(copy: Path) -> None:
        found.append(require_audible(copy, ctx.settings.playback, shown=source.name))

    path, seconds, digest = take_in(source, ctx.settings.home / "recordings", check=check)
    notes = found[0].dead_air_notes(source.name) if found else ()
    return str(path), seconds, digest, notes
