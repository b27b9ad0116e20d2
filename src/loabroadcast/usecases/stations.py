"""Residential blocks and daily slots: each write one unit of work with its audit row."""

from __future__ import annotations

from sqlalchemy import delete, select

from .. import labels
from ..domain import Block, MessageStatus, Slot
from ..domain import parse as p
from ..errors import Conflict, InvalidInput, NotFound
from ..i18n import N_, NP_, ngettext
from ..store import db, repo, versions
from ..store.models import BlockRow, MessageBlockRow, MessageRow, MessageSlotRow, SlotRow
from .base import StationContext


class Stations:
    """The blocks and slots of one station."""

    def __init__(self, ctx: StationContext):
        self.ctx = ctx

    # blocks ---------------------------------------------------------------

    def add_block(self, code: str, name: str, zone: int | None = None) -> Block:
        code = valid(p.check_code, code, "block")
        name = p.nfc(name).strip()
        if not name:
            raise InvalidInput(N_("block name is empty"))
        if zone is not None and not 1 <= zone <= 64:
            raise InvalidInput(N_("zone {zone} is out of range (1-64)"), zone=zone)
        with self.ctx.work("block add") as uow:
            s = uow.session
            if repo.block_by_code(s, code):
                raise Conflict(N_("block {code} already exists"), code=code)
            row = BlockRow(code=code, name=name, zone=zone)
            s.add(row)
            uow.record(f"block:{code}", None, block_state(row))
            return repo.to_block(row)

    def blocks(self) -> list[Block]:
        with db.read_session(self.ctx.engine) as s:
            return [repo.to_block(r) for r in repo.block_rows(s)]

    def remove_block(self, code: str) -> None:
        self._remove(code, "block", "block remove")

    # slots ----------------------------------------------------------------

    def add_slot(
        self, code: str, start: str, end: str, days: str = "daily", name: str = ""
    ) -> Slot:
        code = valid(p.check_code, code, "slot")
        t_start = valid(p.parse_time_of_day, start)
        t_end = valid(p.parse_time_of_day, end)
        weekdays = valid(p.parse_weekdays, days)
        if t_end <= t_start:
            raise InvalidInput(
                N_(
                    "slot {code} ends at {end} before it starts at {start} "
                    "(a slot cannot cross midnight)"
                ),
                code=code,
                end=end,
                start=start,
            )
        slot = Slot(code=code, start=t_start, end=t_end, weekdays=weekdays, name=p.nfc(name))
        with self.ctx.work("slot add") as uow:
            s = uow.session
            if repo.slot_by_code(s, code):
                raise Conflict(N_("slot {code} already exists"), code=code)
            for other in map(repo.to_slot, repo.slot_rows(s)):
                if other.one_off and other.day < self.ctx.today():
                    continue  # a past one-off session (loa calendar extra)
                if slot.overlaps(other):
                    raise Conflict(
                        N_(
                            "slot {code} ({start}-{end}) overlaps slot {other} "
                            "({from_}-{to}, {days})"
                        ),
                        code=code,
                        start=hm(t_start),
                        end=hm(t_end),
                        other=other.code,
                        from_=hm(other.start),
                        to=hm(other.end),
                        days=DaysLabel(other),
                    )
            row = SlotRow(
                code=code,
                name=slot.name,
                start=t_start.isoformat(),
                end=t_end.isoformat(),
                weekdays="".join(str(d) for d in sorted(weekdays)),
            )
            s.add(row)
            uow.record(f"slot:{code}", None, slot_state(row))
        return slot

    def slots(self) -> list[Slot]:
        """The daily slots (one-off sessions are in the calendar)."""
        with db.read_session(self.ctx.engine) as s:
            return [repo.to_slot(r) for r in repo.slot_rows(s) if r.on_day is None]

    def remove_slot(self, code: str) -> None:
        with db.read_session(self.ctx.engine) as s:
            row = repo.slot_by_code(s, code)
            if row is not None and row.on_day is not None:
                raise Conflict(
                    N_("{code} is a one-off session: remove it with `loa calendar remove ID`"),
                    code=code,
                )
        self._remove(code, "slot", "slot remove")

    def _remove(self, code: str, what: str, command: str) -> None:
        """Remove a block or slot that no draft or approved message still uses (nor the
        approved version of one edited since)."""
        if what == "block":
            finder, relation, link, state = (
                repo.block_by_code,
                MessageRow.blocks,
                MessageBlockRow.block_id,
                block_state,
            )
        else:
            finder, relation, link, state = (
                repo.slot_by_code,
                MessageRow.slots,
                MessageSlotRow.slot_id,
                slot_state,
            )
        with self.ctx.work(command) as uow:
            s = uow.session
            row = finder(s, code)
            if row is None:
                raise NotFound(NOT_FOUND[what], code=code)
            users = active_users(s, relation, row, f"{what}s")
            if users:
                raise Conflict(USED[what], code=code, ids=ids(users), n=len(users))
            uow.record(f"{what}:{code}", state(row), None)
            s.execute(delete(link.table).where(link == row.id))
            s.delete(row)


def block_state(row: BlockRow) -> dict:
    return {"name": row.name, "zone": row.zone}


def slot_state(row: SlotRow) -> dict:
    return {
        "name": row.name or None,
        "start": row.start,
        "end": row.end,
        "days": repo.to_slot(row).days_label,
    }


NOT_FOUND = {"block": N_("no block {code}"), "slot": N_("no slot {code}")}
USED = {
    "block": NP_(
        "block {code} is used by message {ids}; cancel or edit it first",
        "block {code} is used by messages {ids}; cancel or edit them first",
    ),
    "slot": NP_(
        "slot {code} is used by message {ids}; cancel or edit it first",
        "slot {code} is used by messages {ids}; cancel or edit them first",
    ),
}


class DaysLabel:
    """A slot's days inside a message: ``hằng ngày`` shown, ``daily`` in English."""

    def __init__(self, slot: Slot):
        self.slot = slot

    def __str__(self) -> str:
        return labels.days(self.slot)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    @property
    def english(self) -> str:
        return self.slot.days_label


def valid(fn, value, *args):
    try:
        return fn(value, *args)
    except ValueError as err:
        raise InvalidInput.of(err) from None


def lookup(s, finder, code: str, what: str):
    row = finder(s, code)
    if row is None:
        raise NotFound(NOT_FOUND[what], code=code)
    return row


def active_users(s, relation, row, kind: str) -> list[int]:
    """Draft or approved messages linked to ``row``, and messages whose approved version
    (still airing while an edit waits) names it."""
    query = (
        select(MessageRow.id)
        .where(relation.contains(row))
        .where(MessageRow.status.in_([MessageStatus.DRAFT.value, MessageStatus.APPROVED.value]))
    )
    return sorted({*s.scalars(query), *versions.users_of(s, kind, row.code)})


def ids(found: list[int]) -> str:
    shown = ", ".join(str(i) for i in found[:10])
    if len(found) <= 10:
        return shown
    more = len(found) - 10
    return ngettext("{ids} and {n} more", "{ids} and {n} more", more).format(ids=shown, n=more)


def hm(t) -> str:
    return t.strftime("%H:%M:%S") if t.second else t.strftime("%H:%M")
