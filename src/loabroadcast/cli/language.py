"""Which language ``loa`` speaks: ``--lang`` > ``LOA_LANG`` > ``[ui] language`` > Vietnamese.

Chosen before click reads any option, so ``loa --help`` (whatever the order of
``--help``, ``--home`` and ``--lang``) and click's usage errors already speak it. A
locale variable (``LANG``, ``LC_ALL``) never switches: many station PCs run an English
OS for a Vietnamese officer.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import click

from ..i18n import DEFAULT_LANGUAGE, check_language, set_language

CONFIG_NAME = "loa.toml"  # config.CONFIG_NAME, not imported: see configured_language


def choose_language(group: click.Group, ctx: click.Context, args: Sequence[str]) -> str:
    """Set and return the language for ``loa ARGS`` (the root group's own arguments)."""
    parser = group.make_parser(ctx)
    try:
        opts, _, _ = parser.parse_args(list(args))
    except click.UsageError:  # reported by click's own parse, in the language chosen here
        opts = {}
    return set_language(language_for(opts.get("lang"), opts.get("home"), os.environ))


def language_for(option: str | None, home: str | None, env: Mapping[str, str]) -> str:
    """The language code for ``--lang``, ``--home`` and the environment ``env``.

    An unusable ``--lang``/``LOA_LANG`` is passed over here (click refuses it in the
    language that follows); so is a ``loa.toml`` that cannot be read or names another
    language: help still shows, and the command itself reports the file's error.
    """
    for value in (option, env.get("LOA_LANG")):
        if value:
            try:
                return check_language(value)
            except ValueError:
                pass
    return configured_language(home or env.get("LOA_HOME"))


def configured_language(home: str | None) -> str:
    """``[ui] language`` of the station's ``loa.toml``, read alone: every ``loa`` start
    asks, and loading the whole settings (``config.load_settings``, which the command
    does anyway and which validates the file) would cost ``loa --help`` a sixth of its
    time."""
    if home is None:
        from ..config import default_home

        home = str(default_home())
    path = Path(home).expanduser() / CONFIG_NAME
    try:
        if not path.is_file():
            return DEFAULT_LANGUAGE
        import tomllib

        ui = tomllib.loads(path.read_text(encoding="utf-8")).get("ui", {})
        return check_language(str(ui.get("language", DEFAULT_LANGUAGE)))
    except (OSError, ValueError, AttributeError):  # TOMLDecodeError is a ValueError
        return DEFAULT_LANGUAGE
