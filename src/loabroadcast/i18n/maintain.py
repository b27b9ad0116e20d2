"""Keeping the message catalogs in step with the code (``scripts/i18n``, and the tests).

Developer tool: needs Babel (the ``dev`` extra) and a checkout; ``loa`` never imports it.

- ``update``: ``pybabel extract`` the code into ``locale/<domain>.pot`` (``loabroadcast``
  with ``babel.cfg``; ``click`` from the installed click's modules that
  ``i18n/clickhelp.py`` routes), then ``pybabel update`` each ``<lang>.po`` (new ids
  arrive untranslated, changed ones fuzzy with the old text as a hint).
- ``compile``: ``pybabel compile`` every ``.po`` to its ``.mo`` (not in git).
- ``check`` (``problems``): what the tests refuse, each problem one line saying what to do.
"""

from __future__ import annotations

import gettext
import re
import string
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import DOMAIN

LANGS = ("vi",)  # English is the message ids themselves
# click's modules whose words people read: the same modules as clickhelp.CLICK_MODULES
CLICK_FILES = tuple(
    f"click/{m}.py"
    for m in ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types")
)
DOMAINS = (DOMAIN, "click")
# Babel's defaults (_, N_, gettext, ngettext, pgettext …) and ours: said() translates a
# note now and keeps its English; NC_() marks a word with its context, NP_() an error's
# plural (i18n/__init__.py)
KEYWORDS = ("-k", "said", "-k", "NC_:1c,2", "-k", "NP_:1,2")
_PERCENT = re.compile(r"%\((\w+)\)[sdifr]")


@dataclass(frozen=True)
class Tree:
    """Where the catalogs of a checkout are."""

    root: Path

    @property
    def locale(self) -> Path:
        return self.root / "src" / "loabroadcast" / "locale"

    def pot(self, domain: str) -> Path:
        return self.locale / f"{domain}.pot"

    def po(self, domain: str, lang: str) -> Path:
        return self.locale / lang / "LC_MESSAGES" / f"{domain}.po"


def checkout() -> Tree:
    """The checkout this module was imported from (an editable install)."""
    root = Path(__file__).resolve().parents[3]
    if not (root / "babel.cfg").is_file():
        raise SystemExit(f"i18n: no babel.cfg in {root}: run this from a checkout")
    return Tree(root)


def pybabel(*args: str, cwd: Path) -> None:
    """Run ``pybabel ARGS`` in ``cwd``; its complaint, if it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"i18n: pybabel {args[0]} failed:\n{done.stderr.strip()}")


def extract(tree: Tree, domain: str, output: Path) -> None:
    """``pybabel extract`` the ids of ``domain`` from the code into ``output``."""
    # File names without line numbers, entries sorted by id: a change elsewhere in a file
    # does not rewrite the catalogs, and parallel branches merge without catalog conflicts.
    common = ["extract", "-c", "TRANSLATORS:", "-o", str(output), "--sort-output",
              "--add-location=file", *KEYWORDS]  # fmt: skip
    if domain == DOMAIN:
        from .. import __version__

        pybabel(*common, "-F", "babel.cfg", "--project=loabroadcast",
                f"--version={__version__}", "src/loabroadcast", cwd=tree.root)  # fmt: skip
    else:
        import click

        version = getattr(click, "__version__", "8.1")
        site = Path(click.__file__).resolve().parent.parent
        pybabel(*common, "--project=click", f"--version={version}", *CLICK_FILES, cwd=site)


def read(path: Path):
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle)


def ids(catalog) -> set:
    """The entries' keys: ``(context or "", id)`` (a word may be in two contexts)."""
    return {(m.context or "", m.id) for m in catalog if m.id}


def _fields(text: str) -> set[str]:
    names = set(_PERCENT.findall(text))
    if "{" in text:
        try:
            names |= {f"{{{f}}}" for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        except ValueError:
            names.add("<unbalanced braces>")
    return names


def _show(msgid) -> str:
    return repr(msgid if isinstance(msgid, str) else msgid[0])


def _sorted(keys: set) -> list:
    return sorted(keys, key=lambda k: (k[0], k[1] if isinstance(k[1], str) else k[1][0]))


def _show_key(key: tuple) -> str:
    """A ``(context, id)`` key of ``ids`` as a problem line names it."""
    context, msgid = key
    return f"{_show(msgid)} (context {context!r})" if context else _show(msgid)


def pot_problems(tree: Tree, domain: str, extracted) -> list[str]:
    """The committed ``.pot`` against a fresh extraction of the code.

    Click ids that our own catalog also has are left out of the comparison: Babel finds
    ``_()`` inside f-strings only from Python 3.12 on, so click's ``f"{_('Usage:')} "``
    is extracted on some Pythons and not others (``clickhelp`` translates it as ours).
    """
    pot = tree.pot(domain)
    if not pot.is_file():
        return [f"{pot.relative_to(tree.root)} is missing: run scripts/i18n update"]
    committed, fresh = ids(read(pot)), ids(extracted)
    if domain != DOMAIN and tree.pot(DOMAIN).is_file():
        ours = ids(read(tree.pot(DOMAIN)))
        committed, fresh = committed - ours, fresh - ours
    rel = pot.relative_to(tree.root)
    out = [
        f"{rel} lacks {_show_key(m)}: run scripts/i18n update" for m in _sorted(fresh - committed)
    ]
    out += [
        f"{rel} still has {_show_key(m)}, gone from the code: run scripts/i18n update"
        for m in _sorted(committed - fresh)
    ]
    return out


def po_problems(tree: Tree, domain: str, lang: str) -> list[str]:
    """Untranslated, fuzzy, missing or broken entries of one ``.po``, and a stale ``.mo``."""
    po_path, pot_path = tree.po(domain, lang), tree.pot(domain)
    rel = po_path.relative_to(tree.root)
    if not po_path.is_file():
        return [f"{rel} is missing: run scripts/i18n update"]
    catalog = read(po_path)
    out = []
    if pot_path.is_file():
        missing = ids(read(pot_path)) - ids(catalog)
        out += [f"{rel} lacks {_show_key(m)}: run scripts/i18n update" for m in _sorted(missing)]
    for m in catalog:
        if not m.id:
            continue
        forms = list(m.string) if isinstance(m.string, tuple | list) else [m.string]
        where = f"{rel}:{m.lineno} {_show(m.id)}"
        if m.fuzzy:
            out.append(f"{where} is fuzzy: check the translation, then drop the fuzzy flag")
        elif not all(forms):
            out.append(f"{where} is not translated")
        elif isinstance(m.id, tuple) and len(forms) != catalog.num_plurals:
            out.append(f"{where} has {len(forms)} plural forms, {lang} needs {catalog.num_plurals}")
        else:
            out += _field_problems(where, m, forms)
    return out + _mo_problems(tree, domain, lang, catalog)


def _field_problems(where: str, message, forms: list[str]) -> list[str]:
    """A translation must keep the id's ``{fields}`` (it is formatted with them): none
    invented, none lost unless a translator's comment says ``drops {field}`` (click hands
    some messages an English or title-cased word)."""
    msgid = message.id
    if isinstance(msgid, str):
        wanted, allowed = _fields(msgid), _fields(msgid)
    else:  # plural: a form may drop the singular's count ("one file"), never invent one
        wanted, allowed = _fields(msgid[1]), _fields(msgid[0]) | _fields(msgid[1])
    for comment in message.user_comments:
        if comment.startswith("drops "):
            wanted -= _fields(comment)
    out = []
    for form in forms:
        have = _fields(form)
        if not have <= allowed or (len(forms) == 1 and not wanted <= have):
            out.append(
                f"{where}: the translation's fields {sorted(have)} differ from {sorted(wanted)}"
            )
    return out


def _mo_problems(tree: Tree, domain: str, lang: str, catalog) -> list[str]:
    mo = tree.po(domain, lang).with_suffix(".mo")
    rel = mo.relative_to(tree.root)
    if not mo.is_file():
        return [f"{rel} is missing: run scripts/i18n compile"]
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for m in catalog:
        if not m.id or m.fuzzy or not m.string:
            continue
        if isinstance(m.id, str) and m.context:
            same = compiled.pgettext(m.context, m.id) == m.string
        elif isinstance(m.id, str):
            same = compiled.gettext(m.id) == m.string
        else:
            same = all(
                compiled._catalog.get((m.id[0], i)) == form for i, form in enumerate(m.string)
            )
        if not same:
            return [f"{rel} is older than its .po ({_show(m.id)}): run scripts/i18n compile"]
    return []


def problems(tree: Tree) -> list[str]:
    """Everything ``scripts/i18n check`` and the tests refuse."""
    out = []
    with tempfile.TemporaryDirectory(prefix="loa-i18n-") as tmp:
        for domain in DOMAINS:
            fresh = Path(tmp) / f"{domain}.pot"
            extract(tree, domain, fresh)
            out += pot_problems(tree, domain, read(fresh))
            for lang in LANGS:
                out += po_problems(tree, domain, lang)
    return out


def _without_date(text: str) -> str:
    return re.sub(r'"POT-Creation-Date: [^"]*"\n', "", text)


def update(tree: Tree) -> None:
    """Extract the code into the ``.pot`` files and merge them into every ``.po``."""
    tree.locale.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="loa-i18n-") as tmp:
        for domain in DOMAINS:
            fresh = Path(tmp) / f"{domain}.pot"
            extract(tree, domain, fresh)
            pot = tree.pot(domain)
            new = fresh.read_text(encoding="utf-8")
            old = pot.read_text(encoding="utf-8") if pot.is_file() else ""
            if _without_date(new) != _without_date(old):  # only the date changed: keep it
                pot.write_text(new, encoding="utf-8")
                print(f"i18n: wrote {pot.relative_to(tree.root)}")
            for lang in LANGS:
                pybabel("update", "-i", str(pot), "-d", str(tree.locale), "-D", domain, "-l", lang,
                        "--init-missing", "--ignore-obsolete", cwd=tree.root)  # fmt: skip
    for problem in problems(tree):
        print(problem)


def compile_all(tree: Tree) -> None:
    pybabel("compile", "-d", str(tree.locale), "-D", " ".join(DOMAINS), cwd=tree.root)
    for domain in DOMAINS:
        for lang in LANGS:
            mo = tree.po(domain, lang).with_suffix(".mo")
            print(f"i18n: compiled {mo.relative_to(tree.root)}")


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    tree = checkout()
    if command == "update":
        update(tree)
    elif command == "compile":
        compile_all(tree)
    elif command == "check":
        found = problems(tree)
        for problem in found:
            print(problem)
        print(f"i18n: {len(found)} problem(s)" if found else "i18n: catalogs complete")
        return 1 if found else 0
    else:
        print("usage: scripts/i18n update|compile|check", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
