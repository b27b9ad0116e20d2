"""What every use-case of a station is handed: settings, the clock, the store, who acts."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, datetime

from sqlalchemy import Engine

from ..clock import Clock, SystemClock
from ..config import Settings
from ..listings import Listings
from ..store import db
from ..store.reader import Reader
from .work import Actor, UnitOfWork, unit_of_work


class StationContext:
    """One station's store, clock and settings, and the person acting on it."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock | None = None,
        engine: Engine | None = None,
        actor: Actor | None = None,
    ):
        self.settings = settings
        self.clock = clock or SystemClock()
        self.tz = settings.zone()
        self._engine = engine
        self.actor = actor or Actor.of()
        # The reads people wait on, answered by the same code as `loa msg list`/`schedule`.
        self.listings = Listings(settings, self.clock, lambda: Reader.on_engine(self.engine))

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = db.make_engine(self.settings.database_url)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    def work(
        self, command: str, by: str | None = None, actor: Actor | None = None
    ) -> AbstractContextManager[UnitOfWork]:
        """A unit of work for ``command``, by ``actor`` (default: who acts on the station,
        or the one ``by`` names)."""
        return unit_of_work(self.engine, actor or self.actor.named(by), command, self.now())

    def user_dictionary(self) -> dict[str, str]:
        from ..text.userdict import load_user_dictionary

        return load_user_dictionary(self.settings.dictionary_path)

    def text_warnings(self, text: str) -> tuple[str, ...]:
        from ..text.normalize import normalize

        return tuple(w.message for w in normalize(text, self.user_dictionary()).warnings)
