"""``loa daemon``, ``play-now``, ``status``, ``log``, ``devices``, ``zone``."""

from __future__ import annotations

import logging
import os
import signal
import sys

import click

from .. import labels
from ..errors import Conflict, LoaError
from ..i18n import N_, _, dates, ngettext, pgettext
from ..i18n.logs import PeopleFormatter
from ..i18n.records import english_of, shown
from .output import echo_json, table, vn_date
from .params import CODES, DATE, ID, STATIONS, station_option


class JournalFormatter(PeopleFormatter):
    """One line per event, INFO and above in the reader's language; under systemd a
    ``<N>`` syslog prefix gives journald the level."""

    PRIORITY = {"DEBUG": 7, "INFO": 6, "WARNING": 4, "ERROR": 3, "CRITICAL": 2}

    def __init__(self, journald: bool):
        super().__init__("%(levelname)s %(name)s: %(message)s")
        self.journald = journald

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record).replace("\n", " | ")
        if self.journald:
            return f"<{self.PRIORITY.get(record.levelname, 6)}>{text}"
        return text


@click.command()
@click.option("--sink", help="device[:NAME] | file:DIR | null (default: [playback] sink).")
@click.option("--tick", type=click.FloatRange(0.5, 30), default=10.0, show_default=True,
              help="Seconds between heartbeats and full re-plans.")  # fmt: skip
@click.pass_obj
def daemon(app, sink, tick) -> None:
    """Run the playout daemon in the foreground (systemd runs it as a service).

    It plays every approved programme on time to the sink and the zones, and
    writes the as-run log. Stop it with Ctrl-C or SIGTERM.
    """
    from ..daemon import Daemon, DaemonOptions

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JournalFormatter(journald="JOURNAL_STREAM" in os.environ))
    logging.basicConfig(
        level=logging.DEBUG if app.debug else logging.INFO, handlers=[handler], force=True
    )
    if not app.debug:  # its per-job lines would flood the journal
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    d = Daemon(app.settings, sink_spec=sink, options=DaemonOptions(tick_s=tick))

    def on_signal(signum, _frame):
        logging.getLogger("loabroadcast.daemon").info("signal %s", signal.Signals(signum).name)
        d.stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    d.run()


@click.command("play-now")
@click.argument("message_id", type=ID)
@click.option("--blocks", type=CODES, help="Only these blocks (default: the message's).")
@click.option("--approve", is_flag=True, help="Approve a draft first (recorded with --by).")
@click.option(
    "--stations",
    type=STATIONS,
    help="At these stations the message is sent to (codes, or all); default: this one.",
)
@click.option("--by", help="Who ordered it.")
@click.pass_obj
def play_now(app, message_id, blocks, approve, stations, by) -> None:
    """Emergency (phát ngay): the daemon cuts in within a second, everywhere it is sent.

    With --stations all, every station the message is sent to airs it at once: the
    district's emergency button.

    \b
    loa play-now 12 --stations all --by "Chủ tịch UBND huyện"
    """
    if not stations:
        request = app.station().play_now(message_id, blocks, approve=approve, by=by)
        click.echo(
            _("queued play-now request {request} for message {id}").format(
                request=request, id=message_id
            )
        )
        return
    requests = app.station().play_now_at(
        message_id, blocks, approve=approve, by=by, stations=stations
    )
    click.echo(
        _("queued play-now requests {ids} for message {id} at {n} stations").format(
            ids=", ".join(str(r) for r in requests), id=message_id, n=len(requests)
        )
    )


@click.command()
@station_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def status(app, station, as_json) -> None:
    """Is the daemon running, what is on air, what comes next.

    It answers from the daemon's lock and status file in the station folder too, so it
    tells the truth while the disk is full or the database is gone. With --station all:
    each station of the district's database in turn (`loa station list` is the
    one-line-each overview).
    """
    if station == "all":
        found = [app.station(ref.code) for ref in app.stations("all")]
        if as_json:
            echo_json([st.status() for st in found])
            return
        for n, st in enumerate(found):
            if n:
                click.echo("")
            click.echo(f"== {st.station.code} ({st.station.name}) ==")
            _print_status(st, st.status())
        return
    try:
        opened = app.station(station)
        data = opened.status()
    except LoaError:
        if station is None:
            _presence_only(app.settings.home, as_json)
        raise
    if as_json:
        echo_json(data)
        return
    _print_status(opened, data)


def _print_status(station, data) -> None:
    d = data["daemon"]
    tz = station.tz
    if d["running"]:
        heartbeat = d["heartbeat_at"]
        where = {"pid": d["pid"], "host": d["host"], "sink": d["sink"]}
        if heartbeat:
            click.echo(
                _("daemon: running (pid {pid} on {host}, sink {sink}), heartbeat {time}").format(
                    time=dates.clock(heartbeat.astimezone(tz), seconds=True), **where
                )
            )
        else:
            click.echo(_("daemon: running (pid {pid} on {host}, sink {sink})").format(**where))
    elif d["heartbeat_at"]:
        last = d["heartbeat_at"].astimezone(tz)
        click.echo(
            _("daemon: NOT running (last heartbeat {moment})").format(
                moment=dates.moment(last, seconds=True)
            )
        )
    else:
        click.echo(_("daemon: NOT running (never started)"))
    playing = data["now_playing"]
    click.echo(
        _("on air: {title} ({id})").format(title=playing["title"], id=playing["message_id"])
        if playing
        else _("on air: nothing")
    )
    if data["next"]:
        rows = [
            (n["start"].astimezone(tz), n["slot"], n["message_id"], n["title"])
            for n in data["next"]
        ]
        # TRANSLATORS: loa status: the column of when the next items air
        headers = [pgettext("status", "next"), _("slot"), _("id"), _("title")]
        click.echo(table(headers, rows))
    backlog = d.get("journal_backlog") or 0
    if backlog:
        click.echo(
            ngettext(
                "as-run: {n} line waits in the journal for the database",
                "as-run: {n} lines wait in the journal for the database",
                backlog,
            ).format(n=backlog)
        )
    for flagged in data.get("flagged", []):
        click.echo(
            _("refused: message {id} ({title}): {reason}").format(
                id=flagged["message_id"], title=flagged["title"], reason=flagged["reason"]
            )
        )
    if data["last_error"]:
        click.echo(_("last error: {text}").format(text=data["last_error"]["text"]))


def _in_english(file: dict | None) -> dict | None:
    """The status file with the messages it keeps (i18n.records) in English."""
    if not file:
        return file
    file = dict(file)
    if isinstance(file.get("last_error"), dict):
        err = file["last_error"]
        file["last_error"] = {**err, "text": english_of(err.get("text"))}
    if isinstance(file.get("problems"), dict):
        file["problems"] = {k: english_of(v) for k, v in file["problems"].items()}
    return file


def _presence_only(home, as_json: bool) -> None:
    """What the lock and the status file say, when the database cannot be read."""
    from ..dashboard import presence_here

    here = presence_here(home)
    lock, file = here["lock"], here["file"]
    if as_json:
        echo_json({"daemon": {"running": lock.held, "pid": lock.pid, "lock_held": lock.held},
                   "status_file": _in_english(file)})  # fmt: skip
        return
    if lock.held:
        click.echo(_("daemon: running (pid {pid})").format(pid=lock.pid))
    else:
        click.echo(_("daemon: NOT running"))
    if file:
        playing = file.get("now_playing")
        click.echo(
            _("on air: {title} ({id})").format(title=playing.get("title"), id=playing.get(
                "message_id")) if playing else _("on air: nothing")
        )  # fmt: skip
        if file.get("last_error"):
            text = shown(file["last_error"].get("text"))
            click.echo(_("last error: {text}").format(text=text))


@click.command()
@click.option("--date", "day", type=DATE, help="Station day (default: today; --all for every day).")
@click.option("--all", "all_days", is_flag=True, help="The whole log.")
@station_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def log(app, day, all_days, station, as_json) -> None:
    """The as-run log (nhật ký phát thanh): what aired, when, where; newest last.

    With --station all, the log of every station of the district's database, each row
    with its station.
    """
    every = station == "all"
    opened = app.station(None if every else station)
    scope = None
    if every:
        from ..store.stations import scope_of

        scope = scope_of(app.stations("all"))
    if not all_days and day is None:
        day = opened.today()
    airings = opened.airings(None if all_days else day, scope)
    if as_json:
        echo_json([airing_dict(a, opened.tz) for a in airings])
        return
    if not airings:
        if day:
            click.echo(_("nothing in the log for {date}").format(date=vn_date(day)))
        else:
            click.echo(_("nothing in the log"))
        return
    tz = opened.tz

    def local(moment, fmt="%H:%M:%S.%f"):
        if moment is None:
            return "-"
        text = moment.astimezone(tz).strftime(fmt)
        return text[:-3] if fmt.endswith("%f") else text  # milliseconds

    rows = [
        (
            *((a.station,) if every else ()),
            local(a.scheduled_at, "%d/%m/%Y %H:%M:%S"),
            local(a.started_at),
            local(a.ended_at),
            a.slot or _("play-now"),
            a.message_id,
            a.version or "-",
            labels.airing_status(a.status),
            ",".join(a.blocks) or "-",
            ",".join(str(z) for z in a.zones) or "-",
            (a.title or "") + _airing_notes(a) + (f" [{a.error}]" if a.error else ""),
        )
        for a in airings
    ]
    headers = [
        *([pgettext("district", "station")] if every else []),
        # TRANSLATORS: loa log: the columns of the as-run log
        pgettext("log", "scheduled"),
        pgettext("log", "started"),
        pgettext("log", "ended"),
        _("slot"),
        _("id"),
        _("version"),
        _("status"),
        _("blocks"),
        _("zones"),
        _("title"),
    ]
    click.echo(table(headers, rows))


def _airing_notes(a) -> str:
    """What the relay and the dead-air guard add to an as-run line."""
    notes = []
    if a.relay_source:
        text = _("relay of {source}").format(source=a.relay_source)
        if a.started_at and a.ended_at:
            from ..domain.content import format_duration

            aired = (a.ended_at - a.started_at).total_seconds()
            text += ", " + _("{length} live").format(length=format_duration(aired))
        if a.dropouts:
            text += ", " + ngettext("{n} dropout", "{n} dropouts", a.dropouts).format(n=a.dropouts)
        if a.fallback_s:
            text += ", " + _("fallback {seconds:.0f} s").format(seconds=a.fallback_s)
        notes.append(text)
    if a.dead_air_s:
        notes.append(_("dead air {seconds:.0f} s").format(seconds=a.dead_air_s))
    return "".join(f" ({n})" for n in notes)


def airing_dict(a, tz) -> dict:
    def iso(moment):
        return moment.astimezone(tz).isoformat(timespec="milliseconds") if moment else None

    return {
        "id": a.id,
        "station": a.station,
        "message_id": a.message_id,
        "title": a.title,
        "slot": a.slot,
        "scheduled_at": iso(a.scheduled_at),
        "started_at": iso(a.started_at),
        "ended_at": iso(a.ended_at),
        "status": a.status.value,
        "blocks": list(a.blocks),
        "zones": list(a.zones),
        "sink": a.sink,
        "render_sha256": a.render_sha256,
        "underruns": a.underruns,
        "error": english_of(a.error),  # --json stays English
        "version": a.version,  # of the message: `loa msg show ID --versions`
        "written_by": a.written_by,
        "approved_by": a.approved_by,
        "requested_by": a.requested_by,  # play-now
        "aired_s": round((a.ended_at - a.started_at).total_seconds(), 3)
        if a.started_at and a.ended_at
        else None,
        "dead_air_s": a.dead_air_s,  # the dead-air guard (null: not watched)
        "relay_source": a.relay_source,  # a relay (tiếp âm): its source's code
        "dropouts": a.dropouts,
        "fallback_s": a.fallback_s,
    }


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def devices(as_json) -> None:
    """Sound devices the daemon can use (--sink device:NAME)."""
    from ..playback.device import list_devices

    found = list_devices(refresh=True)
    if as_json:
        echo_json(
            [
                {"index": d.index, "name": d.name, "channels": d.channels, "default": d.default}
                for d in found
            ]
        )
    elif not found:
        click.echo(_("no sound output devices found"))
    else:
        rows = [(d.index, d.name, d.channels, "*" if d.default else "") for d in found]
        headers = [_("index"), _("name"), _("channels"), pgettext("device", "default")]
        click.echo(table(headers, rows))


@click.group()
def zone() -> None:
    """Zone (speaker line) tools for installers."""


@zone.command("test")
@click.argument("number", type=click.IntRange(1, 64))
@click.option("--seconds", type=click.FloatRange(0.5, 600), default=5.0, show_default=True,
              help="Seconds of test tone.")  # fmt: skip
@click.option("--sink", help="device[:NAME] | file:DIR | null (default: [playback] sink).")
@click.pass_obj
def zone_test(app, number, seconds, sink) -> None:
    """Switch zone NUMBER on and play the test tone to it, then switch everything off."""
    from ..zonetest import run_zone_test

    played = run_zone_test(app.settings, number, seconds, sink)
    click.echo(
        _("zone {number}: played {seconds} s of test tone; all zones off").format(
            number=number, seconds=f"{played:.1f}"
        )
    )


@zone.command("all-off")
@click.option("--force", is_flag=True, help="Even while a daemon runs for this station.")
@click.pass_obj
def zone_all_off(app, force) -> None:
    """Switch every zone and the amplifier off, and nothing else.

    systemd runs it after the daemon stops for any reason (ExecStopPost=), so the
    speakers go quiet even when the daemon was killed. It needs no database.
    """
    from ..playback.zones import make_zones
    from ..presence import probe

    lock = probe(app.settings.home)
    if lock.held and not force:
        raise Conflict(
            N_("the daemon is running (pid {pid}) and switches the zones itself; stop it "
               "first, or use --force"),
            pid=lock.pid,
        )  # fmt: skip
    make_zones(app.settings.zones).close()  # every relay off (all tried), port released
    click.echo(_("every zone and the amplifier are off"))
