"""``loa text normalize`` and ``loa dict``: Vietnamese text as it will be read."""

from __future__ import annotations

import sys

import click

from .output import echo_json, table


@click.group()
def text() -> None:
    """Vietnamese text tools."""


@text.command("normalize")
@click.argument("text", required=False)
@click.option("--warnings", "show_warnings", is_flag=True, help="Also print what is ambiguous.")
@click.pass_obj
def normalize_cmd(app, text, show_warnings) -> None:
    """Print the spoken form of TEXT, or of each line of stdin (one output line per line)."""
    from ..speech.abbreviations import load_user_dictionary
    from ..speech.normalize import normalize

    extra = load_user_dictionary(app.settings.dictionary_path)
    lines = [text] if text is not None else sys.stdin
    for line in lines:
        result = normalize(line.rstrip("\n"), extra)
        click.echo(result.text)
        if show_warnings:
            for w in result.warnings:
                click.echo(f"warning: {w.message}", err=True)
        sys.stdout.flush()


@click.group("dict")
def dict_() -> None:
    """The station's abbreviations (added to the built-in dictionary)."""


@dict_.command("add")
@click.argument("abbr")
@click.argument("expansion")
@click.pass_obj
def dict_add(app, abbr, expansion) -> None:
    """Read ABBR as EXPANSION, e.g. `loa dict add HTX "hợp tác xã"`."""
    from ..speech.abbreviations import add_user_abbreviation

    add_user_abbreviation(app.settings.dictionary_path, abbr, expansion)
    click.echo(f"{abbr} → {expansion}")


@dict_.command("remove")
@click.argument("abbr")
@click.pass_obj
def dict_remove(app, abbr) -> None:
    """Forget the station's reading of ABBR."""
    from ..speech.abbreviations import remove_user_abbreviation

    remove_user_abbreviation(app.settings.dictionary_path, abbr)
    click.echo(f"removed {abbr}")


@dict_.command("list")
@click.option("--builtin", is_flag=True, help="Include the built-in dictionary.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def dict_list(app, builtin, as_json) -> None:
    """List the station's abbreviations (and the built-in ones with --builtin)."""
    from ..speech.abbreviations import BUILTIN, load_user_dictionary

    entries = {}
    if builtin:
        entries.update({k: (v, "built-in") for k, v in BUILTIN.items()})
    entries.update(
        {k: (v, "station") for k, v in load_user_dictionary(app.settings.dictionary_path).items()}
    )
    if as_json:
        echo_json(
            [{"abbr": k, "expansion": v, "source": src} for k, (v, src) in sorted(entries.items())]
        )
    elif not entries:
        click.echo("no station abbreviations: add one with `loa dict add ABBR EXPANSION`")
    else:
        click.echo(
            table(
                ["abbr", "expansion", "source"],
                [(k, v, s) for k, (v, s) in sorted(entries.items())],
            )
        )
