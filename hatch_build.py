"""Hatch build hook: compile the message catalogs (``.po`` → ``.mo``) into the package.

The ``.mo`` files are built, never committed (they are binary, go stale against their
``.po`` and would conflict at every merge); ``.gitignore`` keeps them out of git, and
this hook both writes them beside their ``.po`` and lists them as build artifacts, so
they are in every wheel (``pip install loabroadcast``) and in the editable install that
``scripts/setup`` makes (hatch runs this hook for that too; the ``.mo`` then sits in
``src/``, where ``importlib.resources`` finds it). ``scripts/i18n compile`` does the same
with ``pybabel compile`` while you edit a ``.po``.

Babel is the hook's dependency (pyproject: ``[tool.hatch.build.targets.wheel.hooks.custom]``),
installed in the build environment only; the installed package reads ``.mo`` files with
the standard library's ``gettext``.
"""

from __future__ import annotations

import os
from pathlib import Path

try:  # absent when this file is imported as a plain module (tests, scripts/i18n)
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # pragma: no cover
    BuildHookInterface = object  # type: ignore[assignment,misc]

LOCALE = Path("src/loabroadcast/locale")


def compile_catalogs(locale_dir: Path) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/<domain>.po`` under ``locale_dir`` to the
    ``.mo`` beside it (fuzzy entries left out, as ``pybabel compile`` does); each file
    is replaced atomically. Returns the ``.mo`` paths."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name, domain=po.stem)
        mo = po.with_suffix(".mo")
        part = mo.with_name(mo.name + ".part")
        with part.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        os.replace(part, mo)
        written.append(mo)
    return written


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        root = Path(self.root)
        for mo in compile_catalogs(root / LOCALE):
            build_data["artifacts"].append(mo.relative_to(root).as_posix())
