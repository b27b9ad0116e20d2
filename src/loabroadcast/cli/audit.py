"""``loa audit``: who did what, when (the audit trail)."""

from __future__ import annotations

import click

from .. import labels
from ..i18n import N_, _
from ..i18n.records import shown
from .output import echo_json, shorten, table
from .params import DATE, OBJECT

VALUE_WIDTH = 40  # a long text is cut in the table; --json has all of it


@click.command()
@click.option("--from", "first", type=DATE, help="First station day (YYYY-MM-DD or dd/mm/yyyy).")
@click.option("--until", type=DATE, help="Last station day (inclusive).")
@click.option(
    "--object",
    "obj",
    type=OBJECT,
    help="Only this object: msg:12, block:K1, slot:sang, calendar:3, dict:HTX…",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def audit(app, first, until, obj, as_json) -> None:
    """The audit trail: every change to the station, who made it and with which command.

    Each line shows the changed fields, before → after. Nothing can change or remove
    a line of it.

    \b
    loa audit --object msg:12
    loa audit --from 2026-12-03 --until 2026-12-03 --json
    """
    from ..usecases.audit import AuditTrail

    station = app.station()
    entries = AuditTrail(station).entries(first, until, obj)
    tz = station.tz
    if as_json:
        echo_json(
            [
                {
                    "id": e.id,
                    "at": e.at.astimezone(tz).isoformat(timespec="milliseconds"),
                    "actor": e.actor,
                    "command": e.command,
                    "object": e.object,
                    "before": e.before,
                    "after": e.after,
                }
                for e in entries
            ]
        )
        return
    if not entries:
        click.echo(_("nothing in the audit trail"))
        return
    rows = [
        (e.at.astimezone(tz), e.actor, e.command, e.object, change(e.before, e.after))
        for e in entries
    ]
    headers = [_("when"), _("who"), _("command"), _("object"), _("change")]
    click.echo(table(headers, rows))


def change(before: dict | None, after: dict | None) -> str:
    """``field: old → new; …``; a created object lists what it holds, a removed one what
    it held. Field names and statuses in the reader's words (``--json`` has the keys)."""
    if before is None:
        return _("created: {fields}").format(fields=_fields(after or {}))
    if after is None:
        return _("removed: {fields}").format(fields=_fields(before))
    keys = dict.fromkeys([*before, *after])
    return "; ".join(
        f"{_field(k)}: {_value(before.get(k), k)} → {_value(after.get(k), k)}" for k in keys
    )


# the audit trail's field keys (usecases: state(), block_state() …) as people read them
FIELDS = {
    "title": N_("title"),
    "text": N_("text"),
    "recording": N_("recording"),
    "blocks": N_("blocks"),
    "slots": N_("slots"),
    "valid_from": N_("from"),
    "valid_until": N_("until"),
    "from": N_("from"),
    "until": N_("until"),
    "priority": N_("priority"),
    "repeat": N_("repeat"),
    "max_airings": N_("max airings"),
    "category": N_("category"),
    "source": N_("source"),
    "status": N_("status"),
    "version": N_("version"),
    "approved_version": N_("version that airs"),
    "approved_by": N_("approved by"),
    "rejected": N_("rejected because"),
    "name": N_("name"),
    "zone": N_("zone"),
    "start": N_("start"),
    "end": N_("end"),
    "days": N_("days"),
    "reason": N_("reason"),
    "code": N_("code"),
    "expansion": N_("expansion"),
    "play_request": N_("play-now request"),
    "play_version": N_("version played"),
    "play_blocks": N_("blocks played"),
    # TRANSLATORS: loa audit: why the daemon refused to air a message
    "flagged": N_("refused to air because"),
}


def _field(key: str) -> str:
    return _(FIELDS[key]) if key in FIELDS else key


def _fields(values: dict) -> str:
    return ", ".join(f"{_field(k)}={_value(v, k)}" for k, v in values.items()) or "-"


def _value(value, key: str = "") -> str:
    if value is None:
        return "-"
    if key == "status" and isinstance(value, str):
        value = labels.message_status(value)
    elif key == "priority" and value in ("normal", "priority", "emergency"):
        value = labels.priority(value)
    elif key == "days" and isinstance(value, str):
        value = labels.days_label(value)
    elif value == "all" and key in ("blocks", "slots", "play_blocks"):
        value = _("all")
    elif key == "flagged" and isinstance(value, str):
        value = shown(value)  # why the daemon refused it, kept as a message (i18n.records)
    if isinstance(value, list):
        value = ",".join(str(v) for v in value)
    return shorten(" ".join(str(value).split()), VALUE_WIDTH)
