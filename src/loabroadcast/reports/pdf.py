"""The periodic report as a PDF (``loa report --format pdf``): one A4 page where it fits.

The head of a Vietnamese administrative document (the station and where it is on the
left, the national motto on the right, place and date), the title and period, the totals,
the tables by category and by block (and by what ``--by`` asks, if another), the
emergency broadcasts with who ordered them, the bar chart of minutes per week and
category, and room for the signature of the officer who made it. See ``pdfbase`` for
the library and the font.
"""

from __future__ import annotations

import io
from datetime import datetime

from ..i18n import _
from . import pdfbase as base
from .chart import chart_png
from .period import Period
from .present import (
    StationInfo,
    cell_text,
    emergency_headers,
    emergency_rows,
    headers,
    human_rows,
    period_label,
    place_date,
    totals_lines,
)
from .rows import Breakdown, Dimension, Summary

CHART_PX = (1600, 460)
MIN_CHART_MM = 38  # a smaller chart cannot be read
SIGNATURE_ROOM = 22  # mm under the chart: the notes and the signature
FIGURE_ALIGN = ["L", *["R"] * 8]
FIGURE_WIDTHS = [42, 18, 18, 18, 18, 18, 18, 18, 18]


def report_pdf(
    station: StationInfo,
    period: Period,
    made_at: datetime,
    summary: Summary,
    extra: Breakdown | None = None,
) -> bytes:
    title = _("BROADCAST REPORT")
    pdf = base.new_document(title, period_label(period))
    base.heading_pair(pdf, head_left(station), head_right(), size=9.5)
    base.line(pdf, place_date(station, made_at.date()), size=9, align="R")
    pdf.ln(1)
    base.line(pdf, title, size=14, bold=True, align="C", height=7)
    base.line(pdf, period_label(period).capitalize(), size=11, align="C", height=6)
    pdf.ln(1)
    sections = _Sections(pdf)
    sections.title(_("Totals"))
    pairs = totals_lines(summary)
    if len(pairs) % 2:
        pairs.append(("", ""))
    rows = [[*pairs[i], *pairs[i + 1]] for i in range(0, len(pairs), 2)]
    _plain_table(pdf, rows, [62, 31, 62, 31], ["L", "R", "L", "R"])
    if summary.empty:
        base.line(pdf, _("Nothing aired and nothing was planned in this period."), size=10)
    else:
        for b in (summary.by_category, summary.by_block, extra):
            if b is None:
                continue
            sections.title(_by_title(b.by))
            rows = [[cell_text(c) for c in row] for row in human_rows(b)]
            base.table(pdf, headers(b.by), rows, FIGURE_WIDTHS, FIGURE_ALIGN, size=7.5,
                       bold_last=True)  # fmt: skip
    sections.title(_("Emergency broadcasts"))
    if summary.emergencies:
        base.table(pdf, emergency_headers(), emergency_rows(summary), [36, 52, 26, 26, 26, 20],
                   size=7.5)  # fmt: skip
    else:
        base.line(pdf, _("None in this period."), size=9)
        pdf.ln(1)
    if not summary.empty:
        _chart(pdf, summary)
    base.line(pdf, notes_text(), size=6.5, height=3)
    _signature(pdf)
    return base.to_bytes(pdf)


def _chart(pdf, summary: Summary) -> None:
    """The chart, shrunk (down to a readable size) so the notes and the signature still fit
    on the page; else on the next page."""
    ratio = CHART_PX[1] / CHART_PX[0]
    height = pdf.epw * ratio
    room = pdf.h - pdf.b_margin - pdf.get_y() - SIGNATURE_ROOM
    if room < MIN_CHART_MM:
        pdf.add_page()
    else:
        height = min(height, room)
    width = height / ratio
    png = chart_png(summary, *CHART_PX)
    pdf.image(io.BytesIO(png), x=pdf.l_margin + (pdf.epw - width) / 2, w=width, h=height)
    pdf.ln(1)


class _Sections:
    """Numbered section titles: I., II., III. …"""

    NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")

    def __init__(self, pdf):
        self.pdf = pdf
        self.count = 0

    def title(self, text: str) -> None:
        numeral = self.NUMERALS[min(self.count, len(self.NUMERALS) - 1)]
        self.count += 1
        if self.pdf.will_page_break(14):
            self.pdf.add_page()
        base.line(self.pdf, f"{numeral}. {text}", size=10, bold=True, height=6)


def _by_title(by: Dimension) -> str:
    titles = {
        Dimension.CATEGORY: _("By category"),
        Dimension.BLOCK: _("By block (an airing counts in each block it reached)"),
        Dimension.PRIORITY: _("By priority"),
        Dimension.MESSAGE: _("By message"),
        Dimension.SLOT: _("By slot"),
        Dimension.DAY: _("By day"),
        Dimension.SOURCE: _("By source document"),
    }
    return titles[by]


def _plain_table(pdf, rows, widths, align) -> None:
    pdf.set_font(base.FONT, "", 9)
    with pdf.table(col_widths=tuple(widths), text_align=tuple(align), first_row_as_headings=False,
                   line_height=4.6, width=pdf.epw, borders_layout="NONE") as grid:  # fmt: skip
        for cells in rows:
            grid.row([str(c) for c in cells])
    pdf.ln(1)


def _signature(pdf) -> None:
    if pdf.will_page_break(14):
        pdf.add_page()
    pdf.ln(1)
    half = pdf.epw / 2
    pdf.set_x(pdf.l_margin + half)
    pdf.set_font(base.FONT, "B", 10)
    pdf.cell(half, 5, _("PREPARED BY"), align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(base.FONT, "", 8)
    pdf.cell(half, 4, _("(signature and full name)"), align="C", new_x="LMARGIN", new_y="NEXT")


def head_left(station: StationInfo) -> list[str]:
    lines = [station.title.upper()]
    if station.place:
        lines.append(station.place)
    return lines


def head_right() -> list[str]:
    return [_("SOCIALIST REPUBLIC OF VIET NAM"), _("Independence - Freedom - Happiness")]


def notes_text() -> str:
    return _(
        "Minutes requested: what the plan asked for in the period (every message planned in "
        "a slot that was due, overflow included, and every play-now request). An airing that "
        "reached several blocks counts in each block's row; totals count it once."
    )
