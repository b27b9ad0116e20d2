"""``loa source``: the live sources relays air (tiếp âm): add, list, remove, test."""

from __future__ import annotations

import click

from ..i18n import N_, _, ngettext
from .output import echo_json, table, warn
from .params import by_option


@click.group()
def source() -> None:
    """Live sources to relay (tiếp âm): an upstream stream or the sound card's input.

    \b
    loa source add VOV1 http://stream.example.vn:8000/vov1.mp3 --name "VOV1"
    loa source add THU input:USB
    loa msg add --title "Thời sự VOV" --relay VOV1 --duration 30m --blocks all --slots sang
    """


def _sources(app):
    from ..usecases.sources import Sources

    return Sources(app.station())


@source.command("add")
@click.argument("code")
@click.argument("target", metavar="URL|input[:DEVICE]")
@click.option("--name", help="What people call it, e.g. 'Đài Phát thanh tỉnh'.")
@by_option
@click.pass_obj
def add(app, code: str, target: str, name: str | None, by: str | None) -> None:
    """Add source CODE: an http(s):// stream (Icecast, a radio's web stream: MP3, AAC,
    Ogg/Opus) or input[:DEVICE], the sound card's input (a receiver on the line input).

    \b
    loa source add VOV1 http://stream.example.vn:8000/vov1.mp3 --name "VOV1"
    loa source add TINH https://radio.example.vn/live.aac
    loa source add THU input            # the default input
    loa source add THU2 input:USB       # an input whose name holds USB (see loa devices)
    """
    found = _sources(app).add(code, target, name)
    click.echo(_("added source {code}: {target}").format(code=found.code, target=found.shown))


@source.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_(app, as_json: bool) -> None:
    """List the live sources."""
    found = _sources(app).sources()
    if as_json:
        echo_json(
            [
                {"code": s.code, "name": s.name or None, "kind": s.kind.value, "url": s.url,
                 "device": s.device}
                for s in found
            ]
        )  # fmt: skip
    elif not found:
        click.echo(_("no sources yet: add one with `loa source add CODE URL`"))
    else:
        rows = [(s.code, s.kind.value, s.shown, s.name or "-") for s in found]
        click.echo(table([_("code"), _("kind"), _("source"), _("name")], rows))


@source.command("remove")
@click.argument("code")
@by_option
@click.pass_obj
def remove(app, code: str, by: str | None) -> None:
    """Remove source CODE (refused while a draft or approved message relays it)."""
    _sources(app).remove(code)
    click.echo(_("removed source {code}").format(code=code))


@source.command("test")
@click.argument("code")
@click.option("--seconds", type=click.FloatRange(1, 120), default=5.0, show_default=True,
              help="How long to listen.")  # fmt: skip
@click.option("--play", is_flag=True, help="Then play what was heard to the sink.")
@click.option("--sink", help="With --play: device[:NAME] | file:DIR | null ([playback] sink).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def test(app, code: str, seconds: float, play: bool, sink: str | None, as_json: bool) -> None:
    """Connect to source CODE, listen, and say what comes: the time to connect, the
    format, the level in dBFS (as the dead-air guard measures it).

    \b
    loa source test VOV1 --seconds 10
    loa source test THU --play
    """
    from ..errors import PlaybackError
    from ..sources.probe import probe_source

    found = _sources(app).source(code)
    report = probe_source(found, app.settings, seconds, keep=play)
    if not report.connected:
        raise PlaybackError(
            N_("source {code} ({target}): cannot connect: {reason}"),
            code=found.code,
            target=found.shown,
            reason=report.error or "?",
        )
    if as_json:
        echo_json(_report_dict(report))
    else:
        _print_report(app, report)
    if play:
        _play(app, report, sink, as_json)


def _report_dict(r) -> dict:
    f = r.format
    return {
        "code": r.source.code,
        "kind": r.source.kind.value,
        "connected": r.connected,
        "connect_s": round(r.connect_s, 3) if r.connect_s is not None else None,
        "format": None if f is None else {
            "container": f.container or None, "codec": f.codec or None, "rate": f.rate,
            "channels": f.channels or None, "bitrate": f.bitrate or None, "name": f.name or None,
        },
        "heard_s": round(r.heard_s, 2),
        "rms_db": None if r.rms_db is None else round(r.rms_db, 1),
        "peak_db": None if r.peak_db is None else round(r.peak_db, 1),
        "dead_air": [{"start_s": round(e.start_s, 1), "length_s": round(e.length_s, 1)}
                     for e in r.dead_air],
        "dropouts": r.dropouts,
        "error": r.error,
    }  # fmt: skip


def _print_report(app, r) -> None:
    src = r.source
    click.echo(
        _("source {code} ({target}): connected in {seconds:.2f} s").format(
            code=src.code, target=src.shown, seconds=r.connect_s
        )
    )
    if r.format is not None:
        line = _("format: {format}").format(format=r.format.describe())
        if r.format.name:
            line += f" ({r.format.name})"
        click.echo(line)
    click.echo(
        _("heard {seconds:.1f} s: level {rms:.1f} dBFS, peak {peak:.1f} dBFS").format(
            seconds=r.heard_s, rms=r.rms_db, peak=r.peak_db
        )
    )
    limit = app.settings.playback.silence_db
    if r.rms_db is not None and r.rms_db < limit:
        warn([_("quieter than [playback] silence_db ({limit:g} dBFS): on air the dead-air guard "
                "would report it").format(limit=limit)])  # fmt: skip
    for e in r.dead_air:
        warn([_("silent for {length:.1f} s from {start:.1f} s").format(
            length=e.length_s, start=e.start_s)])  # fmt: skip
    if r.dropouts:
        text = ngettext(
            "the source dropped once while listening: {reason}",
            "the source dropped {n} times while listening: {reason}",
            r.dropouts,
        )
        warn([text.format(n=r.dropouts, reason=r.error)])


def _play(app, r, sink_spec: str | None, quiet: bool) -> None:
    """Play what was heard to the sink (after listening)."""
    import tempfile
    import threading
    import wave
    from pathlib import Path

    from ..playback.sinks import make_sink

    sink = make_sink(sink_spec or app.settings.playback.sink)
    with tempfile.TemporaryDirectory(prefix="loa-source-") as tmp:
        path = Path(tmp) / f"{r.source.code}.wav"
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(r.rate)
            w.writeframes(r.audio.astype("<i2").tobytes())
        sink.open()
        try:
            if not quiet:
                click.echo(
                    _("playing {seconds:.1f} s of {code} on {sink}").format(
                        seconds=r.heard_s, code=r.source.code, sink=sink.name
                    )
                )
            sink.play(path, stop=threading.Event(), meta={"title": r.source.code})
        finally:
            sink.close()
