"""Airtime rules of the province (``[policy]``): pure checks that warn, never drop.

Hà Nội's urban wards, for instance, allow at most 2 sessions a day, 15 minutes a session,
Monday to Friday; rural communes up to 45 minutes a session. A rule is only ever a
warning: nothing is taken off the air for it, and emergencies are exempt (a session that
airs emergencies only is not counted).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .models import Priority, Programme, Slot


class Rule(enum.StrEnum):
    SESSIONS_PER_DAY = "max_sessions_per_day"
    MINUTES_PER_SESSION = "max_minutes_per_session"
    WEEKDAYS = "broadcast_weekdays"


@dataclass(frozen=True)
class Policy:
    max_sessions_per_day: int | None = None
    max_minutes_per_session: float | None = None
    broadcast_weekdays: frozenset[int] | None = None  # 0 = Monday

    @property
    def empty(self) -> bool:
        return (
            self.max_sessions_per_day is None
            and self.max_minutes_per_session is None
            and self.broadcast_weekdays is None
        )


@dataclass(frozen=True)
class Breach:
    """One way the plan breaks a rule.

    ``day`` is None for a daily slot (it breaks the rule every week); ``weekday`` then
    names the day of the week for ``SESSIONS_PER_DAY`` and ``WEEKDAYS``. ``value`` is
    the sessions counted, the minutes, or the weekday outside the rule.
    """

    rule: Rule
    slot: str | None
    day: date | None
    value: float
    limit: float | frozenset[int] | None
    weekday: int | None = None


def check_slot(slot: Slot, others: Iterable[Slot], policy: Policy) -> list[Breach]:
    """How a new slot or one-off session would break the rules, with the slots there are.

    ``others`` may hold one-off sessions of other days: only those on ``slot``'s days count.
    """
    breaches: list[Breach] = []
    day = slot.day
    limit_min = policy.max_minutes_per_session
    if limit_min is not None and slot.length_s / 60 > limit_min:
        breaches.append(
            Breach(Rule.MINUTES_PER_SESSION, slot.code, day, slot.length_s / 60, limit_min)
        )
    allowed = policy.broadcast_weekdays
    weekdays = sorted({day.weekday()} if day is not None else slot.weekdays)
    if allowed is not None:
        for wd in weekdays:
            if wd not in allowed:
                breaches.append(Breach(Rule.WEEKDAYS, slot.code, day, wd, allowed, wd))
    most = policy.max_sessions_per_day
    if most is not None:
        others = [o for o in others if o.code != slot.code]
        for wd in weekdays:
            if day is not None:
                count = 1 + sum(1 for o in others if o.runs_on(day))
            else:
                count = 1 + sum(1 for o in others if o.day is None and wd in o.weekdays)
            if count > most:
                breaches.append(Breach(Rule.SESSIONS_PER_DAY, slot.code, day, count, most, wd))
    return breaches


def airs_ordinary(programme: Programme) -> bool:
    """Does the programme air anything but emergencies (what the rules count)?"""
    return any(i.priority != Priority.EMERGENCY for i in programme.items)


def check_programmes(programmes: Sequence[Programme], policy: Policy) -> list[Breach]:
    """How the planned programmes break the rules: sessions a day, minutes on air in a
    session (first item's start to last item's end), days of the week."""
    if policy.empty:
        return []
    breaches: list[Breach] = []
    by_day: dict[date, list[Programme]] = {}
    for p in programmes:
        if airs_ordinary(p):
            by_day.setdefault(p.occurrence.day, []).append(p)
    for day, sessions in sorted(by_day.items()):
        allowed = policy.broadcast_weekdays
        if allowed is not None and day.weekday() not in allowed:
            for p in sessions:
                breaches.append(
                    Breach(Rule.WEEKDAYS, p.slot.code, day, day.weekday(), allowed, day.weekday())
                )
        most = policy.max_sessions_per_day
        if most is not None and len(sessions) > most:
            breaches.append(Breach(Rule.SESSIONS_PER_DAY, None, day, len(sessions), most))
        limit_min = policy.max_minutes_per_session
        if limit_min is not None:
            for p in sessions:
                minutes = (p.items[-1].end - p.items[0].start).total_seconds() / 60
                if minutes > limit_min:
                    breaches.append(
                        Breach(Rule.MINUTES_PER_SESSION, p.slot.code, day, minutes, limit_min)
                    )
    return breaches
