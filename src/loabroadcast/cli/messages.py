"""``loa msg``: announcements, from draft to approval."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from .. import labels
from ..domain import Message, MessageStatus
from ..drafts import MessageDraft, Saved, read_text_file
from ..i18n import _, dates, pgettext
from .output import echo_json, english, shorten, table, warn, width
from .params import CODES, COUNT, DATE, DURATION, ID, PRIORITY, STATION_CODE, STATIONS, by_option


@click.group()
def msg() -> None:
    """Announcements (tin, thông báo): add, list, show, edit, approve, reject, cancel."""


def content_options(f):
    options = [
        click.option("--title", help="Title people read in lists and logs."),
        click.option("--text", help="The text to read aloud (Vietnamese, UTF-8)."),
        click.option(
            "--text-file",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Read the text from a UTF-8 file.",
        ),
        click.option(
            "--audio",
            type=click.Path(path_type=Path, dir_okay=False),
            help="A recorded announcement (mp3, wav, ogg, m4a).",
        ),
        click.option("--blocks", type=CODES, help="Block codes, comma-separated, or 'all'."),
        click.option("--slots", type=CODES, help="Slot codes, comma-separated."),
        click.option(
            "--from", "valid_from", type=DATE, help="First day (YYYY-MM-DD or dd/mm/yyyy)."
        ),
        click.option("--until", "valid_until", type=DATE, help="Last day (inclusive)."),
        click.option(
            "--priority", type=PRIORITY, help="normal|priority|emergency (thuong|uu-tien|khan-cap)."
        ),
        click.option("--repeat", type=COUNT, help="Times the text is read per airing (1-10)."),
        click.option("--max-airings", type=COUNT, help="Stop after this many airings."),
        click.option("--category", help="e.g. CCHC, Y tế, PCTT."),
        click.option("--source", help="Reference, e.g. 'Kế hoạch số 17/KH-UBND ngày 14/02/2022'."),
        click.option(
            "--relay", metavar="CODE", help="Relay this live source (tiếp âm, `loa source add`)."
        ),
        click.option(
            "--duration",
            "duration_s",
            type=DURATION,
            help="How long a relay airs: 30m, 1h, 45s, 1h30m or HH:MM:SS.",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _draft(text, text_file, audio, **fields) -> MessageDraft:
    given = [x for x in (text, text_file, audio, fields.get("relay")) if x is not None]
    if len(given) > 1:
        raise click.UsageError(_("give only one of --text, --text-file, --audio and --relay"))
    if text_file is not None:
        text = read_text_file(text_file)
    return MessageDraft(text=text, audio=audio, **fields)


@msg.command("add")
@content_options
@click.option(
    "--stations",
    type=STATIONS,
    help="Send it to these stations of the district (codes, or all); default: this one.",
)
@click.option("--by", help="Who drafted it.")
@click.option("--json", "as_json", is_flag=True, help="Print the new message as JSON.")
@click.pass_obj
def add(app, text, text_file, audio, as_json, **fields) -> None:
    """Queue a new announcement as a draft; prints its id.

    With --stations it goes to several stations of the district's database: each airs
    it to its own blocks and slots of the codes given (every station must have them).

    \b
    loa msg add --title "Tiêm chủng" --text-file tiem.txt --blocks K1,K3 --slots sang
    loa msg add --title "Thời sự VOV" --relay VOV1 --duration 30m --blocks all --slots sang
    loa msg add --title "Bão số 4" --text-file bao.txt --stations all --blocks all --slots sang
    """
    if not fields["title"]:
        raise click.UsageError(_("{option} is required").format(option="--title"))
    if text is None and text_file is None and audio is None and fields["relay"] is None:
        raise click.UsageError(
            _(
                "give the text (--text or --text-file), a recording (--audio) or a relay "
                "(--relay CODE --duration LENGTH)"
            )
        )
    for name in ("blocks", "slots"):
        if not fields[name]:
            raise click.UsageError(_("{option} is required").format(option=f"--{name}"))
    saved = app.station().add_message(_draft(text, text_file, audio, **fields))
    _print_saved(saved, as_json, str(saved.message.id))


@msg.command("edit")
@click.argument("message_id", type=ID)
@content_options
@by_option
@click.option("--json", "as_json", is_flag=True, help="Print the message as JSON.")
@click.pass_obj
def edit(app, message_id, text, text_file, audio, as_json, **fields) -> None:
    """Change a message: a new version, a draft. An approved message airs its approved
    version until the new one is approved."""
    draft = _draft(text, text_file, audio, **fields)
    if replace(draft, by=None) == MessageDraft():
        raise click.UsageError(_("nothing to change: give at least one option"))
    saved = app.station().edit_message(message_id, draft)
    _print_saved(saved, as_json, _("updated message {id}").format(id=message_id))


@msg.command("approve")
@click.argument("message_id", type=ID)
@click.option("--by", help="Who approves (duyệt).")
@click.option("--json", "as_json", is_flag=True, help="Print the message as JSON.")
@click.pass_obj
def approve(app, message_id, by, as_json) -> None:
    """Approve a draft: only approved messages air."""
    saved = app.station().approve(message_id, by)
    _print_saved(saved, as_json, _("approved message {id}").format(id=message_id))


@msg.command("reject")
@click.argument("message_id", type=ID)
@click.option("--reason", required=True, help="Why, for the drafter.")
@by_option
@click.pass_obj
def reject(app, message_id, reason, by) -> None:
    """Reject a draft or an approved message.

    Rejecting an edit of an approved message keeps its approved version on air.
    """
    saved = app.station().reject(message_id, reason, by)
    click.echo(_("rejected message {id}").format(id=message_id))
    for note in saved.notes:
        click.echo(note)


@msg.command("cancel")
@click.argument("message_id", type=ID)
@by_option
@click.pass_obj
def cancel(app, message_id, by) -> None:
    """Cancel a message: it will not air again."""
    app.station().cancel(message_id, by)
    click.echo(_("cancelled message {id}").format(id=message_id))


@msg.command("list")
@click.option(
    "--status", type=click.Choice([s.value for s in MessageStatus]), help="Only this status."
)
@click.option(
    "--station",
    type=STATION_CODE,
    help="Another station of the database (its code); default: this folder's.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_(app, status, station, as_json) -> None:
    """List the messages sent to the station, oldest first."""
    listings = app.listings(station)
    if as_json:
        echo_json([message_dict(m) for m in listings.messages(status)])
        return
    rows = listings.message_summaries(status)
    if not rows:
        if status:
            shown = labels.message_status(status)
            click.echo(_("no messages with status {status}").format(status=shown))
        else:
            click.echo(_("no messages"))
        return
    status_of = {s: labels.message_status(s) for s in MessageStatus}
    priority_of = {p: labels.priority(p) for p in labels.PRIORITIES}
    priority_of |= {p.label: name for p, name in priority_of.items()}
    rows = [
        (i, status_of.get(st, st), priority_of.get(pr, pr), shorten(t, 48), shorten(b, 20), sl,
         vf, vu)
        for i, st, pr, t, b, sl, vf, vu in rows
    ]  # fmt: skip
    headers = [_("id"), _("status"), _("priority"), _("title"), _("blocks"), _("slots"),
               _("from"), _("until")]  # fmt: skip
    click.echo(table(headers, rows))


@msg.command("show")
@click.argument("message_id", type=ID)
@click.option("--versions", is_flag=True, help="List every version: who made and approved it.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def show(app, message_id, versions, as_json) -> None:
    """Show one message in full, with its text warnings and render.

    With --versions: every version of it, who made it, who approved it, and its text
    or recording (the as-run log tells which version aired).
    """
    station = app.station()
    m = station.message(message_id)
    if versions:
        _show_versions(station, m, as_json)
        return
    warnings = station.text_warnings(m.text) if m.text else ()
    render = station.render_info(message_id, m.approved_version or m.version)
    if as_json:
        data = message_dict(m)
        data["station"], data["stations"] = station.stations_of(message_id)
        data["warnings"] = english(warnings)
        data["render"] = render
        echo_json(data)
        return
    status = labels.message_status(m.status)
    if m.rejected_reason:
        status = _("{status} ({reason})").format(status=status, reason=m.rejected_reason)
    fields = [
        (_("id"), m.id),
        (_("title"), m.title),
        (_("status"), status),
        (_("priority"), labels.priority(m.priority)),
        (_("blocks"), ", ".join(m.blocks) or "-"),
        (_("slots"), ", ".join(m.slots)),
        (_("from"), dates.day(m.valid_from) if m.valid_from else "-"),
        (_("until"), dates.day(m.valid_until) if m.valid_until else "-"),
        (_("repeat"), m.repeat),
        (_("max airings"), m.max_airings or "-"),
        (_("category"), m.category or "-"),
        (_("source"), m.source or "-"),
        (_("created"), _when_by(station, m.created_at, m.created_by)),
        (pgettext("when", "approved"), _when_by(station, m.approved_at, m.approved_by)),
        (_("version"), _version_line(m)),
    ]
    owner, sent = station.stations_of(message_id)
    if sent != (owner,):
        # TRANSLATORS: msg show: the station a message belongs to
        fields.append((pgettext("district", "station"), owner))
        fields.append((_("sent to"), ", ".join(sent)))
    if m.audio_path:
        fields.append((_("audio"), m.audio_path))
    if m.is_relay:
        fields.append((_("relay"), _relay_line(station, m)))
    elif render:
        if render["fallback"]:
            line = _("{seconds} s by {engine} (fallback: the preferred engine was unavailable), "
                     "{lufs} LUFS")  # fmt: skip
        else:
            line = _("{seconds} s by {engine}, {lufs} LUFS")
        seconds = f"{render['duration_s']:.1f}"
        fields.append(
            (
                _("rendered"),
                line.format(seconds=seconds, engine=render["engine"], lufs=render["loudness_lufs"]),
            )
        )
        if render["voice"]:
            fields.append((_("voice"), render["voice"]))  # which voice of the engine spoke
    else:
        fields.append((_("rendered"), _("not yet")))
    label = max(width(k) for k, _v in fields)
    for key, value in fields:
        click.echo(f"{key}{' ' * (label - width(key))}  {value}")
    if m.text:
        click.echo("")
        click.echo(m.text)
    if warnings:
        click.echo("")
        warn(warnings)


def _relay_line(station, m: Message) -> str:
    """``VOV1 (http://…) for 30:00, live``: a relay's source and length."""
    from ..domain.content import format_duration
    from ..errors import NotFound
    from ..usecases.sources import Sources

    try:
        shown = Sources(station).source(m.relay_source).shown
    except NotFound:
        shown = _("removed")
    return _("{code} ({source}) for {length}, live: nothing to render").format(
        code=m.relay_source, source=shown, length=format_duration(m.duration_s or 0)
    )


def _version_line(m: Message) -> str:
    if m.approved_version is None:
        return str(m.version)
    if m.approved_version == m.version:
        return _("{version} (approved)").format(version=m.version)
    return _("{version} (draft); version {approved} airs until this one is approved").format(
        version=m.version, approved=m.approved_version
    )


def _show_versions(station, m: Message, as_json: bool) -> None:
    found = station.versions(m.id)
    if as_json:
        echo_json({"id": m.id, "title": m.title, "versions": [version_dict(v) for v in found]})
        return
    states = {
        "draft": labels.message_status("draft"),
        "approved": _("approved, airs"),
        "superseded": _("approved, replaced"),
        "rejected": labels.message_status("rejected"),
    }
    rows = [
        (
            v.number,
            states[v.state.value],
            _when(station, v.created_at),
            v.created_by or "-",
            _when(station, v.approved_at),
            v.approved_by or "-",
            labels.priority(v.priority),
            _("all") if v.all_blocks else ",".join(v.blocks),
            ",".join(v.slots),
        )
        for v in found
    ]
    headers = [
        _("version"),
        _("state"),
        _("made"),
        _("by"),
        pgettext("when", "approved"),
        _("by"),
        _("priority"),
        _("blocks"),
        _("slots"),
    ]
    click.echo(table(headers, rows))
    for v in found:
        click.echo("")
        head = _("version {version}: {title}").format(version=v.number, title=v.title)
        if v.rejected_reason:
            head += " " + _("(rejected: {reason})").format(reason=v.rejected_reason)
        click.echo(head)
        if v.text:
            click.echo(v.text)
        if v.relay_source:
            from ..domain.content import format_duration

            click.echo(
                _("relays source {code} for {length}").format(
                    code=v.relay_source, length=format_duration(v.duration_s or 0)
                )
            )
        if v.audio_path:
            click.echo(
                _("recording {path} (sha256 {sha256})").format(
                    path=v.audio_path, sha256=v.recording_sha256 or "-"
                )
            )
        if v.render_sha256:
            click.echo(_("approved audio: sha256 {sha256}").format(sha256=v.render_sha256))


def version_dict(v) -> dict:
    return {
        "version": v.number,
        "state": v.state.value,
        "title": v.title,
        "text": v.text,
        "audio_path": v.audio_path,
        "recording_sha256": v.recording_sha256,
        "blocks": "all" if v.all_blocks else list(v.blocks),
        "slots": list(v.slots),
        "valid_from": v.valid_from,
        "valid_until": v.valid_until,
        "priority": v.priority.label,
        "repeat": v.repeat,
        "max_airings": v.max_airings,
        "category": v.category,
        "source": v.source,
        "created_by": v.created_by,
        "created_at": v.created_at,
        "approved_by": v.approved_by,
        "approved_at": v.approved_at,
        "rejected_by": v.rejected_by,
        "rejected_at": v.rejected_at,
        "rejected_reason": v.rejected_reason,
        "render_sha256": v.render_sha256,
        "kind": v.content_kind.value,
        "relay_source": v.relay_source,
        "duration_s": v.duration_s,
    }


def message_dict(m: Message) -> dict:
    return {
        "id": m.id,
        "title": m.title,
        "status": m.status.value,
        "priority": m.priority.label,
        "blocks": list(m.blocks),
        "slots": list(m.slots),
        "text": m.text,
        "audio_path": m.audio_path,
        "valid_from": m.valid_from,
        "valid_until": m.valid_until,
        "repeat": m.repeat,
        "max_airings": m.max_airings,
        "category": m.category,
        "source": m.source,
        "created_by": m.created_by,
        "created_at": m.created_at,
        "approved_by": m.approved_by,
        "approved_at": m.approved_at,
        "rejected_reason": m.rejected_reason,
        "version": m.version,
        "approved_version": m.approved_version,
        "kind": m.content_kind.value,
        "relay_source": m.relay_source,
        "duration_s": m.duration_s,
    }


def _print_saved(saved: Saved, as_json: bool, line: str) -> None:
    if as_json:
        data = message_dict(saved.message)
        data["warnings"] = english(saved.warnings)
        data["notes"] = english(saved.notes)
        echo_json(data)
    else:
        click.echo(line)
        for note in saved.notes:
            click.echo(note)
    warn(saved.warnings)


def _when(station, moment) -> str:
    if moment is None:
        return "-"
    return dates.moment(moment.astimezone(station.tz), seconds=True)


def _when_by(station, moment, by: str | None) -> str:
    """``10/03/2026 06:00:00 by Lan`` (``… bởi Lan``)."""
    when = _when(station, moment)
    return _("{when} by {name}").format(when=when, name=by) if by else when
