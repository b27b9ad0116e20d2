"""``loa schedule``: what airs in each slot, in order, and what does not fit."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

import click

from .. import labels
from ..calendar.text import day_note, lunar_label, plan_warnings
from ..domain import Priority, Programme
from ..domain.calendar import Calendar, Holiday
from ..domain.models import WEEKDAYS
from ..domain.policy import Breach, Rule, check_programmes
from ..i18n import N_, _, dates, ngettext
from .output import echo_json, shorten, table, warn
from .params import DATE, station_option

BLOCKS_WIDTH = 30  # a message for every block would list them all: --json has them


@click.command()
@click.option("--date", "first", type=DATE, help="First day (default: today, station time).")
@click.option("--days", type=click.IntRange(1, 366), help="How many days (default: 1).")
@click.option("--week", is_flag=True, help="The week (Monday to Sunday) of --date.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    help="With --week: write it to print, as .pdf or .html (A4).",
)
@click.option("--force", is_flag=True, help="Replace the --out file if it exists.")
@station_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def schedule(app, first, days, week, out, force, station, as_json) -> None:
    """The programme of every slot: approved messages in air order, and overflow.

    Holidays and quiet days show why only emergencies air; a line on stderr tells each
    airtime rule ([policy]) the programme breaks. With --week --out, the week's
    schedule to post on the notice board (A4 PDF or HTML, in large type). With
    --station all, the programme of every station of the district's database.

    \b
    Examples:
      loa schedule --date 2026-12-28 --days 7
      loa schedule --week --date 2027-01-04 --out lich-phat-thanh.pdf
    """
    from ..calendar import policy_of

    if week and days is not None:
        raise click.UsageError(_("--week is seven days: leave out --days"))
    if out and not week:
        raise click.UsageError(_("--out writes the week to print: add --week"))
    if out and as_json:
        raise click.UsageError(_("--out and --json cannot be used together"))
    if out and station == "all":
        raise click.UsageError(_("--out writes one station's week: give --station CODE"))
    kind = _document_kind(out) if out else None
    if kind:
        from ..reports.files import check_target

        check_target(out, force)
    policy = policy_of(app.settings)
    if week:
        from ..reports.week import monday_of

        first, days = monday_of(first or app.listings().today()), 7
    if station == "all":
        _every_station(app, first, days or 1, policy, as_json)
        return
    listings = app.listings(station)
    view = listings.plan(first, days or 1)
    programmes, calendar = view.programmes, view.calendar
    if kind:
        ref = listings.station if station else None  # another station's own name
        _write_week(app, programmes, calendar, first, out, kind, force, ref)
        return
    breaches = check_programmes(programmes, policy)
    if as_json:
        echo_json(
            {
                "timezone": app.settings.timezone,
                "station": listings.station.code,
                "programmes": [as_dict(p, calendar) for p in programmes],
                "warnings": [_breach_dict(b) for b in breaches],
            }
        )
        return
    if not programmes:
        click.echo(_("no slots on these days: add one with `loa slot add CODE START END`"))
    else:
        click.echo("\n\n".join(as_text(p, calendar) for p in programmes))
    warn(plan_warnings(breaches))


def _every_station(app, first, days, policy, as_json) -> None:
    """The programme of each station of the database, one after the other."""
    listings = app.listings()
    found = []
    for ref in listings.stations("all"):
        view = listings.for_station(ref).plan(first, days)
        found.append((ref, view, check_programmes(view.programmes, policy)))
    if as_json:
        echo_json(
            {
                "timezone": app.settings.timezone,
                "stations": [
                    {
                        "station": ref.code,
                        "name": ref.name,
                        "programmes": [as_dict(p, view.calendar) for p in view.programmes],
                        "warnings": [_breach_dict(b) for b in breaches],
                    }
                    for ref, view, breaches in found
                ],
            }
        )
        return
    parts = []
    for ref, view, _breaches in found:
        head = f"== {ref.code} ({ref.name}) =="
        if not view.programmes:
            parts.append(head + "\n" + _("no slots on these days"))
        else:
            parts.append(
                head + "\n" + "\n\n".join(as_text(p, view.calendar) for p in view.programmes)
            )
    click.echo("\n\n".join(parts))
    for ref, _view, breaches in found:
        warn(f"{ref.code}: {line}" for line in plan_warnings(breaches))


def _document_kind(out: str) -> str:
    from ..reports.files import suffix_format

    kind = suffix_format(out, ("pdf", "html", "htm"))
    if kind is None:
        raise click.UsageError(_("--out must end in .pdf or .html"))
    return "html" if kind == "htm" else kind


def _write_week(app, programmes, calendar, first, out, kind, force, ref) -> None:
    from ..reports import weekly
    from ..reports.files import write_new
    from ..reports.present import StationInfo
    from ..reports.week import week_sheet

    sheet = week_sheet(programmes, calendar, first)
    station = StationInfo.of(app.settings, ref)
    if kind == "pdf":
        data = weekly.week_pdf(station, sheet)
    else:
        data = weekly.week_html(station, sheet).encode("utf-8")
    write_new(out, data, force)
    click.echo(_("wrote {path}").format(path=out), err=True)


def _iso(moment: datetime) -> str:
    """ISO 8601 with the station's UTC offset at that instant (the planner's instants carry
    the fixed offset they have, so no conversion is needed)."""
    return moment.isoformat(timespec="seconds")


def as_dict(p: Programme, calendar: Calendar | None = None) -> dict:
    occ = p.occurrence
    holiday = calendar.day_info(occ.day).holiday if calendar is not None else None
    quiet = occ.quiet
    return {
        "date": occ.day.isoformat(),
        "slot": occ.slot.code,
        "start": _iso(occ.start),
        "end": _iso(occ.end),
        "clock_change": occ.clock_change,
        "one_off": occ.slot.one_off,
        "quiet": None if quiet is None else {"kind": quiet.kind.value, "reason": quiet.reason},
        "holiday": None if holiday is None else _holiday_dict(holiday),
        "items": [
            {
                "message_id": i.message_id,
                "title": i.title,
                "priority": i.priority.label,
                "blocks": list(i.blocks),
                "start": _iso(i.start),
                "duration_s": round(i.duration_s, 1),
                "estimated": i.estimated,
                "relay_source": i.relay_source,  # a relay (tiếp âm): the source it airs
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


def as_text(p: Programme, calendar: Calendar | None = None) -> str:
    """A slot's programme for people: a heading (``Thứ Ba, 10/03/2026  sang (Buổi sáng)
    06:00-06:30``), the items in air order, then what does not fit."""
    occ = p.occurrence
    name = f" ({occ.slot.name})" if occ.slot.name else ""
    holiday = calendar.day_info(occ.day).holiday if calendar is not None else None
    day = dates.day_with_weekday(occ.day)
    if holiday is not None and holiday.lunar is not None:
        day += f", {lunar_label(holiday.lunar)}"
    changed = occ.clock_change is not None
    when = f"{_hms(occ.start, changed)}-{_hms(occ.end, changed)}"
    head = f"{day}  {occ.slot.code}{name}  {when}"
    if occ.slot.one_off:
        head += f"  ({_('one-off session')})"
    note = day_note(holiday, occ.quiet)
    if note:
        head += f"  {note}"
    if changed:
        head += "\n  " + _(CLOCK_NOTES[occ.clock_change])
        if occ.length_s <= 0:
            head += "\n  " + _("the slot has no time on this day: nothing airs in it")
    if not p.items and not p.overflow:
        return head if occ.quiet else head + "\n  " + _("(nothing to air)")
    lines = [head]
    names = {level: labels.priority(level) for level in Priority}
    if p.items:
        rows = [
            (
                f"{i.start:%H:%M:%S}",  # where items start to the second, it matters
                str(i.message_id),
                names[i.priority],
                _duration(i.duration_s, i.estimated),
                shorten(",".join(i.blocks), BLOCKS_WIDTH),
                _item_title(i),
            )
            for i in p.items
        ]
        headers = [_("time"), _("id"), _("priority"), _("length"), _("blocks"), _("title")]
        lines.append(table(headers, rows, "  "))
    if p.overflow:
        n = len(p.overflow)
        lines.append(
            "  "
            + ngettext(
                "overflow: {n} message does not fit this slot",
                "overflow: {n} messages do not fit this slot",
                n,
            ).format(n=n)
        )
        rows = [
            (str(o.message_id), names[o.priority], _duration(o.duration_s, o.estimated), o.title)
            for o in p.overflow
        ]
        lines.append(table([_("id"), _("priority"), _("length"), _("title")], rows, "  "))
    return "\n".join(lines)


def _item_title(item) -> str:
    if item.relay_source is None:
        return item.title
    return _("{title} (relay of {source})").format(title=item.title, source=item.relay_source)


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


def _hms(moment: datetime, offset: bool = False) -> str:
    """Station wall time, ``06:00`` (seconds when not 0; the planner's instants carry their
    UTC offset), with the offset on a day the clocks change."""
    text = dates.clock(moment)
    if offset:
        total = int((moment.utcoffset() or timedelta(0)).total_seconds() // 60)
        sign, total = ("+" if total >= 0 else "-"), abs(total)
        text += f" (UTC{sign}{total // 60:02d}:{total % 60:02d})"
    return text


@lru_cache(maxsize=4096)  # a year's schedule shows the same lengths thousands of times
def _duration(seconds: float, estimated: bool) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{'~' if estimated else ''}{minutes}:{secs:02d}"


def _holiday_dict(holiday: Holiday) -> dict:
    lunar = holiday.lunar
    return {
        "name": holiday.name,
        "lunar": None
        if lunar is None
        else {"day": lunar.day, "month": lunar.month, "year": lunar.year, "leap": lunar.leap},
    }


def _breach_dict(b: Breach) -> dict:
    limit = [WEEKDAYS[d] for d in sorted(b.limit)] if isinstance(b.limit, frozenset) else b.limit
    return {
        "rule": b.rule.value,
        "date": b.day.isoformat() if b.day else None,
        "slot": b.slot,
        "value": WEEKDAYS[int(b.value)] if b.rule == Rule.WEEKDAYS else round(b.value, 1),
        "limit": limit,
    }
