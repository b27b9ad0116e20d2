"""On air: play-now requests (phát ngay) and the as-run log (``loa status`` is
``dashboard.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from ..domain import MessageStatus
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
