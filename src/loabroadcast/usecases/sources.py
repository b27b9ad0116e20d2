"""Live sources that relays air (tiếp âm): add, list, remove; each write one unit of work
with its audit row (``source:CODE``; a stream's password is never written to the trail)."""

from __future__ import annotations

from ..domain import parse as p
from ..domain.content import BadValue, Source, SourceKind, masked, parse_target
from ..errors import Conflict, InvalidInput, NotFound
from ..i18n import N_
from ..store import db, versions
from ..store.models import SourceRow
from ..store.sources import source_by_code, source_rows, to_source
from .base import StationContext
from .stations import ids

MAX_NAME = 200


class Sources:
    """The live sources of one station."""

    def __init__(self, ctx: StationContext):
        self.ctx = ctx

    def add(self, code: str, target: str, name: str | None = None) -> Source:
        """Add source CODE: an ``http(s)://`` stream or ``input[:DEVICE]``."""
        try:
            code = p.check_code(code, "source")
        except ValueError as err:
            raise InvalidInput.of(err) from None
        try:
            kind, url, device = parse_target(target)
        except BadValue as bad:
            raise InvalidInput(bad.code, **bad.params) from None
        name = p.nfc(name or "").strip()
        if len(name) > MAX_NAME:
            raise InvalidInput(
                N_("the source's name is longer than {max} characters"), max=MAX_NAME
            )
        if any(ord(c) < 32 for c in name):
            raise InvalidInput(N_("the source's name holds a control character"))
        with self.ctx.work("source add") as uow:
            s = uow.session
            if source_by_code(s, self.ctx.scope, code) is not None:
                raise Conflict(N_("source {code} already exists"), code=code)
            row = SourceRow(
                station_id=self.ctx.station_id,
                code=code,
                name=name,
                kind=kind.value,
                url=url,
                device=device,
                created_at=uow.now,
            )
            s.add(row)
            uow.record(f"source:{code}", None, source_state(row), plan=False)
            return to_source(row)

    def sources(self) -> list[Source]:
        with db.read_session(self.ctx.engine) as s:
            return [to_source(r) for r in source_rows(s, self.ctx.scope)]

    def source(self, code: str) -> Source:
        with db.read_session(self.ctx.engine) as s:
            row = source_by_code(s, self.ctx.scope, code)
            if row is None:
                raise NotFound(N_("no source {code}"), code=code)
            return to_source(row)

    def remove(self, code: str) -> None:
        """Remove a source no draft or approved message relays (nor the approved version
        of one edited since)."""
        with self.ctx.work("source remove") as uow:
            s = uow.session
            row = source_by_code(s, self.ctx.scope, code)
            if row is None:
                raise NotFound(N_("no source {code}"), code=code)
            users = versions.relay_users(s, code)
            if users:
                raise Conflict(
                    N_("source {code} is relayed by message(s) {ids}; cancel or edit them first"),
                    code=code,
                    ids=ids(users),
                )
            uow.record(f"source:{code}", source_state(row), None, plan=False)
            s.delete(row)


def source_state(row: SourceRow) -> dict:
    """What the audit trail keeps of a source (a stream's password hidden)."""
    url = masked(row.url) if row.url else None
    kind = SourceKind(row.kind)
    return {"name": row.name or None, "kind": kind.value, "url": url, "device": row.device}
