"""Reading the audit trail: who changed what, by station day and by object."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ..domain.audit import AuditEntry, ObjectRef
from ..errors import InvalidInput
from ..i18n import N_
from ..i18n.dates import day as vn_day
from ..store import audit, db
from .base import StationContext


class AuditTrail:
    def __init__(self, ctx: StationContext):
        self.ctx = ctx

    def entries(
        self,
        first: date | None = None,
        until: date | None = None,
        obj: ObjectRef | str | None = None,
    ) -> list[AuditEntry]:
        """Entries of the station days [first, until] (either end open when None), of
        ``obj`` when given, oldest first."""
        if first is not None and until is not None and until < first:
            raise InvalidInput(
                N_("--from {first} is after --until {until}"),
                first=vn_day(first),
                until=vn_day(until),
            )
        since = self._midnight(first) if first is not None else None
        before = self._midnight(until + timedelta(days=1)) if until is not None else None
        wanted = (
            None
            if obj is None
            else str(obj if isinstance(obj, ObjectRef) else ObjectRef.parse(obj))
        )
        with db.read_session(self.ctx.engine) as s:
            return audit.entries(s, since, before, wanted)

    def _midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=self.ctx.tz)
