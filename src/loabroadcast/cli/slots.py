"""``loa slot``: daily broadcast slots (khung giờ phát)."""

from __future__ import annotations

import click

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
    click.echo(f"added slot {s.code} {s.start:%H:%M:%S}-{s.end:%H:%M:%S} {s.days_label}")
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
        click.echo("no slots yet: add one with `loa slot add CODE START END`")
    else:
        rows = [(s.code, s.name, s.start, s.end, s.days_label) for s in slots]
        click.echo(table(["code", "name", "start", "end", "days"], rows))


@slot.command("remove")
@click.argument("code")
@by_option
@click.pass_obj
def remove(app, code: str, by: str | None) -> None:
    """Remove slot CODE (refused while a draft or approved message uses it)."""
    app.station().remove_slot(code)
    click.echo(f"removed slot {code}")
