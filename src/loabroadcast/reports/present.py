"""What people and programs read of a report: labels, cells and the ``--json`` shape.

One place words the rows of ``reports.rows`` for every format: the terminal table, CSV,
XLSX and PDF take the human cells and headers (through gettext: Vietnamese by default),
``--json`` takes :func:`as_json` (English keys, ISO dates, exact seconds beside minutes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .. import labels
from ..config import Settings
from ..domain import AiringStatus
from ..i18n import N_, _, dates
from .period import Period
from .rows import (
    NONE,
    PLAY_NOW,
    RELAY,
    Breakdown,
    Dimension,
    Emergency,
    Figures,
    Row,
    Summary,
)

# (json/csv key, header people read)
FIGURE_COLUMNS = (
    ("airings", N_("Airings")),
    ("minutes_aired", N_("Minutes aired")),
    ("minutes_requested", N_("Minutes requested")),
    ("missed", N_("Missed")),
    ("failed", N_("Failed")),
    ("preempted", N_("Pre-empted")),
    ("interrupted", N_("Interrupted")),
    ("dead_air_s", N_("Dead air (s)")),
)
SECONDS_COLUMNS = (
    ("seconds_aired", N_("Seconds aired")),
    ("seconds_requested", N_("Seconds requested")),
)
DIMENSIONS = {
    Dimension.CATEGORY: N_("Category"),
    Dimension.BLOCK: N_("Block"),
    Dimension.PRIORITY: N_("Priority"),
    Dimension.MESSAGE: N_("Message"),
    Dimension.SLOT: N_("Slot"),
    Dimension.DAY: N_("Day"),
    Dimension.SOURCE: N_("Source"),
}
NONE_LABELS = {
    Dimension.CATEGORY: N_("(no category)"),
    Dimension.SOURCE: N_("(no source)"),
    Dimension.BLOCK: N_("(no block)"),
}


@dataclass(frozen=True)
class StationInfo:
    """``[station]`` in loa.toml: the name and where the station is."""

    name: str = ""
    commune: str = ""
    district: str = ""
    province: str = ""

    @classmethod
    def of(cls, settings: Settings) -> StationInfo:
        name = "" if settings.station == "default" else settings.station.strip()
        return cls(name, settings.commune, settings.district, settings.province)

    @property
    def title(self) -> str:
        if self.name:
            return self.name
        if self.commune:
            return _("Loudspeaker station of {commune}").format(commune=self.commune)
        return _("Grassroots loudspeaker station")

    @property
    def place(self) -> str:
        return ", ".join(p for p in (self.commune, self.district, self.province) if p)

    def as_json(self) -> dict:
        return {
            "name": self.name or None,
            "commune": self.commune or None,
            "district": self.district or None,
            "province": self.province or None,
        }


def minutes(seconds: int | float) -> float:
    return round(seconds / 60, 2)


def minutes_text(seconds: int | float) -> str:
    return f"{seconds / 60:.1f}"


def period_label(period: Period) -> str:
    if period.month:
        return _("month {month:02d}/{year}").format(
            month=period.first.month, year=period.first.year
        )
    return _("from {first} to {last}").format(
        first=dates.day(period.first), last=dates.day(period.last)
    )


def dimension_label(by: Dimension | str) -> str:
    return _(DIMENSIONS[Dimension(by)])


def status_label(status: AiringStatus | str) -> str:
    return labels.airing_status(status)


def row_label(by: Dimension | str, row: Row) -> str:
    """The name people know a row by: 'Khối 1 (K1)', '#12 Lịch tiêm chủng', 'Thứ Hai, …'."""
    by = Dimension(by)
    if row.key == RELAY:
        return _("Relays (tiếp âm)")
    if row.key == PLAY_NOW:
        return _("Play-now (phát ngay)")
    if row.key == NONE:
        return _(NONE_LABELS.get(by, N_("(none)")))
    if by == Dimension.PRIORITY:
        return labels.priority(row.key)
    if by == Dimension.DAY:
        return dates.day_with_weekday(date.fromisoformat(row.key))
    if by == Dimension.MESSAGE:
        return f"#{row.key} {row.label or ''}".rstrip()
    if by in (Dimension.BLOCK, Dimension.SLOT) and row.label and row.label != row.key:
        return f"{row.label} ({row.key})"
    return row.label or row.key


def headers(by: Dimension | str) -> list[str]:
    """The header of a breakdown's human table: the dimension, then the figures."""
    return [dimension_label(by), *(_(label) for _key, label in FIGURE_COLUMNS)]


def figure_cells(f: Figures) -> list:
    """Figures for people: counts as ints, minutes as numbers with one decimal shown."""
    return [
        f.airings,
        f.seconds_aired / 60,
        f.seconds_requested / 60,
        f.missed,
        f.failed,
        f.preempted,
        f.interrupted,
        f.dead_air_s,
    ]


def cell_text(value) -> str:
    """A human cell as text: minutes with one decimal."""
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def human_rows(b: Breakdown) -> list[list]:
    """The rows of a breakdown, then its total, as label + ``figure_cells``."""
    rows = [[row_label(b.by, r), *figure_cells(r.figures)] for r in b.rows]
    rows.append([total_label(b), *figure_cells(b.total)])
    return rows


def total_label(b: Breakdown) -> str:
    if b.by == Dimension.BLOCK:
        # TRANSLATORS: the total of a table by block counts each airing once
        return _("Total (each airing once)")
    return _("Total")


def figures_json(f: Figures) -> dict:
    return {
        "airings": f.airings,
        "minutes_aired": minutes(f.seconds_aired),
        "seconds_aired": f.seconds_aired,
        "minutes_requested": minutes(f.seconds_requested),
        "seconds_requested": f.seconds_requested,
        "missed": f.missed,
        "failed": f.failed,
        "preempted": f.preempted,
        "interrupted": f.interrupted,
        "dead_air_s": f.dead_air_s,
    }


def row_json(row: Row) -> dict:
    """A row for programs: its key, and its name as the station wrote it (a block's or a
    slot's name, a message's title; null for a priority, a day or a sentinel key)."""
    return {"key": row.key, "name": row.label, **figures_json(row.figures)}


def emergency_json(e: Emergency) -> dict:
    return {
        "message_id": e.message_id,
        "title": e.title,
        "date": e.day.isoformat(),
        "at": e.at.isoformat(timespec="seconds") if e.at else None,
        "slot": e.slot,
        "play_now": e.slot is None,
        "blocks": list(e.blocks),
        "status": str(e.status),
        "minutes_aired": minutes(e.seconds),
        "ordered_by": e.ordered_by,
        "approved_by": e.approved_by,
    }


def as_json(
    station: StationInfo, period: Period, made_at: datetime, b: Breakdown, s: Summary
) -> dict:
    """``loa report --format json``: English keys, ISO dates, exact seconds."""
    return {
        "station": station.as_json(),
        "period": {"from": period.first.isoformat(), "until": period.last.isoformat()},
        "made_at": made_at.isoformat(timespec="seconds"),
        "by": str(b.by),
        "rows": [row_json(r) for r in b.rows],
        "total": figures_json(b.total),
        "summary": {
            "sessions": s.sessions,
            "minutes_own": minutes(s.own_seconds),
            "minutes_relayed": minutes(s.relay_seconds),
            "emergency_airings": s.emergency_airings,
            "emergencies": [emergency_json(e) for e in s.emergencies],
        },
    }


def csv_rows(b: Breakdown) -> list[list]:
    """``--format csv``: key, name, then every figure (the JSON's, in its order), the total
    last (its key empty)."""

    def cells(f: Figures) -> list:
        return list(figures_json(f).values())

    rows = [[r.key, row_label(b.by, r), *cells(r.figures)] for r in b.rows]
    rows.append(["", total_label(b), *cells(b.total)])
    return rows


def csv_headers(by: Dimension | str) -> list[str]:
    """CSV headers in the interface language (see ``reports.files``)."""
    labels = dict(FIGURE_COLUMNS) | dict(SECONDS_COLUMNS)
    keys = figures_json(Figures()).keys()
    return [_("Key"), dimension_label(by), *(_(labels[k]) for k in keys)]


# --- the periodic report's parts -------------------------------------------------------


def totals_lines(s: Summary) -> list[tuple[str, str]]:
    """(label, value) of the report's totals."""
    return [
        (_("Broadcast sessions"), str(s.sessions)),
        (_("Airings"), str(s.total.airings)),
        (_("Minutes of own programmes"), minutes_text(s.own_seconds)),
        (_("Minutes relayed"), minutes_text(s.relay_seconds)),
        (_("Minutes requested by the plan"), minutes_text(s.total.seconds_requested)),
        (_("Emergency broadcasts"), str(s.emergency_airings)),
        (_("Missed / failed / pre-empted"), f"{s.total.missed} / {s.total.failed} / "
         f"{s.total.preempted}"),
    ]  # fmt: skip


def emergency_headers() -> list[str]:
    return [_("Time"), _("Message"), _("Blocks"), _("Ordered by"), _("Approved by"), _("Result")]


def emergency_rows(s: Summary) -> list[list[str]]:
    rows = []
    for e in s.emergencies:
        when = dates.moment(e.at) if e.at else dates.day(e.day)
        how = _("play-now") if e.slot is None else e.slot
        rows.append(
            [
                f"{when} ({how})",
                e.title,
                ", ".join(e.blocks) or "-",
                e.ordered_by or "-",
                e.approved_by or "-",
                status_label(e.status),
            ]
        )
    return rows


def week_label(first: date, last: date) -> str:
    return f"{first.day:02d}/{first.month:02d}–{last.day:02d}/{last.month:02d}"


def category_label(key: str) -> str:
    return row_label(Dimension.CATEGORY, Row(key, key, Figures()))


def place_date(station: StationInfo, day: date) -> str:
    """'Khe Sanh, ngày 31 tháng 12 năm 2026': where and when a document was made."""
    # TRANSLATORS: the place and date line of a document: "…, ngày 31 tháng 12 năm 2026"
    text = _("{place}, {day:02d}/{month:02d}/{year}").format(
        place=station.commune or station.title, day=day.day, month=day.month, year=day.year
    )
    return text
