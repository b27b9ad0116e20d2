"""The officer's calendar: quiet ranges (``loa calendar off``) and one-off sessions
(``loa calendar extra``), and the airtime rules' warnings for new slots.

Each write is one transaction: it changes the store completely and bumps
``plan_version`` (the daemon re-plans within its poll), or raises a ``LoaError`` and
changes nothing. A one-off session is a slot row with a date (``slots.on_day``), so
``msg add --slots``, the planner and the daemon take it like any slot; its calendar
entry (``calendar_entries``, kind ``extra``) gives it the id that ``calendar remove``
takes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select

from ..calendar import policy_of
from ..calendar.text import slot_warnings, vn_date
from ..domain import MessageStatus, Slot
from ..domain import parse as p
from ..domain.calendar import CalendarEntry, DayOff, ExtraSession
from ..domain.policy import Policy, check_slot
from ..errors import Conflict, InvalidInput, NotFound
from ..i18n import N_, NP_, _
from ..store import repo, versions
from ..store.models import CalendarEntryRow, MessageRow, MessageSlotRow, SlotRow
from ..store.queries import EXTRA, OFF
from .base import StationContext
from .stations import DaysLabel, Stations, ids


@dataclass(frozen=True)
class Added:
    """What a calendar command made, and the one-line warnings to show."""

    entry: CalendarEntry
    warnings: tuple[str, ...] = ()


class CalendarBook:
    """The calendar entries of one station."""

    def __init__(self, station: StationContext):
        self.station = station

    def policy(self) -> Policy:
        return policy_of(self.station.settings)

    # quiet ranges -------------------------------------------------------------------

    def add_off(
        self,
        first: date,
        until: date | None = None,
        slots: Sequence[str] | None = None,
        reason: str | None = None,
    ) -> Added:
        """No programme from ``first`` to ``until`` (one day when None) in ``slots`` (all
        when None); emergencies still air."""
        last = until or first
        if last < first:
            raise InvalidInput(
                N_("--until {until} is before {first}"), until=vn_date(last), first=vn_date(first)
            )
        if last < self.station.today():
            raise InvalidInput(N_("{day} is already past"), day=vn_date(last))
        reason = p.nfc(reason or "").strip()
        codes = list(dict.fromkeys(c.strip() for c in slots or () if c.strip()))
        with self.station.work("calendar off") as uow:
            s = uow.session
            for code in codes:
                if repo.slot_by_code(s, code) is None:
                    raise NotFound(N_("no slot {code}"), code=code)
            row = CalendarEntryRow(
                kind=OFF,
                first_day=first,
                last_day=last,
                slots=",".join(codes),
                reason=reason,
                created_at=uow.now,
            )
            s.add(row)
            s.flush()
            entry = DayOff(row.id, first, last, tuple(codes), reason)
            uow.record(f"calendar:{row.id}", None, entry_state(entry))
            return Added(entry)

    # one-off sessions ---------------------------------------------------------------

    def add_extra(self, day: date, code: str, start: str, end: str, name: str = "") -> Added:
        """A one-off session on ``day``, refused over a slot or session it would overlap."""
        slot = self._session(day, code, start, end, name)
        policy = self.policy()
        with self.station.work("calendar extra") as uow:
            s = uow.session
            if repo.slot_by_code(s, slot.code):
                raise Conflict(N_("slot or session {code} already exists"), code=slot.code)
            others = [o for o in map(repo.to_slot, repo.slot_rows(s)) if o.runs_on(day)]
            for other in others:
                if slot.overlaps(other):
                    raise Conflict(
                        N_(
                            "session {code} ({start}-{end} on {day}) overlaps {other} "
                            "({span}, {days})"
                        ),
                        code=slot.code,
                        start=_hm(slot.start),
                        end=_hm(slot.end),
                        day=vn_date(day),
                        other=other.code,
                        span=f"{_hm(other.start)}-{_hm(other.end)}",
                        days=DaysLabel(other),
                    )
            row = SlotRow(
                code=slot.code,
                name=slot.name,
                start=slot.start.isoformat(),
                end=slot.end.isoformat(),
                weekdays=str(day.weekday()),
                on_day=day,
            )
            s.add(row)
            s.flush()
            entry = CalendarEntryRow(
                kind=EXTRA,
                first_day=day,
                last_day=day,
                slots="",
                reason="",
                slot_id=row.id,
                created_at=uow.now,
            )
            s.add(entry)
            s.flush()
            warnings = slot_warnings(slot.code, check_slot(slot, others, policy))
            warnings += self._quiet_warnings(s, slot)
            added = ExtraSession(entry.id, slot)
            uow.record(f"calendar:{entry.id}", None, entry_state(added))
            return Added(added, tuple(warnings))

    def _session(self, day: date, code: str, start: str, end: str, name: str) -> Slot:
        try:
            code = p.check_code(code, "session")
            t_start, t_end = p.parse_time_of_day(start), p.parse_time_of_day(end)
        except ValueError as err:
            raise InvalidInput.of(err) from None
        if t_end <= t_start:
            raise InvalidInput(
                N_("session {code} ends at {end} before it starts at {start}"),
                code=code,
                end=end,
                start=start,
            )
        today = self.station.today()
        if day < today:
            raise InvalidInput(N_("{day} is already past"), day=vn_date(day))
        now_local = self.station.now().astimezone(self.station.tz)
        if day == today and t_end <= now_local.time():
            raise InvalidInput(
                N_("session {code} would end at {end} today, which has passed"),
                code=code,
                end=_hm(t_end),
            )
        weekday = frozenset({day.weekday()})
        return Slot(code, t_start, t_end, weekday, p.nfc(name).strip(), day=day)

    def _quiet_warnings(self, s, slot: Slot) -> list[str]:
        rows = s.scalars(
            select(CalendarEntryRow)
            .where(CalendarEntryRow.kind == OFF)
            .where(CalendarEntryRow.first_day <= slot.day)
            .where(CalendarEntryRow.last_day >= slot.day)
        )
        return [
            _("{day} is a quiet day ({reason}): only emergencies air in {code}").format(
                day=vn_date(slot.day), reason=row.reason or _("quiet day"), code=slot.code
            )
            for row in rows
            if not row.slots
        ]

    # listing and removal --------------------------------------------------------------

    def entries(self, first: date | None = None, last: date | None = None) -> list[CalendarEntry]:
        return self.station.listings.calendar_entries(first or self.station.today(), last)

    def remove(self, entry_id: int) -> CalendarEntry:
        """Remove a quiet range, or a one-off session no draft or approved message uses."""
        with self.station.work("calendar remove") as uow:
            s = uow.session
            row = s.get(CalendarEntryRow, entry_id)
            if row is None:
                raise NotFound(N_("no calendar entry {id}"), id=entry_id)
            if row.kind != EXTRA:
                entry: CalendarEntry = DayOff(
                    row.id,
                    row.first_day,
                    row.last_day,
                    tuple(c for c in row.slots.split(",") if c),
                    row.reason,
                )
                s.delete(row)
            else:
                slot_row = s.get(SlotRow, row.slot_id)
                entry = ExtraSession(row.id, repo.to_slot(slot_row))
                users = sorted(
                    {
                        *s.scalars(
                            select(MessageRow.id)
                            .join(MessageSlotRow, MessageSlotRow.message_id == MessageRow.id)
                            .where(MessageSlotRow.slot_id == slot_row.id)
                            .where(
                                MessageRow.status.in_(
                                    [MessageStatus.DRAFT.value, MessageStatus.APPROVED.value]
                                )
                            )
                        ),
                        *versions.users_of(s, "slots", slot_row.code),
                    }
                )
                if users:
                    raise Conflict(
                        NP_(
                            "session {code} is used by message {ids}; cancel or edit it first",
                            "session {code} is used by messages {ids}; cancel or edit them first",
                        ),
                        code=slot_row.code,
                        ids=ids(users),
                        n=len(users),
                    )
                s.execute(delete(MessageSlotRow).where(MessageSlotRow.slot_id == slot_row.id))
                s.delete(row)
                s.flush()
                s.delete(slot_row)
            uow.record(f"calendar:{entry_id}", entry_state(entry), None)
            return entry

    # airtime rules for daily slots ------------------------------------------------------

    def slot_warnings(self, slot: Slot, policy: Policy | None = None) -> list[str]:
        """One line per airtime rule the daily ``slot`` breaks with the others."""
        policy = policy or self.policy()
        if policy.empty:
            return []
        others = [o for o in Stations(self.station).slots() if o.code != slot.code]
        return slot_warnings(slot.code, check_slot(slot, others, policy))


def entry_state(entry: CalendarEntry) -> dict:
    """What the audit trail keeps of a calendar entry."""
    if isinstance(entry, DayOff):
        return {
            "kind": OFF,
            "from": entry.first,
            "until": entry.last,
            "slots": list(entry.slots) or "all",
            "reason": entry.reason or None,
        }
    s = entry.slot
    return {
        "kind": EXTRA,
        "day": s.day,
        "code": s.code,
        "start": s.start,
        "end": s.end,
        "name": s.name or None,
    }


def _hm(t) -> str:
    return t.strftime("%H:%M:%S") if t.second else t.strftime("%H:%M")


__all__ = ["Added", "CalendarBook"]
