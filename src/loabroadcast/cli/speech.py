"""``loa render``, ``loa preview``, ``loa cache``."""

from __future__ import annotations

import hashlib
from pathlib import Path

import click

from ..errors import AudioError, Conflict
from ..i18n import N_
from ..userfiles import Protected, output_file
from .output import warn
from .params import ID, by_option

ENGINES = click.Choice(["auto", "gtts", "espeak", "piper"])
# Statuses that never air: their audio is not rendered (a draft may be, to hear it).
NOT_AIRING = ("cancelled", "rejected", "expired")


@click.command()
@click.argument("ids", type=ID, nargs=-1)
@click.option("--engine", type=ENGINES, help="Render with this engine (re-renders).")
@click.option("--force", is_flag=True, help="Render again even when audio exists.")
@by_option
@click.pass_obj
def render(app, ids, engine, force, by) -> None:
    """Render approved messages that lack audio (or the given IDs)."""
    from ..rendering import Renderer

    renderer = Renderer(app.station(), engine)
    force = force or engine is not None
    todo = renderer.messages_for(ids or None) if (ids or force) else renderer.pending()
    for m in todo:
        if m.status.value in NOT_AIRING:
            raise Conflict(f"message {m.id} is {m.status.value}; it will not air")
    if not todo:
        click.echo("every approved message has its audio")
        return
    records = []
    if len(todo) > 1:
        with click.progressbar(
            todo, label="rendering", item_show_func=lambda m: m and f"#{m.id}"
        ) as bar:
            for m in bar:
                records.append(renderer.render(m, force=force))
    else:
        records.append(renderer.render(todo[0], force=force))
    for r in records:
        fb = " (fallback)" if r.fallback else ""
        click.echo(
            f"message {r.message_id}: {r.duration_s:.1f} s, {r.engine}{fb}, {r.loudness_lufs} LUFS"
        )


@click.command()
@click.argument("message_id", type=ID)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write the WAV here.")
@click.option("--force", is_flag=True, help="Replace the --out file if it exists.")
@click.option("--engine", type=ENGINES, help="Render with this engine first.")
@by_option
@click.pass_obj
def preview(app, message_id, out, force, engine, by) -> None:
    """Write the exact programme audio of a message to FILE.wav, or play it.

    For an approved message that is the audio recorded at approval (what the daemon
    airs); it is rendered when there is none yet, when its file changed on disk, or
    with --engine. A draft is rendered as it reads now.
    """
    from ..rendering import Renderer
    from ..speech.render import verify_render

    station = app.station()
    renderer = Renderer(station, engine)
    message = station.message(message_id)
    # an approved message airs its recorded render; a draft is rendered as it now reads
    approved = message.status.value == "approved"
    record = renderer.current(message) if approved and engine is None else None
    if record is None or not verify_render(record):
        if record is not None:
            warn([f"the approved audio {record.path} changed on disk or vanished: rendering again"])
        record = renderer.render(message, force=record is not None or engine is not None)
    if out:
        _copy_out(record, out, force, _protected(app.settings))
        click.echo(
            f"wrote {out} ({record.duration_s:.1f} s, {record.engine}, {record.loudness_lufs} LUFS)"
        )
        return
    import threading

    from ..playback.sinks import make_sink

    sink = make_sink("device")
    sink.open()
    try:
        click.echo(f"playing message {message_id} ({record.duration_s:.1f} s) on {sink.name}")
        sink.play(record.path, stop=threading.Event())
    finally:
        sink.close()


def _protected(settings) -> Protected:
    """The station's folder, and its SQLite database wherever that lives."""
    files = []
    url = settings.database_url
    if url.startswith("sqlite") and "///" in url:
        db = Path(url.split("///", 1)[1])
        files = [db, *(db.with_name(db.name + end) for end in ("-wal", "-shm", "-journal"))]
    return Protected(folders=(settings.home,), files=tuple(files))


def _copy_out(record, out: Path, force: bool, protected: Protected) -> None:
    """Copy the approved audio to ``out``, checking on the way that it is the approved bytes;
    a partial or refused file never has the final name."""
    digest = hashlib.sha256()
    with output_file(out, force=force, protected=protected) as handle:
        try:
            source = open(record.path, "rb")  # noqa: SIM115 - closed below
        except OSError as err:
            raise AudioError(f"cannot read {record.path}: {err.strerror or err}") from None
        with source:
            for block in iter(lambda: source.read(1 << 20), b""):
                digest.update(block)
                handle.write(block)
        if digest.hexdigest() != record.sha256:
            raise AudioError(
                N_("the audio of message {id} changed while it was copied: nothing written"),
                id=record.message_id,
            )


@click.group()
def cache() -> None:
    """The render cache in the station folder."""


@cache.command("prune")
@click.pass_obj
def prune(app) -> None:
    """Remove cached audio that no draft or approved message needs."""
    from ..rendering import Renderer

    renderer = Renderer(app.station())
    removed = renderer.cache.prune(renderer.keep_keys())
    click.echo(f"removed {len(removed)} file(s)")
