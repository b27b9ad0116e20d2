"""What people read about the calendar: lunar dates, quiet days, broken airtime rules.

Every label goes through gettext; the Vietnamese catalog says them as people do
("Mùng 1 Tết", "không phát").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..domain.calendar import Holiday, LunarDate, Quiet
from ..domain.models import WEEKDAYS
from ..domain.policy import Breach, Rule
from ..i18n import N_, _, ngettext

WEEKDAY_NAMES = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def vn_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def weekday_name(weekday: int) -> str:
    return _(WEEKDAY_NAMES[weekday])


def lunar_label(lunar: LunarDate) -> str:
    """'Mùng 1 Tết' for the first ten days of the year, else the lunar day/month."""
    if lunar.month == 1 and lunar.day <= 10 and not lunar.leap:
        return _("day {day} of Tết").format(day=lunar.day)
    if lunar.leap:
        return _("lunar {day}/{month} (leap month)").format(day=lunar.day, month=lunar.month)
    return _("lunar {day}/{month}").format(day=lunar.day, month=lunar.month)


def quiet_label(quiet: Quiet) -> str:
    """'Tết Nguyên Đán — no broadcast' (only emergencies air)."""
    reason = quiet.reason or _("quiet day")
    return _("{reason} — no broadcast").format(reason=reason)


def day_note(holiday: Holiday | None, quiet: Quiet | None) -> str:
    """The note after a programme's heading: why it is quiet, or the holiday it airs on."""
    if quiet is not None:
        return f"({quiet_label(quiet)})"
    if holiday is not None:
        return f"({holiday.name})"
    return ""


def _days(weekdays) -> str:
    """Weekdays as the setting is written: 'mon-fri', 'mon,wed,sat-sun'."""
    runs: list[list[int]] = []
    for d in sorted(weekdays):
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ",".join(
        WEEKDAYS[r[0]] if len(r) == 1 else f"{WEEKDAYS[r[0]]}-{WEEKDAYS[r[-1]]}" for r in runs
    )


def _num(value: float) -> str:
    return format(round(value, 1), "g")


def slot_warnings(code: str, breaches: Sequence[Breach]) -> list[str]:
    """One line per rule a new slot or one-off session breaks."""
    lines = []
    minutes = [b for b in breaches if b.rule == Rule.MINUTES_PER_SESSION]
    if minutes:
        b = minutes[0]
        lines.append(
            _("{code} lasts {minutes} minutes; [policy] max_minutes_per_session = {limit}").format(
                code=code, minutes=_num(b.value), limit=_num(b.limit)
            )
        )
    days = [b for b in breaches if b.rule == Rule.WEEKDAYS]
    if days:
        lines.append(
            _("{code} runs on {days}; [policy] broadcast_weekdays = {allowed}").format(
                code=code,
                days=", ".join(weekday_name(b.weekday) for b in days),
                allowed=_days(days[0].limit),
            )
        )
    sessions = [b for b in breaches if b.rule == Rule.SESSIONS_PER_DAY]
    if sessions:
        b = max(sessions, key=lambda x: x.value)
        if b.day is not None:
            text = _(
                "with {code}, {count} sessions on {day}; [policy] max_sessions_per_day = {limit}"
            ).format(code=code, count=int(b.value), day=vn_date(b.day), limit=int(b.limit))
        else:
            text = _(
                "with {code}, up to {count} sessions a day; [policy] max_sessions_per_day = {limit}"
            ).format(code=code, count=int(b.value), limit=int(b.limit))
        lines.append(text)
    return lines


def plan_warnings(breaches: Sequence[Breach]) -> list[str]:
    """One line per rule the planned programmes break, with how often and the first case."""
    lines = []
    for rule in Rule:
        found = [b for b in breaches if b.rule == rule]
        if not found:
            continue
        first = found[0]
        days = len({b.day for b in found})
        if rule == Rule.SESSIONS_PER_DAY:
            text = ngettext(
                "[policy] max_sessions_per_day = {limit}: more sessions on {days} day, "
                "first {date} ({count} sessions)",
                "[policy] max_sessions_per_day = {limit}: more sessions on {days} days, "
                "first {date} ({count} sessions)",
                days,
            ).format(
                limit=int(first.limit), days=days, date=vn_date(first.day), count=int(first.value)
            )
        elif rule == Rule.MINUTES_PER_SESSION:
            text = ngettext(
                "[policy] max_minutes_per_session = {limit}: {n} longer session, "
                "first {slot} on {date} ({minutes} minutes)",
                "[policy] max_minutes_per_session = {limit}: {n} longer sessions, "
                "first {slot} on {date} ({minutes} minutes)",
                len(found),
            ).format(
                limit=_num(first.limit),
                n=len(found),
                slot=first.slot,
                date=vn_date(first.day),
                minutes=_num(first.value),
            )
        else:
            text = ngettext(
                "[policy] broadcast_weekdays = {allowed}: {n} session on other days, "
                "first {slot} on {date}",
                "[policy] broadcast_weekdays = {allowed}: {n} sessions on other days, "
                "first {slot} on {date}",
                len(found),
            ).format(
                allowed=_days(first.limit), n=len(found), slot=first.slot, date=vn_date(first.day)
            )
        lines.append(text)
    return lines
