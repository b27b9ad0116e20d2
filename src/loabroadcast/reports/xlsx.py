"""The report as a spreadsheet (``loa report --format xlsx``), with openpyxl.

Three sheets: the periodic report (station, period, totals, by category, by block), the
breakdown ``--by`` asks for (category by default) with every figure, and the emergency
broadcasts with who ordered them. Counts are whole numbers and minutes are numbers shown
with one decimal (the cell holds the exact value), so the officer's own sums add up.
openpyxl (rather than XlsxWriter) because the same library reads the file back in the
tests and in anything a district builds on it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from ..i18n import _, dates
from .period import Period
from .present import (
    StationInfo,
    dimension_label,
    emergency_headers,
    emergency_rows,
    headers,
    human_rows,
    period_label,
    totals_lines,
)
from .rows import Breakdown, Summary

MINUTES_FORMAT = "0.0"


def report_xlsx(
    station: StationInfo, period: Period, made_at: datetime, summary: Summary, by: Breakdown
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EBEBEB")
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_name(_("Report"))
    sheet.append([station.title])
    sheet["A1"].font = Font(bold=True, size=13)
    if station.place:
        sheet.append([station.place])
    sheet.append([_("BROADCAST REPORT")])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=13)
    sheet.append([period_label(period).capitalize()])
    sheet.append([_("Made on {date}").format(date=dates.day(made_at.date()))])
    sheet.append([])
    sheet.append([_("Totals")])
    sheet.cell(sheet.max_row, 1).font = bold
    for label, value in totals_lines(summary):
        sheet.append([label, _number(value)])
        if isinstance(sheet.cell(sheet.max_row, 2).value, float):
            sheet.cell(sheet.max_row, 2).number_format = MINUTES_FORMAT
    tables = [summary.by_category, summary.by_block] if not summary.empty else []
    for b in tables:
        sheet.append([])
        _table(sheet, headers(b.by), human_rows(b), bold, fill)
    sheet.append([])
    sheet.append([_("Emergency broadcasts")])
    sheet.cell(sheet.max_row, 1).font = bold
    if summary.emergencies:
        _table(sheet, emergency_headers(), emergency_rows(summary), bold, fill, total=False)
    else:
        sheet.append([_("None in this period.")])
    _widths(sheet, [46, 14, 14, 14, 10, 10, 12, 12, 12])
    detail = book.create_sheet(
        _sheet_name(_("By {what}").format(what=dimension_label(by.by).lower()))
    )
    _table(detail, headers(by.by), human_rows(by), bold, fill)
    detail.freeze_panes = "B2"
    _widths(detail, [46, 12, 14, 14, 10, 10, 12, 12, 12])
    urgent = book.create_sheet(_sheet_name(_("Emergency broadcasts")))
    _table(urgent, emergency_headers(), emergency_rows(summary), bold, fill, total=False)
    urgent.freeze_panes = "A2"
    _widths(urgent, [26, 44, 20, 22, 22, 14])
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and len(cell.value) > 40:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.properties.title = _("BROADCAST REPORT")
    book.properties.creator = "loabroadcast"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table(sheet, head: Sequence[str], rows: Sequence[Sequence], bold, fill, total=True) -> None:
    sheet.append(list(head))
    first = sheet.max_row
    for cell in sheet[first]:
        cell.font = bold
        cell.fill = fill
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, float):
                cell.number_format = MINUTES_FORMAT
    if total and rows:
        for cell in sheet[sheet.max_row]:
            cell.font = bold


def _number(text: str):
    """Totals are shown as text ("3 / 1 / 0"); plain numbers are stored as numbers."""
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _widths(sheet, widths: Sequence[int]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _sheet_name(text: str) -> str:
    for bad in "[]:*?/\\":
        text = text.replace(bad, " ")
    return text[:31]
