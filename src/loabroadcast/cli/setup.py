"""``loa init``."""

from __future__ import annotations

import click

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
        click.echo(f"created {app.settings.config_path}")
    if before is None:
        click.echo(f"created the database (schema {after}) in {home}")
    elif before != after:
        click.echo(f"migrated the database from schema {before} to {after}")
    else:
        click.echo(f"station in {home} is up to date (schema {after})")
