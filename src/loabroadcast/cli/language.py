"""Which language ``loa`` speaks: ``--lang`` > ``LOA_LANG`` > ``[ui] language`` > Vietnamese.

Chosen before click reads any option, so ``loa --help`` (whatever the order of
``--help``, ``--home`` and ``--lang``) and click's usage errors already speak it. A
locale variable (``LANG``, ``LC_ALL``) never switches: many station PCs run an English
OS for a Vietnamese officer.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import click

from ..errors import LoaError
from ..i18n import DEFAULT_LANGUAGE, check_language, set_language


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
    language that follows); a ``loa.toml`` that cannot be read does not stop help.
    """
    for value in (option, env.get("LOA_LANG")):
        if value:
            try:
                return check_language(value)
            except ValueError:
                pass
    from ..config import load_settings

    try:
        return load_settings(home, env=dict(env)).ui.language
    except (LoaError, OSError):
        return DEFAULT_LANGUAGE
