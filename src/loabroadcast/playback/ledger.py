"""The player's as-run log: every fact goes to the local journal first (fsync'd), and the
journal's writer takes it to the database (see :mod:`loabroadcast.store.journal`).

The player never waits on the database to air, except for a claim's verdict, and only
for as long as it can afford (``wait_s``): no verdict in time means "air, and let the
journal protect it" (a restart reads the journal before anything airs again).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ..clock import Clock
from ..domain import AiringStatus, ProgrammeItem
from ..i18n.records import keep
from ..store.journal import OURS, TAKEN, Journal


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (datetime, date)) else value


def _kept(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` for the journal: dates in ISO 8601, an ``error`` as ``i18n.records``
    keeps a message (its id and parameters, shown later in the reader's language)."""
    out = {k: _iso(v) for k, v in values.items()}
    if "error" in out:
        out["error"] = keep(out["error"])
    return out


class Ledger:
    def __init__(self, journal: Journal, instance: str, station: str, clock: Clock):
        self.journal = journal
        self.instance = instance
        self.station = station
        self.clock = clock
        self._claims: dict[str, dict[str, Any]] = {}  # key -> its claim's fields

    def _entry(self, op: str, key: str, **data: Any):
        return self.journal.append(
            op,
            key=key,
            instance=self.instance,
            at=self.clock.now().isoformat(),
            **{k: _iso(v) for k, v in data.items()},
        )

    @staticmethod
    def claim_fields(
        item: ProgrammeItem,
        slot: str | None,
        day: date | None,
        *,
        version_id: int | None = None,
        request_id: int | None = None,
    ) -> dict[str, Any]:
        """A claim's columns; ``version_id``: the message version the item airs, read when
        it is claimed (None: the store could not tell; it is filled in when the row is
        written), ``request_id``: a play-now's request."""
        return {
            "message_id": item.message_id,
            "slot_code": slot,
            "occurrence_date": day,
            "scheduled_at": item.start,
            "blocks": ",".join(item.blocks),
            "message_version_id": version_id,
            "play_request_id": request_id,
        }

    def claim(self, key: str, fields: dict[str, Any]) -> Any:
        """Journal a claim; the returned entry gets the database's verdict when applied."""
        data = {"station": self.station, "now": self.clock.now(), **fields}
        self._claims[key] = {k: _iso(v) for k, v in data.items()}
        return self._entry("claim", key, **data)

    def verdicts(self, entries: list, wait_s: float) -> list[str | None]:
        """Each claim's verdict (OURS/TAKEN), None where it did not come within ``wait_s``
        (shared: the whole batch waits at most that long)."""
        deadline = self.clock.monotonic() + wait_s
        out = []
        for entry in entries:
            left = max(0.0, deadline - self.clock.monotonic())
            out.append(self.journal.wait_verdict(entry, left))
        return out

    def playing(self, key: str, started_at: datetime, **values: Any) -> None:
        self._entry(
            "update",
            key,
            values={"status": AiringStatus.PLAYING.value, "started_at": _iso(started_at),
                    **{k: _iso(v) for k, v in values.items()}},
            claim=self._claims.get(key, {}),
        )  # fmt: skip

    def progress(self, key: str, heard_until: datetime) -> None:
        self._entry("update", key, values={"ended_at": heard_until.isoformat()})

    def ended(self, key: str, status: AiringStatus, **values: Any) -> None:
        self._entry(
            "update",
            key,
            values={"status": status.value, **_kept(values)},
            claim=self._claims.get(key, {}),
        )

    def release(self, key: str) -> None:
        self._claims.pop(key, None)
        self._entry("release", key)

    def missed(self, key: str, fields: dict[str, Any], error: object) -> None:
        self._entry("missed", key, station=self.station, now=self.clock.now(), error=keep(error),
                    **fields)  # fmt: skip

    def local(self, key: str) -> dict[str, Any] | None:
        """What this station's journal says of ``key`` (not yet in the database, maybe)."""
        return self.journal.state.get(key)


__all__ = ["OURS", "TAKEN", "Ledger"]
