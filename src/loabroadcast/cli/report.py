"""``loa report``: what aired, where and for how long, as a table, CSV, XLSX, JSON or PDF."""

from __future__ import annotations

import click

from ..i18n import _
from ..reports.period import Period, check_range, parse_month
from ..reports.rows import Dimension
from .output import table
from .params import DATE

FORMATS = ("table", "csv", "xlsx", "json", "pdf")
FILE_ONLY = ("xlsx", "pdf")


class MonthType(click.ParamType):
    name = "YYYY-MM"

    def convert(self, value, param, ctx):
        if isinstance(value, Period):
            return value
        try:
            return parse_month(value)
        except ValueError as err:
            self.fail(str(err), param, ctx)


@click.command()
@click.option("--month", type=MonthType(), help="A calendar month, e.g. 2026-12 (or 12/2026).")
@click.option("--from", "first", type=DATE, help="First day of the period.")
@click.option("--until", type=DATE, help="Last day of the period (default: today).")
@click.option(
    "--by",
    type=click.Choice([d.value for d in Dimension]),
    default="category",
    show_default=True,
    help="One row per category, block, priority, message, slot, day or source document.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="table, csv, xlsx, json or pdf (default: from the --out file name, else table).",
)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file.")
@click.option("--chart", type=click.Path(dir_okay=False), help="Also draw the bar chart (PNG).")
@click.option("--force", is_flag=True, help="Replace --out and --chart files that exist.")
@click.pass_obj
def report(app, month, first, until, by, fmt, out, chart, force) -> None:
    """What aired, where and for how long: a report for the district.

    Each row gives the airings, the minutes aired and the minutes the plan asked for,
    what was missed, failed or pre-empted, and seconds of dead air; the total is the
    as-run log's. The period is a month (default: this month) or --from/--until.
    pdf and xlsx are the periodic report (totals, by category and block, emergency
    broadcasts and who ordered them, a chart) and need --out.

    \b
    Examples:
      loa report --month 2026-12 --by block
      loa report --month 2026-12 --format pdf --out bao-cao.pdf
      loa report --from 2026-12-01 --until 2026-12-15 --format csv --out bao-cao.csv
    """
    from ..reports import files

    period = _period(month, first, until, app)
    fmt = fmt or files.suffix_format(out, FORMATS) or "table"
    if fmt in FILE_ONLY and not out:
        raise click.UsageError(
            _("--format {format} writes a file: add --out FILE").format(format=fmt)
        )
    for path in (out, chart):
        if path:
            files.check_target(path, force)
    data = _reports(app).log(period)
    _write(app, data, Dimension(by), fmt, out, chart, force)


def _reports(app):
    from ..usecases.reports import Reports

    return Reports.open(app.settings)


def _period(month: Period | None, first, until, app) -> Period:
    if month is not None and (first or until):
        raise click.UsageError(_("--month cannot be used with --from or --until"))
    if month is not None:
        return month
    if until is not None and first is None:
        raise click.UsageError(_("--until needs --from"))
    from ..listings import Listings

    today = Listings(app.settings).today()
    if first is None:
        return Period.of_month(today.year, today.month)
    try:
        return check_range(first, until or max(first, today))
    except ValueError as err:
        raise click.UsageError(str(err)) from None


def _write(app, data, by: Dimension, fmt: str, out, chart, force) -> None:
    from ..reports import files, present

    station = present.StationInfo.of(app.settings)
    b = data.breakdown(by)
    s = data.summary()
    if chart:
        from ..reports.chart import chart_png

        files.write_new(chart, chart_png(s), force)
    if fmt == "json":
        payload = present.as_json(station, data.period, data.made_at, b, s)
        _emit(_json_text(payload).encode("utf-8"), out, force)
    elif fmt == "csv":
        rows = present.csv_rows(b)
        _emit(files.csv_bytes(present.csv_headers(by), rows), out, force)
    elif fmt == "xlsx":
        from ..reports.xlsx import report_xlsx

        files.write_new(out, report_xlsx(station, data.period, data.made_at, s, b), force)
    elif fmt == "pdf":
        from ..reports.pdf import report_pdf

        extra = b if by not in (Dimension.CATEGORY, Dimension.BLOCK) else None
        files.write_new(out, report_pdf(station, data.period, data.made_at, s, extra), force)
    else:
        _emit((_table_text(station, data, b) + "\n").encode("utf-8"), out, force)
    if out:
        click.echo(_("wrote {path}").format(path=out), err=True)
    if chart:
        click.echo(_("wrote {path}").format(path=chart), err=True)


def _emit(data: bytes, out, force: bool) -> None:
    from ..reports import files

    if out:
        files.write_new(out, data, force)
    else:
        click.echo(data.decode("utf-8-sig"), nl=False)


def _json_text(payload) -> str:
    import json

    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _table_text(station, data, b) -> str:
    from ..reports import present

    head = f"{station.title}: {present.period_label(data.period)}"
    if b.total.empty:
        return head + "\n" + _("nothing in the as-run log and nothing planned in this period")
    rows = [[present.cell_text(c) for c in row] for row in present.human_rows(b)]
    lines = [head, table(present.headers(b.by), rows)]
    if b.by == Dimension.BLOCK:
        lines.append(_("An airing that reached several blocks counts in each block's row."))
    return "\n".join(lines)
