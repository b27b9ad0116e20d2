"""On air: play-now requests (phát ngay), the as-run log and the status dashboard."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from ..domain import AiringStatus, MessageStatus
from ..errors import Conflict
from ..i18n import N_
from ..labels import status_word
from ..store import repo
from ..store.models import PlayRequestRow
from .base import StationContext
from .messages import Messages, approve_row, state
from .stations import lookup


class OnAir:
    def __init__(self, ctx: StationContext):
        self.ctx = ctx

    def play_now(
        self,
        message_id: int,
        blocks: Sequence[str] | None = None,
        *,
        approve: bool = False,
        by: str | None = None,
    ) -> int:
        """Queue an emergency play (phát ngay) for the daemon; returns the request id.

        It plays the message's approved version; ``approve`` approves a draft first, in
        the same transaction (one audit row tells both)."""
        actor = self.ctx.actor.named(by)
        messages = Messages(self.ctx)
        with self.ctx.work("play-now", actor=actor) as uow:
            s = uow.session
            row = messages._row(s, message_id)
            before = state(row)
            approving = approve and row.status == MessageStatus.DRAFT.value
            if approving:
                uow.actor = actor = replace(actor, name=messages.approver(actor))
                approve_row(self.ctx, uow, row, actor.name)
            if row.approved_version is None or row.status not in (
                MessageStatus.APPROVED.value,
                MessageStatus.DRAFT.value,
            ):
                raise Conflict(
                    N_(
                        "message {id} is {status}; only an approved message can be "
                        "played (use --approve to approve a draft and play it)"
                    ),
                    id=message_id,
                    status=status_word(row.status),
                )
            codes: list[str] = []  # none: the message's own blocks
            if blocks and [b.lower() for b in blocks] == ["all"]:
                codes = list(repo.all_block_codes(s))  # every block of the station
            elif blocks:
                codes = [lookup(s, repo.block_by_code, c, "block").code for c in blocks]
            request = PlayRequestRow(
                message_id=message_id,
                blocks=",".join(codes),
                requested_by=actor.name,
                requested_at=uow.now,
                status="pending",
            )
            s.add(request)
            s.flush()
            after = state(row) | {
                "play_request": request.id,
                "play_version": row.approved_version,
                "play_blocks": codes or "message",
            }
            uow.record(f"msg:{message_id}", before, after, plan=approving)
            return request.id

    def airings(self, day: date | None = None) -> list:
        from ..store.airings import airings_on

        return airings_on(self.ctx.engine, day, self.ctx.tz)

    def status(self, horizon: int = 5) -> dict:
        """Is a daemon alive (heartbeat within two ticks), what is on air, what is next."""
        from ..store.airings import airings_on, daemon_rows
        from ..store.models import AiringRow

        now = self.ctx.now()
        rows = daemon_rows(self.ctx.engine)
        live = [
            r
            for r in rows
            if r.stopped_at is None and now - r.heartbeat_at <= timedelta(seconds=2 * r.tick_s)
        ]
        newest = live[0] if live else (rows[0] if rows else None)
        daemon = {
            "running": bool(live),
            "pid": newest.pid if newest else None,
            "host": newest.host if newest else None,
            "sink": newest.sink if newest else None,
            "started_at": newest.started_at if newest else None,
            "heartbeat_at": newest.heartbeat_at if newest else None,
        }
        playing = airings_on(
            self.ctx.engine, None, self.ctx.tz, AiringRow.status == AiringStatus.PLAYING.value
        )
        now_playing = None
        if playing and live:
            a = playing[-1]
            now_playing = {
                "message_id": a.message_id,
                "title": a.title,
                "slot": a.slot,
                "blocks": list(a.blocks),
                "started_at": a.started_at,
            }
        upcoming = []
        for programme in self.ctx.listings.schedule(self.ctx.today(), 2):
            for item in programme.items:
                if item.start >= now and len(upcoming) < horizon:
                    upcoming.append(
                        {
                            "message_id": item.message_id,
                            "title": item.title,
                            "slot": programme.slot.code,
                            "start": item.start,
                            "blocks": list(item.blocks),
                        }
                    )
        last_error = None
        if newest and newest.last_error:
            last_error = {"text": newest.last_error, "at": newest.last_error_at}
        return {
            "daemon": daemon,
            "now_playing": now_playing,
            "next": upcoming,
            "last_error": last_error,
        }
