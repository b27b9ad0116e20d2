"""``loa station``: the stations of a district's database, and their overview."""

from __future__ import annotations

from collections import Counter

import click

from ..i18n import N_, _, dates, ngettext
from .output import echo_json, shorten, table
from .params import STATION_CODE, by_option


@click.group()
def station() -> None:
    """The district's stations: one PostgreSQL database, one daemon per station."""


@station.command("add")
@click.argument("code", type=STATION_CODE)
@click.argument("name")
@click.option("--commune", help="Its commune, ward or town, e.g. 'Xã Hướng Phùng'.")
@click.option("--district", help="Its district, e.g. 'Huyện Hướng Hóa'.")
@click.option("--province", help="Its province, e.g. 'Tỉnh Quảng Trị'.")
@by_option
@click.pass_obj
def add(app, code, name, commune, district, province, by) -> None:
    """Add station CODE called NAME to the district's database (PostgreSQL only).

    Its folder then names it: [station] code = "CODE" in loa.toml, or LOA_STATION.

    \b
    loa station add huong-phung "Đài truyền thanh xã Hướng Phùng" --commune "Xã Hướng Phùng"
    """
    from ..usecases.district import District

    added = District(app.station()).add(
        code, name, by, commune=commune, district=district, province=province
    )
    click.echo(_("added station {code} ({name})").format(code=added.code, name=added.name))


@station.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_(app, as_json) -> None:
    """Every station of the database: its daemon (running, stale, stopped), its last
    heartbeat, what is on air and its last error: the district at a glance.

    A daemon is stale when it has not written its heartbeat for two ticks without saying
    it stopped: it crashed, or it lost its link to the server and airs on by itself.
    """
    from ..usecases.district import overview

    listings = app.listings()
    now = listings.now()
    views = overview(listings.reading, now)
    if as_json:
        echo_json([v.as_dict(now) for v in views])
        return
    tz = listings.tz
    rows = [_row(v, now, tz) for v in views]
    headers = [_("code"), _("name"), _("daemon"), _("heartbeat"), _("on air"), _("last error")]
    click.echo(table(headers, rows))
    counts = Counter(v.health.state.value for v in views)
    summary = ngettext("{n} station", "{n} stations", len(views)).format(n=len(views))
    parts = [f"{_(STATES[s])}: {n}" for s, n in counts.items()]
    click.echo(f"{summary} ({', '.join(parts)})")


STATES = {
    "running": N_("running"),
    "stale": N_("STALE"),
    "stopped": N_("stopped"),
    "never": N_("never started"),
}


def _row(view, now, tz) -> tuple:
    h = view.health
    state = _(STATES[h.state.value])
    if h.running > 1:
        state += " " + _("({n} daemons)").format(n=h.running)
    if h.state.value == "stale":
        state += " " + _age(h.age_s(now))
    beat = "-" if h.newest is None else dates.moment(h.newest.heartbeat_at.astimezone(tz), True)
    on_air = "-"
    if view.on_air is not None:
        on_air = f"{shorten(view.on_air.title, 30)} ({view.on_air.message_id})"
    error = "-"
    if h.newest is not None and h.newest.last_error:
        error = shorten(h.newest.last_error.replace("\n", " "), 50)
    return (view.station.code, shorten(view.station.name, 36), state, beat, on_air, error)


def _age(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 120:
        return _("{n} s").format(n=int(seconds))
    if seconds < 7200:
        return _("{n} min").format(n=int(seconds // 60))
    if seconds < 2 * 86400:
        return _("{n} h").format(n=int(seconds // 3600))
    return _("{n} days").format(n=int(seconds // 86400))
