"""``loa schedule``: what airs in each slot, in order, and what does not fit."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

import click

from ..domain import Programme
from ..i18n import N_, _
from .output import echo_json, shorten, table, vn_date
from .params import DATE

BLOCKS_WIDTH = 30  # a message for every block would list them all: --json has them


@click.command()
@click.option("--date", "first", type=DATE, help="First day (default: today, station time).")
@click.option("--days", type=click.IntRange(1, 366), default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def schedule(app, first, days, as_json) -> None:
    """The programme of every slot: approved messages in air order, and overflow."""
    listings = app.listings()
    programmes = listings.schedule(first, days)
    tz = listings.tz
    if as_json:
        echo_json(
            {
                "timezone": app.settings.timezone,
                "programmes": [as_dict(p, tz) for p in programmes],
            }
        )
        return
    if not programmes:
        click.echo("no slots on these days: add one with `loa slot add CODE START END`")
        return
    click.echo("\n\n".join(as_text(p, tz) for p in programmes))


def _iso(moment: datetime, tz: tzinfo | None = None) -> str:
    """ISO 8601 with the station's UTC offset at that instant."""
    return (moment.astimezone(tz) if tz else moment).isoformat(timespec="seconds")


def as_dict(p: Programme, tz: tzinfo | None = None) -> dict:
    occ = p.occurrence
    return {
        "date": occ.day.isoformat(),
        "slot": occ.slot.code,
        "start": _iso(occ.start, tz),
        "end": _iso(occ.end, tz),
        "clock_change": occ.clock_change,
        "items": [
            {
                "message_id": i.message_id,
                "title": i.title,
                "priority": i.priority.label,
                "blocks": list(i.blocks),
                "start": _iso(i.start, tz),
                "duration_s": round(i.duration_s, 1),
                "estimated": i.estimated,
            }
            for i in p.items
        ],
        "overflow": [
            {
                "message_id": o.message_id,
                "title": o.title,
                "priority": o.priority.label,
                "duration_s": round(o.duration_s, 1),
                "estimated": o.estimated,
            }
            for o in p.overflow
        ],
    }


def _hms(moment: datetime, tz: tzinfo | None, offset: bool = False) -> str:
    local = moment.astimezone(tz) if tz else moment
    text = f"{local:%H:%M:%S}"
    if offset:
        text += f" ({_utc_offset(local)})"
    return text


def _utc_offset(local: datetime) -> str:
    total = int((local.utcoffset() or timedelta(0)).total_seconds() // 60)
    sign, total = ("+" if total >= 0 else "-"), abs(total)
    return f"UTC{sign}{total // 60:02d}:{total % 60:02d}"


CLOCK_NOTES = {
    "gap": N_(
        "note: the clocks go forward on this day; a time that does not exist is read as "
        "the moment they jump, and the slot runs no longer than its length"
    ),
    "fold": N_(
        "note: the clocks go back on this day; a time that happens twice is read as the "
        "first, and the slot runs no longer than its length"
    ),
}


def as_text(p: Programme, tz: tzinfo | None = None) -> str:
    occ = p.occurrence
    name = f" ({occ.slot.name})" if occ.slot.name else ""
    changed = occ.clock_change is not None
    when = f"{_hms(occ.start, tz, changed)}-{_hms(occ.end, tz, changed)}"
    head = f"{vn_date(occ.day)}  {occ.slot.code}{name}  {when}"
    if changed:
        head += "\n  " + _(CLOCK_NOTES[occ.clock_change])
        if occ.length_s <= 0:
            head += "\n  " + _("the slot has no time on this day: nothing airs in it")
    if not p.items and not p.overflow:
        return head + "\n  (nothing to air)"
    lines = [head]
    if p.items:
        rows = [
            (
                _hms(i.start, tz),
                i.message_id,
                i.priority.label,
                _duration(i.duration_s, i.estimated),
                shorten(",".join(i.blocks), BLOCKS_WIDTH),
                i.title,
            )
            for i in p.items
        ]
        lines.append(table(["time", "id", "priority", "length", "blocks", "title"], rows, "  "))
    if p.overflow:
        lines.append(f"  overflow: {len(p.overflow)} message(s) do not fit this slot")
        rows = [
            (o.message_id, o.priority.label, _duration(o.duration_s, o.estimated), o.title)
            for o in p.overflow
        ]
        lines.append(table(["id", "priority", "length", "title"], rows, "  "))
    return "\n".join(lines)


def _duration(seconds: float, estimated: bool) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{'~' if estimated else ''}{minutes}:{secs:02d}"
