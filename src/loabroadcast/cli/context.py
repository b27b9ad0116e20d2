"""What every command is handed: settings, and the station opened on demand."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from ..config import Settings, load_settings


@dataclass
class AppContext:
    home: str | None
    debug: bool
    _settings: Settings | None = field(default=None, init=False)
    _station: object | None = field(default=None, init=False)
    _listings: object | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        from ..i18n.logs import PeopleFormatter

        handler = logging.StreamHandler()
        handler.setFormatter(PeopleFormatter("%(levelname)s %(name)s: %(message)s"))
        logging.basicConfig(
            level=logging.DEBUG if self.debug else logging.WARNING, handlers=[handler]
        )

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.home)
        return self._settings

    def station(self):
        """The station's store, checked to be initialised and current; it acts as
        ``actor()`` says."""
        if self._station is None:
            from ..services import Station

            self._station = Station.open(self.settings, actor=self.actor())
        return self._station

    def actor(self):
        """Who acts, for the audit trail: the running command's ``--by``, else the
        operating-system user; and the command (``msg approve``)."""
        import click

        from ..usecases.work import Actor

        ctx = click.get_current_context(silent=True)
        if ctx is None:
            return Actor.of()
        command = " ".join(ctx.command_path.split()[1:]) or None
        return Actor.of(ctx.params.get("by"), command)

    def listings(self):
        """Read-only listings and the programme, schema checked: on the SQLite default
        these commands start without importing SQLAlchemy."""
        if self._listings is None:
            from ..listings import Listings

            self._listings = Listings.open(self.settings)
        return self._listings

    def close(self) -> None:
        if self._station is not None:
            self._station.close()
