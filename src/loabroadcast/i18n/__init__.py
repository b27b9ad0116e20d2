"""Message catalogs: Vietnamese by default, English on request (GNU gettext, Babel-managed).

Text that people read is written in English in the code and marked for extraction:

- ``_("text")`` translates now, in the process's language;
- ``ngettext("one item", "{n} items", n)`` chooses the plural form the language needs
  (Vietnamese has one form, English two);
- ``N_("text")`` only marks ``text`` for extraction; it is translated where it is shown
  (an error's message, a table of labels).

The language is chosen once per process (``set_language``): ``loa --lang``, else
``LOA_LANG``, else ``[ui] language`` in ``loa.toml``, else Vietnamese. A locale variable
(``LANG``) alone never switches: many Vietnamese station PCs run an English OS.

Catalogs live in ``loabroadcast/locale/<lang>/LC_MESSAGES/<domain>.mo`` (compiled
from the ``.po`` sources beside them), loaded with ``importlib.resources`` so an
installed wheel finds them. Two domains: ``loabroadcast`` (our text) and ``click``
(click's own words, see ``i18n/clickhelp.py``); the second is the first's fallback.
Messages missing from a catalog show in English. ``scripts/i18n`` maintains them.

Only the standard library is imported here: every command starts by choosing a language.
"""

from __future__ import annotations

import gettext as _gettext
from importlib import resources

DOMAIN = "loabroadcast"
DOMAINS = (DOMAIN, "click")  # looked up in this order
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

_language = DEFAULT_LANGUAGE
_catalog: _gettext.NullTranslations | None = None


def check_language(value: str) -> str:
    """A supported language code (``vi``, ``en``); ``ValueError`` otherwise."""
    code = value.strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {value!r}: use {' or '.join(LANGUAGES)}")
    return code


def set_language(value: str) -> str:
    """Use ``value`` (``vi`` or ``en``) for everything shown from now on."""
    global _language, _catalog
    _language = check_language(value)
    _catalog = None
    return _language


def language() -> str:
    return _language


def catalog() -> _gettext.NullTranslations:
    """The compiled catalog of the current language (English needs none)."""
    global _catalog
    if _catalog is None:
        _catalog = _load(_language)
    return _catalog


def _load(lang: str) -> _gettext.NullTranslations:
    if lang == "en":
        return _gettext.NullTranslations()
    found: _gettext.NullTranslations | None = None
    for domain in DOMAINS:
        mo = resources.files("loabroadcast") / "locale" / lang / "LC_MESSAGES" / f"{domain}.mo"
        try:
            with mo.open("rb") as handle:
                translations = _gettext.GNUTranslations(handle)
        except (FileNotFoundError, NotADirectoryError, OSError):
            continue
        if found is None:
            found = translations
        else:
            found.add_fallback(translations)
    return found or _gettext.NullTranslations()


def _(message: str) -> str:
    """``message`` in the current language."""
    return catalog().gettext(message)


gettext = _


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n`` in the current language."""
    return catalog().ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


class Lazy:
    """A message id translated each time it is used (``str()``, ``%``, ``format``): for
    text fixed at import time, before the language is chosen (a click decorator's
    ``message=``). Not a ``str``: pass it only where it is formatted or printed."""

    __slots__ = ("msgid",)

    def __init__(self, msgid: str) -> None:
        self.msgid = msgid

    def __str__(self) -> str:
        return _(self.msgid)

    def __mod__(self, values: object) -> str:
        return _(self.msgid) % values

    def format(self, *args: object, **kwargs: object) -> str:
        return _(self.msgid).format(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Lazy({self.msgid!r})"


__all__ = [
    "DOMAINS",
    "Lazy",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "N_",
    "_",
    "catalog",
    "check_language",
    "gettext",
    "language",
    "ngettext",
    "set_language",
]
