"""``loa block``: residential blocks (khối, thôn, tổ dân phố)."""

from __future__ import annotations

import click

from ..i18n import _
from .output import echo_json, table
from .params import by_option


@click.group()
def block() -> None:
    """Residential blocks and the zone (speaker line) of each."""


@block.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--zone", type=click.IntRange(1, 64), help="Relay zone number of its speakers.")
@by_option
@click.pass_obj
def add(app, code: str, name: str, zone: int | None, by: str | None) -> None:
    """Add block CODE called NAME, e.g. `loa block add K1 "Khối 1" --zone 1`."""
    b = app.station().add_block(code, name, zone)
    if b.zone:
        line = _("added block {code} ({name}), zone {zone}")
    else:
        line = _("added block {code} ({name})")
    click.echo(line.format(code=b.code, name=b.name, zone=b.zone))


@block.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_(app, as_json: bool) -> None:
    """List the blocks."""
    blocks = app.station().blocks()
    if as_json:
        echo_json([{"code": b.code, "name": b.name, "zone": b.zone} for b in blocks])
    elif not blocks:
        click.echo(_("no blocks yet: add one with `loa block add CODE NAME --zone N`"))
    else:
        headers = [_("code"), _("name"), _("zone")]
        click.echo(table(headers, [(b.code, b.name, b.zone) for b in blocks]))


@block.command("remove")
@click.argument("code")
@by_option
@click.pass_obj
def remove(app, code: str, by: str | None) -> None:
    """Remove block CODE (refused while a draft or approved message targets it)."""
    app.station().remove_block(code)
    click.echo(_("removed block {code}").format(code=code))
