"""Click in the officer's language: click's own words and our commands' help.

Two hooks, both installed by ``loabroadcast.cli`` and nowhere else:

- ``route_click()``: click 8.1 translates its own words ("Usage:", "Options:", "Missing
  argument", "Try … for help.", "[default: …]") with ``gettext.gettext``/``ngettext``
  imported by name into its modules (``from gettext import gettext as _``). We rebind
  those names, once, to our functions, so click reads our catalogs (its text is the
  ``click`` domain, extracted from the installed click by ``scripts/i18n update``) in the
  language ``loa`` chose, never from ``LANG``/``LANGUAGE``. Binding a ``messages`` domain
  instead would follow the environment's locale and a directory on disk, not the package.
- ``adopt(command)``: our command docstrings and ``help=`` strings are English message ids
  (collected by ``i18n/extract.py``). A command handed out by ``loa``'s group gets
  ``LoaContext``, whose help formatter translates each paragraph and each option help as
  it is written, in the language of the moment: commands others add need nothing special.
"""

from __future__ import annotations

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types

from . import N_, NC_, _, gettext, ngettext, pgettext
from .helptext import VERBATIM_HEADINGS, first_sentence, translate_help, translate_text

# helptext (standard library only) keeps these headings of verbatim paragraphs; marked
# here for extraction
# TRANSLATORS: the heading of a command's examples in its --help
assert (N_("Examples:"),) == VERBATIM_HEADINGS

# The modules ``import click`` loads that say something to people (the same list is
# extracted into the click domain: keep them in step, see maintain.CLICK_MODULES).
CLICK_MODULES = (
    click.core,
    click.decorators,
    click.exceptions,
    click.formatting,
    click.parser,
    click.termui,
    click.types,
)


# Words click translates once, when a command is defined, and then keeps: the help of
# --help and --version (click.decorators; HelpOption is cached per command) and the
# names of path types ("file", "directory", "path": metavars and error messages). They
# stay English ids, whatever language was current then; help is translated as it is
# written (LoaHelpFormatter), and the Vietnamese path messages leave the name out.
PATH_TYPE_NAMES = frozenset({"file", "directory", "path"})


def _english(message: str) -> str:
    return message


def _types_gettext(message: str) -> str:
    return message if message in PATH_TYPE_NAMES else gettext(message)


def route_click() -> None:
    """Make click's own text come from our catalogs (idempotent)."""
    for module in CLICK_MODULES:
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
    click.decorators._ = _english
    click.types._ = _types_gettext


class LoaHelpFormatter(click.HelpFormatter):
    """Writes help with the text our catalog knows translated."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        # click writes f"{_('Usage:')} ", which Babel on Python 3.11 cannot see inside the
        # f-string: the id is ours
        if prefix is None:
            prefix = _("Usage:") + " "
        super().write_usage(prog, usage_args(args), prefix)

    def write_text(self, text: str) -> None:
        super().write_text(translate_text(text, _))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(option_metavar(first), translate_help(second, _)) for first, second in rows]
        super().write_dl(rows, col_max, col_spacing)


# What click writes after an option that takes a value when the option names none
# (its type's name): "--title TEXT", "--days INTEGER RANGE". Our own metavars (CODE,
# NAME, N) and arguments stay as they are: the help text names them.
TYPE_METAVARS = {
    # TRANSLATORS: the value an option takes, after it in --help: "--title TEXT"
    "TEXT": NC_("metavar", "TEXT"),
    "INTEGER": NC_("metavar", "INTEGER"),
    "INTEGER RANGE": NC_("metavar", "INTEGER RANGE"),
    "FLOAT": NC_("metavar", "FLOAT"),
    "FLOAT RANGE": NC_("metavar", "FLOAT RANGE"),
    "FILE": NC_("metavar", "FILE"),
    "DIRECTORY": NC_("metavar", "DIRECTORY"),
    "DATE": NC_("metavar", "DATE"),
}


def option_metavar(first: str) -> str:
    """An option's column in --help (``--title TEXT``) with its type's name in the
    reader's words."""
    if not first.startswith("-"):
        return first
    for name in sorted(TYPE_METAVARS, key=len, reverse=True):
        if first.endswith(" " + name):
            return first[: -len(name)] + pgettext("metavar", TYPE_METAVARS[name])
    return first


# click's metavars in a usage line (Command.options_metavar, Group.subcommand_metavar)
USAGE_METAVARS = (
    # TRANSLATORS: in a usage line: "Cách dùng: loa msg add [TÙY CHỌN]"
    N_("[OPTIONS]"),
    # TRANSLATORS: in a usage line: "Cách dùng: loa [TÙY CHỌN] LỆNH [THAM SỐ]..."
    N_("COMMAND [ARGS]..."),
)


def usage_args(args: str) -> str:
    """A usage line's arguments with click's own metavars in the reader's words."""
    for metavar in USAGE_METAVARS:
        if metavar in args:
            args = args.replace(metavar, _(metavar))
    return args


class LoaContext(click.Context):
    formatter_class = LoaHelpFormatter


def adopt(command: click.Command) -> click.Command:
    """Give ``command`` and everything under it translated help (idempotent).

    A command listed by a group shows its whole first sentence, not one click cuts to
    the terminal's width, so the listing is a message id the catalog knows.
    """
    command.context_class = LoaContext
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            if sub.short_help is None and sub.help:
                sub.short_help = first_sentence(sub.help)
            adopt(sub)
    return command
