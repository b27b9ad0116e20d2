"""The officer's command line: ``loa``. Commands load lazily so ``--help`` is quick."""

from __future__ import annotations

import importlib
import sys

import click

from ..errors import LoaError
from ..i18n import N_, Lazy, _, set_language
from ..i18n.clickhelp import LoaContext, adopt, route_click
from .language import choose_language

route_click()  # click's own words ("Usage:", "Missing argument" …) from our catalogs

# name -> (module, attribute, one-line help shown by `loa --help` without importing)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("setup", "init", "Create or migrate the station folder and database."),
    "block": ("blocks", "block", "Residential blocks (khối, thôn, tổ dân phố) and their zones."),
    "slot": ("slots", "slot", "Daily broadcast slots (khung giờ phát)."),
    "msg": ("messages", "msg", "Announcements (tin, thông báo): add, approve, edit, cancel."),
    "schedule": ("schedule", "schedule", "Show the programme of each slot, with overflow."),
    "calendar": ("calendar", "calendar", "Holidays, quiet days and one-off sessions."),
    "text": ("text", "text", "Vietnamese text tools: the spoken form of a text."),
    "dict": ("text", "dict_", "The station's abbreviation dictionary."),
    "render": ("speech", "render", "Render approved messages to audio (ahead of air time)."),
    "preview": ("speech", "preview", "Write or play the exact audio of a message."),
    "cache": ("speech", "cache", "The render cache."),
    "daemon": ("daemon", "daemon", "Run the unattended playout daemon (foreground)."),
    "play-now": ("daemon", "play_now", "Emergency: play a message now (phát ngay)."),
    "status": ("daemon", "status", "Is the daemon running, what is on air, what is next."),
    "log": ("daemon", "log", "The as-run log (nhật ký phát thanh)."),
    "report": ("report", "report", "Reports for the district: what aired, where, how long."),
    "devices": ("daemon", "devices", "Sound devices the daemon can use."),
    "zone": ("daemon", "zone", "Zone (speaker line) tools for installers."),
    "voice": ("voice", "voice", "Piper voices for natural speech offline: list, install."),
    "audit": ("audit", "audit", "Who changed what, and when (the audit trail)."),
    "station": ("stations", "station", "The district's stations: add one, see them all."),
    "source": ("sources", "source", "Live sources to relay (tiếp âm): streams, the input."),
}


class LazyGroup(click.Group):
    context_class = LoaContext  # help in the chosen language (i18n/clickhelp.py)

    def parse_args(self, ctx, args):
        choose_language(self, ctx, args)  # before any option, --help included, is read
        return super().parse_args(ctx, args)

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attr, _help = COMMANDS[name]
        return adopt(getattr(importlib.import_module(f"{__name__}.{module}"), attr))

    def format_commands(self, ctx, formatter):
        rows = [(name, _(COMMANDS[name][2])) for name in self.list_commands(ctx)]
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except LoaError as err:
            if ctx.find_root().params.get("debug"):
                raise
            click.echo(error_line(str(err)), err=True)
            ctx.exit(err.exit_code)
        except Exception as err:
            line = edge_error(err)  # a full disk, a vanished database: one line, not a traceback
            if line is None or ctx.find_root().params.get("debug"):
                raise
            click.echo(error_line(line), err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo(_("loa: interrupted"), err=True)
            ctx.exit(130)


def error_line(text: str) -> str:
    """``loa: error: …`` (``loa: lỗi: …`` in Vietnamese): scripts should read the exit
    status (1, 2 for bad usage), or run ``loa --lang en``, rather than the words."""
    # TRANSLATORS: the start of every error line, before the reason
    return _("loa: error: {reason}").format(reason=text)


_DRIVERS = ("sqlalchemy", "sqlite3", "psycopg", "psycopg2")


def edge_error(err: Exception) -> str | None:
    """The line shown for an error no layer turned into a ``LoaError``: the operating
    system's (ENOSPC, EROFS, EIO…) and the database driver's. None for anything else (a
    bug: its traceback is worth seeing)."""
    from ..errors import first_line, os_reason
    from ..i18n import _

    if isinstance(err, OSError) and err.strerror:
        where = f": {err.filename}" if err.filename else ""
        return _("{reason}{where}").format(reason=os_reason(err), where=where)
    if any(c.__module__.split(".")[0] in _DRIVERS for c in type(err).__mro__):
        cause = getattr(err, "orig", None) or err
        return _("database error: {reason}").format(reason=first_line(cause))
    return None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(file_okay=False),
    envvar="LOA_HOME",
    help="Station folder (config, database, audio cache). Env: LOA_HOME.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    envvar="LOA_LANG",
    is_eager=True,
    expose_value=False,
    callback=lambda _ctx, _param, value: set_language(value) if value else None,
    help="Language of what loa prints: vi (default) or en. Env: LOA_LANG.",
)
@click.version_option(
    package_name="loabroadcast",
    prog_name="loa",
    message=Lazy(N_("%(prog)s, version %(version)s")),  # click fixes it at import
)
@click.pass_context
def cli(ctx: click.Context, home: str | None, debug: bool) -> None:
    """loa: Vietnamese neighbourhood loudspeaker broadcasting (loa truyền thanh cơ sở).

    Queue announcements for residential blocks and daily slots; the daemon reads
    them in Vietnamese on time and keeps the as-run log.
    """
    from .context import AppContext

    ctx.obj = AppContext(home=home, debug=debug)
    ctx.call_on_close(ctx.obj.close)


def main() -> None:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    cli(prog_name="loa")
