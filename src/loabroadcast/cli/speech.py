"""``loa render``, ``loa preview``, ``loa cache``."""

from __future__ import annotations

import hashlib
from pathlib import Path

import click

from .. import labels
from ..errors import AudioError, Conflict, os_reason
from ..i18n import N_, _, ngettext
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
            raise Conflict(
                N_("message {id} is {status}; it will not air"),
                id=m.id,
                status=labels.status_word(m.status),
            )
    if not todo:
        click.echo(_("every approved message has its audio"))
        return
    records = []
    if len(todo) > 1:
        with click.progressbar(
            todo, label=_("rendering"), item_show_func=lambda m: m and f"#{m.id}"
        ) as bar:
            for m in bar:
                records.append(renderer.render(m, force=force))
    else:
        records.append(renderer.render(todo[0], force=force))
    for r in records:
        if r.fallback:
            line = _("message {id}: {seconds} s, {engine} (fallback), {lufs} LUFS")
        else:
            line = _("message {id}: {seconds} s, {engine}, {lufs} LUFS")
        click.echo(
            line.format(
                id=r.message_id,
                seconds=f"{r.duration_s:.1f}",
                engine=r.engine,
                lufs=r.loudness_lufs,
            )
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
            warn(
                [
                    _(
                        "the approved audio {path} changed on disk or vanished: rendering again"
                    ).format(path=record.path)
                ]
            )
        record = renderer.render(message, force=record is not None or engine is not None)
    if out:
        _copy_out(record, out, force, _protected(app.settings))
        click.echo(
            _("wrote {out} ({seconds} s, {engine}, {lufs} LUFS)").format(
                out=out,
                seconds=f"{record.duration_s:.1f}",
                engine=record.engine,
                lufs=record.loudness_lufs,
            )
        )
        return
    import threading

    from ..playback.sinks import make_sink

    sink = make_sink("device")
    sink.open()
    try:
        click.echo(
            _("playing message {id} ({seconds} s) on {sink}").format(
                id=message_id, seconds=f"{record.duration_s:.1f}", sink=sink.name
            )
        )
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
            raise AudioError(
                N_("cannot read {file}: {reason}"), file=str(record.path), reason=os_reason(err)
            ) from None
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
    n = len(removed)
    click.echo(ngettext("removed {n} file", "removed {n} files", n).format(n=n))
