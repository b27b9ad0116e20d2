"""Reports upward (``loa report``): the as-run log of a period and what the plan asked for.

Read-only, through the plain-SQL path (``store.report_reads`` on a ``store.reader.Reader``)
in one read transaction, so ``loa report`` on the SQLite default never imports SQLAlchemy.
The figures themselves are pure functions of what is read here (``reports.rows``; its
docstring defines every figure, "minutes requested" included).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import partial

from ..clock import Clock
from ..config import Settings
from ..domain import AiringStatus, Message, MessageStatus, Priority
from ..domain.calendar import HolidaySource
from ..domain.planner import PlanInput, estimate_duration, plan
from ..listings import Listings
from ..reports.period import Period
from ..reports.rows import (
    Aired,
    Breakdown,
    Catalogue,
    ContentKind,
    Dimension,
    MessageInfo,
    Requested,
    Summary,
    breakdown,
    requested_from_plan,
    summary,
)
from ..store import queries
from ..store import report_reads as reads
from ..store.reader import Reader

# occurrence keys of play-now airings: play-now/REQ/MSG (before schema 0018: STATION/play-…)
PLAY_NOW_KEY = "play-now/"


@dataclass(frozen=True)
class PeriodLog:
    """What aired and what was asked for in a period, ready for ``reports.rows``."""

    period: Period
    made_at: datetime  # station time
    aired: tuple[Aired, ...]
    requested: tuple[Requested, ...]
    catalogue: Catalogue

    def breakdown(self, by: Dimension | str) -> Breakdown:
        return breakdown(by, self.aired, self.requested, self.catalogue)

    def summary(self) -> Summary:
        return summary(
            self.aired, self.requested, self.catalogue, self.period.first, self.period.last
        )


class Reports:
    def __init__(
        self,
        settings: Settings,
        clock: Clock | None = None,
        connect: Callable[[], AbstractContextManager[Reader]] | None = None,
        holidays: HolidaySource | None = None,
    ):
        self.settings = settings
        self._connect = connect or partial(Reader.open, settings.database_url)
        self.listings = Listings(settings, clock, self._connect, holidays)
        self.tz = self.listings.tz

    @classmethod
    def open(cls, settings: Settings, clock: Clock | None = None) -> Reports:
        reports = cls(settings, clock)
        reports.listings.check_schema()
        return reports

    def today(self) -> date:
        return self.listings.today()

    def log(self, period: Period) -> PeriodLog:
        tz = self.tz
        now = self.listings.now()
        start = datetime.combine(period.first, time(), tzinfo=tz)
        end = datetime.combine(period.last + timedelta(days=1), time(), tzinfo=tz)
        due_last = min(period.last, now.astimezone(tz).date())
        with self._connect() as reader:
            airings = reads.airings_between(reader, start, end)
            requests = reads.play_requests_between(reader, start, end)
            by_id = {r.id: r for r in requests}
            wanted = {_request_id(a.key) for a in airings if a.slot is None} - {None} - set(by_id)
            by_id.update(reads.play_requests_by_id(reader, wanted))
            planned: list[Message] = []
            offs, slots, played = [], [], {}
            if due_last >= period.first:
                planned = reads.planned_messages(reader, period.first, due_last)
                offs = queries.day_offs(reader, period.first, due_last)
                slots = queries.slots_between(reader, period.first, due_last)
                played = reads.played_before(reader, start)
            known = {m.id for m in planned}
            asked_ids = {r.message_id for r in requests} - known
            if asked_ids:
                marks = ", ".join("?" * len(asked_ids))
                planned_or_asked = planned + queries.messages_where(
                    reader, f"m.id IN ({marks})", tuple(sorted(asked_ids))
                )
            else:
                planned_or_asked = planned
            full = {m.id: m for m in planned_or_asked}
            ids = {a.message_id for a in airings} | set(full)
            infos = reads.message_records(reader, ids)
            seconds = reads.durations(reader, set(full))
            block_names = reads.blocks(reader)
            slot_names = {s.code: (s.start, s.name) for s in queries.slots(reader)}
        messages = {mid: _info(record) for mid, record in infos.items()}
        requested = []
        if planned:
            calendar = self.listings.calendar(period.first, due_last, offs)
            data = PlanInput(
                messages=tuple(replace(m, status=MessageStatus.APPROVED) for m in planned),
                slots=tuple(slots),
                durations=seconds,
                played=played,
                gap_s=self.settings.schedule.item_gap_s,
                words_per_minute=self.settings.schedule.words_per_minute,
                calendar=calendar,
            )
            programmes = plan(data, period.first, (due_last - period.first).days + 1, tz)
            blocks_of = {m.id: m.blocks for m in planned}
            requested = requested_from_plan(
                programmes, messages, blocks_of, now, period.first, due_last
            )
        wpm = self.settings.schedule.words_per_minute
        for request in requests:
            message = full.get(request.message_id)
            length = seconds.get(request.message_id)
            if length is None:
                length = estimate_duration(message, wpm) if message is not None else 0.0
            requested.append(
                Requested(
                    request.message_id,
                    request.requested_at.astimezone(tz).date(),
                    round(length),
                    None,
                    request.blocks or (message.blocks if message is not None else ()),
                )
            )
        aired = tuple(_aired(a, tz, by_id) for a in airings)
        catalogue = Catalogue(messages, block_names, slot_names)
        return PeriodLog(period, now.astimezone(tz), aired, tuple(requested), catalogue)


def _request_id(key: str) -> int | None:
    """The play-now request an airing answered, from its occurrence key."""
    head, found, rest = key.rpartition(PLAY_NOW_KEY)
    if not found or (head and not head.endswith("/")):
        return None
    number = rest.split("/", 1)[0]
    return int(number) if number.isdigit() else None


def _info(record: reads.MessageRecord) -> MessageInfo:
    try:
        kind = ContentKind(record.kind)
    except ValueError:  # a kind this version does not know: counted as its own content
        kind = ContentKind.RECORDING
    return MessageInfo(
        id=record.id,
        title=record.title,
        priority=Priority(record.priority),
        category=record.category,
        source=record.source,
        kind=kind,
        approved_by=record.approved_by,
        approved_at=record.approved_at,
    )


def _aired(record: reads.AiringRecord, tz, requests: dict) -> Aired:
    started, ended = record.started_at, record.ended_at
    seconds = 0
    if started is not None and ended is not None and ended > started:
        seconds = round((ended - started).total_seconds())
    moment = started or record.scheduled_at
    day = record.day or (moment.astimezone(tz).date() if moment else None)
    try:
        status = AiringStatus(record.status)
    except ValueError:
        status = record.status  # a status this version does not know: counted nowhere
    requested_by = None
    if record.slot is None:
        request = requests.get(_request_id(record.key))
        requested_by = request.requested_by if request is not None else None
    return Aired(
        message_id=record.message_id,
        day=day,
        status=status,
        seconds=seconds,
        slot=record.slot,
        blocks=record.blocks,
        dead_air_s=round(record.dead_air_s),
        at=moment.astimezone(tz) if moment else None,
        requested_by=requested_by,
    )
