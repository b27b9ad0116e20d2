"""Use-cases shared by the CLI and the daemon, behind one facade (``Station``).

Each public write is one unit of work (``usecases.work``): it either changes the store
completely, with its audit row (and bumps ``plan_version`` so the daemon re-plans), or
raises a ``LoaError`` and changes nothing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from . import config as config_mod
from .atomic import atomic_write_text
from .clock import Clock
from .config import Settings
from .domain import Block, Message, Programme, Slot
from .domain.versions import MessageVersion
from .drafts import MessageDraft, Saved
from .errors import LoaError, StoreError, first_line, os_reason
from .i18n import N_
from .i18n.records import shown
from .store import db, repo
from .store.models import MessageRow
from .store.scope import Scope
from .usecases.base import StationContext
from .usecases.messages import Messages
from .usecases.onair import OnAir
from .usecases.stations import Stations
from .usecases.work import Actor

log = logging.getLogger("loabroadcast")


def init_station(settings: Settings, actor: Actor | None = None) -> tuple[str | None, str, bool]:
    """Create LOA_HOME, its config and database (idempotent); migrate to the newest schema.
    A change (a new config, a migration) leaves an audit row. A database that learns of
    stations becomes the folder's station; a district's database must already hold the
    folder's station (``loa station add``); a SQLite database's one station takes the
    folder's code and name.

    Returns (schema before, schema after, config created).
    """
    home = settings.home
    probe = home / ".write-test"
    try:
        home.mkdir(parents=True, exist_ok=True)
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as err:
        with contextlib.suppress(OSError):
            probe.unlink()
        raise StoreError(
            N_("cannot write to station folder {home}: {reason}"),
            home=str(home),
            reason=os_reason(err),
        ) from None
    created = False
    if not settings.config_path.exists():
        try:  # all of it or nothing, even on a full disk
            atomic_write_text(
                settings.config_path, config_mod.default_config(station=settings.station_code)
            )
        except OSError as err:
            raise StoreError(
                N_("cannot write {file}: {reason}"),
                file=str(settings.config_path),
                reason=os_reason(err),
            ) from None
        created = True
    from .store import schema

    engine = db.make_engine(settings.database_url)
    try:
        try:
            before, after = schema.upgrade(engine, folder_station(settings))
        except LoaError:
            raise
        except Exception as err:  # noqa: BLE001 - a driver or migration error, in one line
            raise StoreError(
                N_("cannot migrate the database: {reason}"), reason=first_line(err)
            ) from err
        ctx = StationContext(settings, engine=engine, actor=actor)
        ctx.listings.check_schema()  # the folder's station is there (or one line says not)
        if before != after or created:
            _record_init(ctx, before, after, created)
        if engine.dialect.name == "sqlite":
            _name_the_station(ctx)
    finally:
        engine.dispose()
    return before, after, created


def folder_station(settings: Settings) -> dict[str, str]:
    """The folder's ``[station]``: what its database becomes when it learns of stations."""
    from .config import PLACE

    return {
        "code": settings.station_code,
        "name": settings.station,
        **{key: getattr(settings, key) for key in PLACE},
    }


def _record_init(ctx: StationContext, before, after, created) -> None:
    """One audit row for what ``loa init`` changed (after the migration, which Alembic
    commits itself)."""
    with ctx.work("init") as uow:
        old = None if before is None else {"schema": before}
        new = {"schema": after} | ({"config": str(ctx.settings.config_path)} if created else {})
        uow.record("station:schema", old, new, plan=False)


def _name_the_station(ctx: StationContext) -> None:
    """A SQLite database's one station is the folder's: its code, name and place follow
    ``[station]`` (the change is recorded)."""
    from .store.models import StationRow

    wanted = folder_station(ctx.settings)
    wanted["name"] = wanted["name"].strip() or wanted["code"]
    with ctx.work("init") as uow:
        row = uow.session.get(StationRow, ctx.station_id)
        now = {key: getattr(row, key) for key in wanted}
        if now == wanted:
            return
        for key, value in wanted.items():
            setattr(row, key, value)
        uow.record(f"station:{wanted['code']}", now, wanted, plan=False)


class Station(StationContext):
    """The officer's and the daemon's view of one station: a thin facade over the
    use-cases of ``usecases/`` (stations, messages, on air, calendar, files, audit), which
    each write in one unit of work with its audit rows."""

    @classmethod
    def open(
        cls,
        settings: Settings,
        clock: Clock | None = None,
        actor: Actor | None = None,
        station: str | None = None,
    ) -> Station:
        """The folder's station, or the one ``station`` (a code) names."""
        opened = cls(settings, clock, actor=actor, station=station)
        opened.listings.check_schema()
        return opened

    # blocks and slots -------------------------------------------------------

    def add_block(self, code: str, name: str, zone: int | None = None) -> Block:
        return Stations(self).add_block(code, name, zone)

    def blocks(self) -> list[Block]:
        return Stations(self).blocks()

    def remove_block(self, code: str) -> None:
        Stations(self).remove_block(code)

    def add_slot(
        self, code: str, start: str, end: str, days: str = "daily", name: str = ""
    ) -> Slot:
        return Stations(self).add_slot(code, start, end, days, name)

    def slots(self) -> list[Slot]:
        """The daily slots (one-off sessions are in the calendar)."""
        return Stations(self).slots()

    def remove_slot(self, code: str) -> None:
        Stations(self).remove_slot(code)

    # messages ---------------------------------------------------------------

    def add_message(self, draft: MessageDraft) -> Saved:
        return Messages(self).add(draft)

    def edit_message(self, message_id: int, draft: MessageDraft) -> Saved:
        return Messages(self).edit(message_id, draft)

    def approve(self, message_id: int, by: str | None = None) -> Saved:
        return Messages(self).approve(message_id, by)

    def reject(self, message_id: int, reason: str, by: str | None = None) -> Saved:
        return Messages(self).reject(message_id, reason, by)

    def cancel(self, message_id: int, by: str | None = None) -> Message:
        return Messages(self).cancel(message_id, by)

    def expire(self) -> int:
        """Mark approved and draft messages whose last day has passed as expired."""
        return Messages(self).expire()

    def message(self, message_id: int) -> Message:
        """The working copy of a message (its newest version, approved or not)."""
        return Messages(self).message(message_id)

    def approved_message(self, message_id: int) -> Message | None:
        """The version of a message that airs (None when none does): what the player
        must render and air."""
        return Messages(self).approved(message_id)

    def airing_version(self, message_id: int) -> tuple[int, Message] | None:
        """(row id, message) of the version that airs (None when none does): what the
        player claims, verifies and airs; the id goes into the item's as-run row."""
        return Messages(self).airing(message_id)

    def flag(self, message_id: int, reason: str) -> None:
        """Mark a message the daemon refused to air (a changed recording); approving a
        version of it again clears the flag."""
        Messages(self).flag(message_id, reason)

    def flagged(self) -> list[tuple[int, str, str]]:
        """(id, title, reason) of messages on air the daemon refused to air."""
        return Messages(self).flagged()

    def version_message(self, version_id: int) -> Message:
        """Version ``version_id`` of a message (an airing's ``message_version_id``)."""
        return Messages(self).at_version(version_id)

    def versions(self, message_id: int) -> list[MessageVersion]:
        return Messages(self).versions(message_id)

    def stations_of(self, message_id: int) -> tuple[str, tuple[str, ...]]:
        """(the station a message belongs to, the stations it is sent to), by code."""
        return Messages(self).stations_of(message_id)

    def messages(self, status: str | None = None) -> list[Message]:
        return self.listings.messages(status)

    def message_summaries(self, status: str | None = None) -> list[tuple]:
        """(id, status, priority, title, blocks, slots, from, until) rows for a listing."""
        return self.listings.message_summaries(status)

    # schedule ---------------------------------------------------------------

    def schedule(self, first: date | None = None, days: int = 1) -> list[Programme]:
        return self.listings.schedule(first, days)

    def render_info(self, message_id: int, version: int | None = None) -> dict | None:
        """The newest render of a message (of ``version`` when given), as plain data
        (None when not rendered)."""
        with db.read_session(self.engine) as s:
            row = repo.latest_renders(s, self.scope, [message_id], version).get(message_id)
            if row is None:
                return None
            flagged = s.scalar(
                select(MessageRow.flagged).where(
                    MessageRow.id == message_id, self.scope.orm(MessageRow, seen=True)
                )
            )
            r = repo.to_render(row)
            return {
                "flagged": shown(flagged),  # why the daemon refused to air it, None when it did not
                "engine": r.engine,
                "voice": r.voice,
                "fallback": r.fallback,
                "duration_s": round(r.duration_s, 2),
                "loudness_lufs": r.loudness_lufs,
                "sha256": r.sha256,
                "path": str(r.path),
                "created_at": r.created_at,
                "version": row.version,
            }

    def plan_version(self) -> int:
        with db.read_session(self.engine) as s:
            return repo.plan_version(s, self.scope)

    # on air -----------------------------------------------------------------

    def play_now(
        self,
        message_id: int,
        blocks: Sequence[str] | None = None,
        *,
        approve: bool = False,
        by: str | None = None,
        stations: Sequence[str] | None = None,
    ) -> int:
        """Queue an emergency play (phát ngay) for the daemon; returns the request id."""
        return OnAir(self).play_now(message_id, blocks, approve=approve, by=by, stations=stations)

    def play_now_at(
        self,
        message_id: int,
        blocks: Sequence[str] | None = None,
        *,
        approve: bool = False,
        by: str | None = None,
        stations: Sequence[str] | None = None,
    ) -> list[int]:
        """Queue it at each station (``stations``: codes, or ``all`` the message is sent
        to); returns the request ids."""
        return OnAir(self).play_now_at(
            message_id, blocks, approve=approve, by=by, stations=stations
        )

    def airings(self, day: date | None = None, scope: Scope | None = None) -> list:
        """The as-run log of a station day (all days when None), of this station or of
        the stations of ``scope``."""
        return OnAir(self).airings(day, scope)

    def status(self, horizon: int = 5) -> dict:
        """Is a daemon alive, what is on air, what is next, what went wrong."""
        from .dashboard import station_status

        return station_status(self, horizon)


__all__ = ["Actor", "MessageDraft", "Saved", "Station", "init_station"]
