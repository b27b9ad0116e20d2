"""``loa text normalize`` and ``loa dict``: Vietnamese text as it will be read."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import click

from ..errors import InvalidInput
from ..i18n import N_, _, pgettext
from .output import echo_json, table, warn
from .params import by_option


def _stdin_lines() -> Iterator[str]:
    """Lines of stdin as UTF-8 text (a leading BOM dropped), one at a time as they come.

    The bytes are decoded here, not by the platform's locale: officers' files are
    UTF-8 whatever the console says, and text in another encoding is refused in one
    line instead of being read aloud as garbage.
    """
    stream = click.get_binary_stream("stdin")
    for number, raw in enumerate(iter(stream.readline, b""), start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise InvalidInput(
                N_(
                    "line {line} of the input is not UTF-8 (byte {byte}); "
                    "save the text as UTF-8 and retry"
                ),
                line=number,
                byte=err.start + 1,
            ) from None
        if number == 1:
            line = line.removeprefix("\ufeff")
        yield line.rstrip("\r\n")


@click.group()
def text() -> None:
    """Vietnamese text tools."""


@text.command("normalize")
@click.argument("text", required=False)
@click.option("--warnings", "show_warnings", is_flag=True, help="Also print what is ambiguous.")
@click.pass_obj
def normalize_cmd(app, text, show_warnings) -> None:
    """Print the spoken form of TEXT, or of each line of stdin (one output line per line)."""
    from ..text import normalize
    from ..text.userdict import load_user_dictionary

    extra = load_user_dictionary(app.settings.dictionary_path)
    lines = [text] if text is not None else _stdin_lines()
    stdout = click.get_text_stream("stdout")
    for line in lines:
        result = normalize(line, extra)
        click.echo(result.text)
        if show_warnings:
            warn([w.message for w in result.warnings])
        stdout.flush()  # a pipe gets each line as soon as it is read


@click.group("dict")
def dict_() -> None:
    """The station's abbreviations (added to the built-in dictionary)."""


@dict_.command("add")
@click.argument("abbr")
@click.argument("expansion")
@by_option
@click.pass_obj
def dict_add(app, abbr, expansion, by) -> None:
    """Read ABBR as EXPANSION, e.g. `loa dict add HTX "hợp tác xã"`.

    A station entry overrides the built-in reading of the same abbreviation.
    """
    from ..text import lexicon
    from ..usecases.files import Dictionary

    previous = Dictionary(app.station()).add(abbr, expansion)
    # show what was stored (stripped, NFC), not what was typed
    abbr = unicodedata.normalize("NFC", abbr.strip())
    expansion = unicodedata.normalize("NFC", expansion.strip())
    line = f"{abbr} → {expansion}"
    if previous is not None and previous != expansion:
        line += " " + _("(was: {previous})").format(previous=previous)
    elif previous is None:
        builtin = lexicon.BUILTIN.get(abbr) or lexicon.lookup(abbr)
        if builtin is not None and builtin != expansion:
            line += " " + _("(instead of the built-in: {builtin})").format(builtin=builtin)
    click.echo(line)


@dict_.command("remove")
@click.argument("abbr")
@by_option
@click.pass_obj
def dict_remove(app, abbr, by) -> None:
    """Forget the station's reading of ABBR."""
    from ..usecases.files import Dictionary

    Dictionary(app.station()).remove(abbr)
    click.echo(_("removed {abbr}").format(abbr=unicodedata.normalize("NFC", abbr.strip())))


@dict_.command("list")
@click.option("--builtin", is_flag=True, help="Include the built-in dictionary.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def dict_list(app, builtin, as_json) -> None:
    """List the station's abbreviations (and the built-in ones with --builtin)."""
    from ..text.lexicon import builtin_entries
    from ..text.userdict import load_user_dictionary

    entries = {}
    if builtin:
        entries.update({k: (v, "built-in") for k, v in builtin_entries().items()})
    entries.update(
        {k: (v, "station") for k, v in load_user_dictionary(app.settings.dictionary_path).items()}
    )
    sources = {"built-in": _(SOURCES["built-in"]), "station": _(SOURCES["station"])}
    if as_json:
        echo_json(
            [{"abbr": k, "expansion": v, "source": src} for k, (v, src) in sorted(entries.items())]
        )
    elif not entries:
        click.echo(_("no station abbreviations: add one with `loa dict add ABBR EXPANSION`"))
    else:
        click.echo(
            table(
                [_("abbr"), _("expansion"), pgettext("dictionary", "source")],
                [(k, v, sources[s]) for k, (v, s) in sorted(entries.items())],
            )
        )


# where an abbreviation's reading comes from (--json keeps the keys)
SOURCES = {"built-in": N_("built-in"), "station": N_("station")}
