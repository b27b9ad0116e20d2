"""``loa slot``: daily broadcast slots (khung giờ phát)."""

from __future__ import annotations

import click

from .. import labels
from ..i18n import _, dates
from .output import echo_json, table, warn
from .params import by_option


@click.group()
def slot() -> None:
    """Daily broadcast slots, in station time."""


@slot.command("add")
@click.argument("code")
@click.argument("start")
@click.argument("end")
@click.option(
    "--days",
    default="daily",
    show_default=True,
    help="daily, weekdays, weekend, or a list like mon,wed,fri.",
)
@click.option("--name", default="", help="A name people read, e.g. 'Buổi sáng'.")
@by_option
@click.pass_obj
def add(app, code: str, start: str, end: str, days: str, name: str, by: str | None) -> None:
    """Add slot CODE from START to END (HH:MM or HH:MM:SS), e.g. `loa slot add sang 06:00 06:30`."""
    from ..usecases.calendar import CalendarBook

    book = CalendarBook(app.station())
    policy = book.policy()  # a bad [policy] is refused before anything is written
    s = app.station().add_slot(code, start, end, days, name)
    click.echo(
        _("added slot {code} {start}-{end} {days}").format(
            code=s.code, start=dates.clock(s.start), end=dates.clock(s.end), days=labels.days(s)
        )
    )
    warn(book.slot_warnings(s, policy))


@slot.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_(app, as_json: bool) -> None:
    """List the slots in time order."""
    slots = app.station().slots()
    if as_json:
        echo_json(
            [
                {
                    "code": s.code,
                    "name": s.name,
                    "start": s.start.isoformat(),
                    "end": s.end.isoformat(),
                    "days": s.days_label,
                    "length_s": s.length_s,
                }
                for s in slots
            ]
        )
    elif not slots:
        click.echo(_("no slots yet: add one with `loa slot add CODE START END`"))
    else:
        rows = [
            (s.code, s.name, dates.clock(s.start), dates.clock(s.end), labels.days(s))
            for s in slots
        ]
        headers = [_("code"), _("name"), _("start"), _("end"), _("days")]
        click.echo(table(headers, rows))


@slot.command("remove")
@click.argument("code")
@by_option
@click.pass_obj
def remove(app, code: str, by: str | None) -> None:
    """Remove slot CODE (refused while a draft or approved message uses it)."""
    app.station().remove_slot(code)
    click.echo(_("removed slot {code}").format(code=code))
