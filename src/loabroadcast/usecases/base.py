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
from ..store.scope import Scope
from ..store.stations import StationRef
from .work import Actor, UnitOfWork, unit_of_work


class StationContext:
    """One station's store, clock and settings, and the person acting on it.

    The station is the folder's (``[station] code``) or the one ``station`` names (a code,
    or a ``StationRef`` already looked up); every read and write is of its rows
    (``scope``), and its audit rows and plan version are its own."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock | None = None,
        engine: Engine | None = None,
        actor: Actor | None = None,
        station: str | StationRef | None = None,
    ):
        self.settings = settings
        self.clock = clock or SystemClock()
        self.tz = settings.zone()
        self._engine = engine
        self.actor = actor or Actor.of()
        # The reads people wait on, answered by the same code as `loa msg list`/`schedule`.
        self.listings = Listings(
            settings, self.clock, lambda: Reader.on_engine(self.engine), station=station
        )

    @property
    def station(self) -> StationRef:
        """The station acted on (looked up in the database once)."""
        return self.listings.station

    @property
    def station_id(self) -> int:
        return self.station.id

    @property
    def scope(self) -> Scope:
        return self.listings.scope

    def elsewhere(self, station: StationRef) -> StationContext:
        """The same store, clock and actor, acting on another station of the database."""
        return StationContext(self.settings, self.clock, self.engine, self.actor, station)

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
        self,
        command: str,
        by: str | None = None,
        actor: Actor | None = None,
        also: tuple[int, ...] = (),
    ) -> AbstractContextManager[UnitOfWork]:
        """A unit of work for ``command`` at this station, by ``actor`` (default: who acts
        on the station, or the one ``by`` names). ``also``: other stations (by id) whose
        plan the change touches (a message sent to them)."""
        return unit_of_work(
            self.engine, actor or self.actor.named(by), command, self.now(), self.station_id, also
        )

    def user_dictionary(self) -> dict[str, str]:
        from ..text.userdict import load_user_dictionary

        return load_user_dictionary(self.settings.dictionary_path)

    def text_warnings(self, text: str) -> tuple[str, ...]:
        from ..text.normalize import normalize

        return tuple(w.message for w in normalize(text, self.user_dictionary()).warnings)
