"""On air: play-now requests (phát ngay) and the as-run log (``loa status`` is
``dashboard.py``).

A play-now is a request row per station: each station's daemon takes its own. From the
message's own station it may go to any station the message is sent to (``--stations``,
``all`` for every one: the district's emergency button); from another station, only to
that station.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from ..domain import MessageStatus
from ..errors import Conflict
from ..i18n import N_
from ..labels import status_word
from ..store import repo, wakeup
from ..store import stations as station_rows
from ..store.models import PlayRequestRow, StationRow
from ..store.scope import Scope
from .approval import approve_row, state
from .base import StationContext
from .messages import Messages
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
        stations: Sequence[str] | None = None,
    ) -> int:
        """Queue an emergency play (phát ngay) for the daemon; returns the request id (the
        first, when it goes to several stations: ``play_now_at``)."""
        return self.play_now_at(message_id, blocks, approve=approve, by=by, stations=stations)[0]

    def play_now_at(
        self,
        message_id: int,
        blocks: Sequence[str] | None = None,
        *,
        approve: bool = False,
        by: str | None = None,
        stations: Sequence[str] | None = None,
    ) -> list[int]:
        """Queue an emergency play at each station (default: this one); returns the
        request ids, one a station, by station code.

        It plays the message's approved version; ``approve`` approves a draft first, in
        the same transaction (one audit row tells all)."""
        actor = self.ctx.actor.named(by)
        messages = Messages(self.ctx)
        sent = messages.sent_to(message_id)
        with self.ctx.work("play-now", actor=actor, also=sent) as uow:
            s = uow.session
            row = messages._row(s, message_id)
            where = self._where(s, row, stations)
            before = state(row)
            approving = approve and row.status == MessageStatus.DRAFT.value
            if approving:
                messages._own_row(s, message_id)
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
            requests: list[PlayRequestRow] = []
            for station in where:
                scope = Scope.of(station.id)
                codes: list[str] = []  # none: the message's own blocks
                if blocks and [b.lower() for b in blocks] == ["all"]:
                    codes = list(repo.all_block_codes(s, scope))  # every block of the station
                elif blocks:
                    codes = [lookup(s, repo.block_by_code, scope, c, "block").code for c in blocks]
                requests.append(
                    PlayRequestRow(
                        station_id=station.id,
                        message_id=message_id,
                        blocks=",".join(codes),
                        requested_by=actor.name,
                        requested_at=uow.now,
                        status="pending",
                    )
                )
            s.add_all(requests)
            s.flush()
            wakeup.notify(s, [st.id for st in where], wakeup.PLAY_NOW)  # on commit
            after = state(row) | {
                "play_request": requests[0].id if len(requests) == 1 else [r.id for r in requests],
                "play_version": row.approved_version,
                "play_blocks": codes or "message",
            }
            if [st.id for st in where] != [self.ctx.station_id]:
                after["play_stations"] = [st.code for st in where]
            uow.record(f"msg:{message_id}", before, after, plan=approving)
            return [r.id for r in requests]

    def _where(self, s, row, stations: Sequence[str] | None) -> list[StationRow]:
        """The stations a play-now goes to: this one unless ``stations`` says; each must be
        one the message is sent to, and only its own station sends it elsewhere."""
        sent = {st.code: st for st in row.stations}
        if not stations:
            return [s.get(StationRow, self.ctx.station_id)]
        if [c.lower() for c in stations] == [station_rows.ALL]:
            chosen = [sent[c] for c in sorted(sent)]
        else:
            chosen = []
            for code in dict.fromkeys(stations):
                if code not in sent:
                    self.ctx.listings.stations(code)  # an unknown station: NotFound
                    raise Conflict(
                        N_("message {id} is not sent to station {station}"),
                        id=row.id,
                        station=code,
                    )
                chosen.append(sent[code])
        if row.station_id != self.ctx.station_id and [c.id for c in chosen] != [
            self.ctx.station_id
        ]:
            raise Conflict(
                N_("message {id} is another station's: only it plays it at other stations"),
                id=row.id,
            )
        return chosen

    def airings(self, day: date | None = None, scope: Scope | None = None) -> list:
        """The as-run log of a station day (all days when None), of this station or of the
        stations of ``scope``."""
        from ..store.airings import airings_on

        return airings_on(self.ctx.engine, scope or self.ctx.scope, day, self.ctx.tz)
