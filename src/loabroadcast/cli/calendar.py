"""``loa calendar``: public holidays, quiet days and one-off sessions."""

from __future__ import annotations

from datetime import timedelta

import click

from ..calendar import FIRST_YEAR, LAST_YEAR
from ..i18n import _, dates
from .output import echo_json, table, vn_date, warn
from .params import CODES, DATE, by_option


@click.group()
def calendar() -> None:
    """Holidays, quiet days and one-off sessions of the station.

    On a public holiday (with [calendar] on_holidays = "quiet", the default) and on a
    quiet day, only emergencies air. A one-off session is used in `msg add --slots` like
    any slot.
    """


@calendar.command("holidays")
@click.option(
    "--year",
    type=click.IntRange(FIRST_YEAR, LAST_YEAR),
    help="Year (default: this year, station time).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def holidays(app, year: int | None, as_json: bool) -> None:
    """Viet Nam's public holidays of a year, lunar ones with their lunar date."""
    from ..calendar import LIBRARY_LANGUAGE, holidays_of, quiet_on_holidays
    from ..calendar.text import lunar_label
    from ..clock import SystemClock
    from ..i18n import language

    quiet = quiet_on_holidays(app.settings)
    year = year or SystemClock().now().astimezone(app.settings.zone()).year
    if as_json:
        english = {h.day: h.name for h in holidays_of(year, LIBRARY_LANGUAGE["en"])}
        echo_json(
            {
                "year": year,
                "on_holidays": "quiet" if quiet else "normal",
                "holidays": [
                    {
                        "date": h.day,
                        "name": h.name,
                        "name_en": english.get(h.day),
                        "lunar": None
                        if h.lunar is None
                        else {
                            "day": h.lunar.day,
                            "month": h.lunar.month,
                            "year": h.lunar.year,
                            "leap": h.lunar.leap,
                        },
                    }
                    for h in holidays_of(year, "vi")
                ],
            }
        )
        return
    shown = holidays_of(year, LIBRARY_LANGUAGE.get(language(), "vi"))
    rows = [
        (h.day, dates.weekday(h.day), h.name, lunar_label(h.lunar) if h.lunar else "")
        for h in shown
    ]
    click.echo(table([_("date"), _("day"), _("holiday"), _("lunar date")], rows))
    if quiet:
        click.echo(_('only emergencies air on these days ([calendar] on_holidays = "quiet")'))
    else:
        click.echo(_('the usual programme airs on these days ([calendar] on_holidays = "normal")'))


@calendar.command("off")
@click.argument("first", metavar="FROM", type=DATE)
@click.option("--until", type=DATE, help="Last quiet day (default: FROM only).")
@click.option("--slots", type=CODES, help="Only these slots or sessions (default: all).")
@click.option("--reason", default="", help="Why, e.g. 'Sửa chữa thiết bị' or 'Quốc tang'.")
@by_option
@click.pass_obj
def off(app, first, until, slots, reason: str, by: str | None) -> None:
    """No programme from FROM (to --until) in every slot or in --slots; emergencies still air."""
    added = _book(app).add_off(first, until, slots, reason)
    d = added.entry
    where = ",".join(d.slots) if d.slots else _("all slots")
    text = _("calendar entry {id}: no programme from {first} to {last} in {where}").format(
        id=d.id, first=vn_date(d.first), last=vn_date(d.last), where=where
    )
    click.echo(text + (f" ({d.reason})" if d.reason else ""))


@calendar.command("extra")
@click.argument("day", metavar="DATE", type=DATE)
@click.argument("code")
@click.argument("start")
@click.argument("end")
@click.option("--name", default="", help="A name people read, e.g. 'Bầu cử'.")
@by_option
@click.pass_obj
def extra(app, day, code: str, start: str, end: str, name: str, by: str | None) -> None:
    """Add a one-off session CODE on DATE from START to END (HH:MM), e.g.
    `loa calendar extra 2027-05-23 bau-cu 15:00 15:30 --name "Bầu cử"`."""
    added = _book(app).add_extra(day, code, start, end, name)
    s = added.entry.slot
    click.echo(
        _("calendar entry {id}: session {code} on {day} {start}-{end}").format(
            id=added.entry.id,
            code=s.code,
            day=vn_date(s.day),
            start=dates.clock(s.start),
            end=dates.clock(s.end),
        )
    )
    warn(added.warnings)


@calendar.command("list")
@click.option("--from", "first", type=DATE, help="First day (default: today, station time).")
@click.option("--days", type=click.IntRange(1, 3660), help="How many days (default: all after).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_(app, first, days, as_json: bool) -> None:
    """Quiet days and one-off sessions, by date, with the id `calendar remove` takes."""
    listings = app.listings()
    first = first or listings.today()
    last = first + timedelta(days=days - 1) if days else None
    entries = listings.calendar_entries(first, last)
    if as_json:
        echo_json([_entry_dict(e) for e in entries])
    elif not entries:
        click.echo(
            _(
                "no calendar entries: add one with `loa calendar off DATE` or "
                "`loa calendar extra DATE CODE START END`"
            )
        )
    else:
        click.echo(
            table(
                [_("id"), _("kind"), _("from"), _("until"), _("slots"), _("note")],
                [_entry_row(e) for e in entries],
            )
        )


@calendar.command("remove")
@click.argument("entry_id", metavar="ID", type=int)
@by_option
@click.pass_obj
def remove(app, entry_id: int, by: str | None) -> None:
    """Remove calendar entry ID (a one-off session: refused while a message uses it)."""
    _book(app).remove(entry_id)
    click.echo(_("removed calendar entry {id}").format(id=entry_id))


def _book(app):
    from ..usecases.calendar import CalendarBook

    return CalendarBook(app.station())


def _entry_row(entry) -> tuple:
    from ..domain.calendar import DayOff

    if isinstance(entry, DayOff):
        slots = ",".join(entry.slots) or _("all")
        return (entry.id, _("quiet"), entry.first, entry.last, slots, entry.reason)
    s = entry.slot
    span = f"{s.code} {dates.clock(s.start)}-{dates.clock(s.end)}"
    return (entry.id, _("session"), s.day, s.day, span, s.name)


def _entry_dict(entry) -> dict:
    from ..domain.calendar import DayOff

    if isinstance(entry, DayOff):
        return {
            "id": entry.id,
            "kind": "off",
            "from": entry.first,
            "until": entry.last,
            "slots": list(entry.slots),
            "reason": entry.reason,
        }
    s = entry.slot
    return {
        "id": entry.id,
        "kind": "extra",
        "from": s.day,
        "until": s.day,
        "code": s.code,
        "name": s.name,
        "start": s.start.isoformat(),
        "end": s.end.isoformat(),
    }
