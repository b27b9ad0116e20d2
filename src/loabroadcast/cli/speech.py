"""``loa render``, ``loa preview``, ``loa cache``."""

from __future__ import annotations

import shutil
from pathlib import Path

import click


@click.command()
@click.argument("ids", type=int, nargs=-1)
@click.option("--engine", type=click.Choice(["auto", "gtts", "espeak", "piper"]),
              help="Render with this engine (re-renders).")  # fmt: skip
@click.option("--force", is_flag=True, help="Render again even when audio exists.")
@click.pass_obj
def render(app, ids, engine, force) -> None:
    """Render approved messages that lack audio (or the given IDs)."""
    from ..rendering import Renderer

    renderer = Renderer(app.station(), engine)
    force = force or engine is not None
    todo = renderer.messages_for(ids or None) if (ids or force) else renderer.pending()
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
@click.argument("message_id", type=int)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write the WAV here.")
@click.option("--engine", type=click.Choice(["auto", "gtts", "espeak", "piper"]))
@click.pass_obj
def preview(app, message_id, out, engine) -> None:
    """Write the exact programme audio of a message to FILE.wav, or play it."""
    from ..rendering import Renderer

    station = app.station()
    renderer = Renderer(station, engine)
    record = renderer.render(station.message(message_id))
    if out:
        tmp = out.with_name(out.name + ".part")
        shutil.copyfile(record.path, tmp)
        tmp.replace(out)
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
