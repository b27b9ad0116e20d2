"""``loa voice``: Piper voices for natural offline speech (list, install, remove, test)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from ..i18n import _
from .output import echo_json, table, warn
from .params import by_option


def _size(n: int | None) -> str:
    if n is None:
        return "-"
    return f"{n / 1e6:.1f} MB"


def _state(v) -> str:
    if v.in_use:
        return _("installed, in use")
    return _("installed") if v.installed else _("available")


@click.group()
def voice() -> None:
    """Piper voices: natural Vietnamese speech when the internet is down.

    With engine = "auto", loa reads with gTTS when it answers, else with an installed
    Piper voice ([speech] piper_voice, or the only Vietnamese one), else with espeak-ng.
    """


@voice.command("list")
@click.option("--all", "all_languages", is_flag=True, help="Every language the index offers.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_cmd(app, all_languages, as_json) -> None:
    """List installed voices and the Vietnamese voices of the index.

    Offline, the installed voices are listed and one line says the index is out of reach.
    """
    from ..speech.voices import list_voices

    listing = list_voices(app.settings, all_languages=all_languages)
    if as_json:
        echo_json(
            {
                "voices": [
                    {
                        "name": v.name,
                        "language": v.language,
                        "quality": v.quality,
                        "num_speakers": v.num_speakers,
                        "size_bytes": v.size_bytes,
                        "installed": v.installed,
                        "available": v.available,
                        "in_use": v.in_use,
                        "model": v.model,
                    }
                    for v in listing.voices
                ],
                "index": {
                    "url": listing.index_url,
                    "reachable": listing.index_error is None,
                    "error": listing.index_error,
                },
                "problem": listing.choice_problem,
            }
        )
        return
    if listing.voices:
        rows = [
            (
                v.name,
                v.language,
                v.quality,
                _size(v.size_bytes),
                _state(v),
            )
            for v in listing.voices
        ]
        headers = (_("NAME"), _("LANGUAGE"), _("QUALITY"), _("SIZE"), _("STATE"))
        click.echo(table(headers, rows))
    else:
        click.echo(_("no voice installed"))
    lines = [listing.index_error] if listing.index_error else []
    warn(lines + ([listing.choice_problem] if listing.choice_problem else []))


@voice.command("install")
@click.argument("name")
@click.option("--force", is_flag=True, help="Download and replace an installed voice.")
@by_option
@click.pass_obj
def install(app, name, force, by) -> None:
    """Download, check and install voice NAME.

    The files go to the voices folder of the station, checked against the index's sizes
    and digests. A broken download is resumed by running the command again.
    """
    from ..usecases.files import Voices

    voices = Voices(app.station())  # the change is recorded in the station's audit trail
    with contextlib.ExitStack() as stack:
        bar = None

        def start(entry) -> None:
            nonlocal bar
            label = _("downloading {name}").format(name=entry.key)
            bar = stack.enter_context(click.progressbar(length=entry.size_bytes, label=label))

        done = voices.install(
            name,
            force=force,
            on_start=start,
            progress=lambda n: bar.update(n) if bar is not None else None,
        )
    v = done.voice
    if not done.fresh:
        click.echo(_("voice {name} is installed already").format(name=v.name))
    else:
        checks = " + ".join((_("size"), *done.checks))
        click.echo(
            _("installed {name} ({quality}, {size}) in {folder}: {checks} checked").format(
                name=v.name, quality=v.quality or "-", size=_size(v.size_bytes), folder=v.folder,
                checks=checks,
            )
        )  # fmt: skip
    if done.in_use:
        click.echo(_("loa reads with it when gTTS cannot be reached"))
    else:
        click.echo(
            _('to read with it, set piper_voice = "{name}" in [speech] of loa.toml').format(
                name=v.name
            )
        )


@voice.command("remove")
@click.argument("name")
@by_option
@click.pass_obj
def remove(app, name, by) -> None:
    """Remove installed voice NAME.

    An unfinished download of it is removed too.
    """
    from ..usecases.files import Voices

    Voices(app.station()).remove(name)
    click.echo(_("removed voice {name}").format(name=name))


@voice.command("test")
@click.argument("name")
@click.argument("text", required=False)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write the WAV here.")
@click.pass_obj
def test(app, name, text, out) -> None:
    """Read a sample with installed voice NAME.

    TEXT (default: a Vietnamese sample) is read with the [speech.piper] settings, into
    --out FILE.wav or aloud on the sound device.
    """
    import tempfile

    from ..speech.voices.sample import render_sample

    if out is not None:
        result = render_sample(app.settings, name, out, text)
        click.echo(_("wrote {out} ({voice})").format(out=out, voice=result.voice))
        return
    import threading

    from ..playback.sinks import make_sink

    with tempfile.TemporaryDirectory(prefix="loa-voice-") as tmp:
        result = render_sample(app.settings, name, Path(tmp) / "sample.wav", text)
        sink = make_sink("device")
        sink.open()
        try:
            playing = _("playing a sample of {voice} on {sink}")
            click.echo(playing.format(voice=name, sink=sink.name))
            sink.play(result.path, stop=threading.Event())
        finally:
            sink.close()
