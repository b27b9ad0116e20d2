"""One unit of work: a write transaction that leaves its audit rows and, when the plan
changed, bumps ``plan_version`` before it commits.

    with unit_of_work(engine, actor, "msg approve", now) as uow:
        row = ...                                   # read and change rows in uow.session
        uow.record("msg:12", before, after)         # the changed fields, once per object

Everything inside commits together or not at all: a change without its audit row, or an
audit row without its change, cannot be. Writes are serialised: SQLite's BEGIN
IMMEDIATE takes the write lock at once; on PostgreSQL the first statement locks the
``plan_state`` row until commit, so two officers' commands run one after the other and
each reads what the other wrote (the ``before`` of an audit row is what really was).
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ..domain.audit import NAME_MAX, changes, clean_name
from ..errors import InvalidInput
from ..i18n import N_
from ..store import audit, db, repo
from ..store.models import PlanState


@dataclass(frozen=True)
class Actor:
    """Who acts: the ``--by`` name (``given``), else the operating-system user; and the
    command that acts (``msg approve``), when a command line does."""

    name: str
    command: str | None = None
    given: bool = False

    @classmethod
    def of(cls, by: str | None = None, command: str | None = None) -> Actor:
        if by is None:
            return cls(os_user(), command, False)
        try:
            return cls(clean_name(by), command, True)
        except ValueError as err:
            raise InvalidInput(_BAD_NAME[str(err)], max=NAME_MAX) from None

    def named(self, by: str | None) -> Actor:
        """This actor, or the one ``by`` names (a ``by`` given to one call)."""
        return self if by is None else Actor.of(by, self.command)


_BAD_NAME = {
    "empty": N_("the name given with --by is empty"),
    "control": N_("the name given with --by holds a control character"),
    "long": N_("the name given with --by is longer than {max} characters"),
}


def os_user() -> str:
    """The operating-system user running loa (``unknown`` when it cannot be told)."""
    try:
        return clean_name(getpass.getuser())
    except (OSError, KeyError, ValueError):
        return "unknown"


@dataclass
class UnitOfWork:
    session: Session
    actor: Actor
    command: str
    now: datetime
    _entries: list[tuple[str, dict | None, dict | None]] = field(default_factory=list)
    _plan: bool = False

    def record(
        self,
        obj: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
        *,
        plan: bool = True,
    ) -> bool:
        """Note a change of ``obj`` (only its changed fields are kept); False, and nothing
        noted, when nothing changed. ``plan``: the daemon must re-plan."""
        old, new = changes(before, after)
        if old == {} and new == {}:
            return False
        self._entries.append((obj, old, new))
        self._plan = self._plan or plan
        return True

    def bump_plan(self) -> None:
        """The daemon must re-plan though nothing was recorded (a render's duration)."""
        self._plan = True

    @property
    def recorded(self) -> int:
        return len(self._entries)

    def _finish(self) -> None:
        command = self.actor.command or self.command
        for obj, before, after in self._entries:
            audit.add(
                self.session,
                at=self.now,
                actor=self.actor.name,
                command=command,
                obj=obj,
                before=before,
                after=after,
            )
        if self._plan:
            repo.bump_plan(self.session, self.now)
        self.session.flush()


@contextmanager
def unit_of_work(engine: Engine, actor: Actor, command: str, now: datetime) -> Iterator[UnitOfWork]:
    """A write transaction for ``command`` by ``actor``; its audit rows and the plan's
    bump are written last, and everything commits together (or nothing does)."""
    with db.write_session(engine) as session:
        _serialise(session)
        uow = UnitOfWork(session, actor, command, now)
        yield uow
        uow._finish()


def _serialise(session: Session) -> None:
    """Writers one at a time, from the first statement: SQLite's BEGIN IMMEDIATE takes the
    write lock; PostgreSQL waits here for another writer's commit (a row lock on
    ``plan_state``; SQLite has no FOR UPDATE and ignores it)."""
    session.execute(select(PlanState.id).where(PlanState.id == 1).with_for_update())
