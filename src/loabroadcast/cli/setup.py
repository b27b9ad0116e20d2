"""``loa init``."""

from __future__ import annotations

import click

from ..i18n import _
from ..services import init_station
from .params import by_option


@click.command()
@by_option
@click.pass_obj
def init(app, by) -> None:
    """Create the station folder, its loa.toml and database; migrate an older database.

    Safe to run again: it keeps the data and only applies missing migrations.
    """
    before, after, created = init_station(app.settings, app.actor())
    home = app.settings.home
    if created:
        click.echo(_("created {file}").format(file=app.settings.config_path))
    if before is None:
        click.echo(
            _("created the database (schema {schema}) in {home}").format(schema=after, home=home)
        )
    elif before != after:
        click.echo(
            _("migrated the database from schema {before} to {after}").format(
                before=before, after=after
            )
        )
    else:
        click.echo(
            _("station in {home} is up to date (schema {schema})").format(home=home, schema=after)
        )
