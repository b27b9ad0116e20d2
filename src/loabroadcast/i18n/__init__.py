"""Message catalogs: Vietnamese by default, English on request (GNU gettext, Babel-managed).

Text that people read is written in English in the code and marked for extraction:

- ``_("text")`` translates now, in the process's language;
- ``ngettext("one item", "{n} items", n)`` chooses the plural form the language needs
  (Vietnamese has one form, English two);
- ``N_("text")`` only marks ``text`` for extraction; it is translated where it is shown
  (an error's message, a table of labels);
- ``pgettext(context, "text")`` and ``NC_(context, "text")``: the same with a context, for
  a short word that reads differently in two places (the priority ``priority`` and the
  column ``priority``);
- ``NP_("one {n} thing", "{n} things")``: marks a plural an error carries (its ``n``
  chooses the form where it is shown);
- ``said("text {field}", field=…)``: a sentence for people (a note, a warning) that is
  shown translated but keeps its English (``.english``) for ``--json``.

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


def catalog_for(lang: str) -> _gettext.NullTranslations:
    """The catalog of ``lang`` (``vi``, ``en``), whatever language is current: for a file
    written in a language chosen for it (``loa.toml``)."""
    code = check_language(lang)
    return catalog() if code == _language else _load(code)


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


def NP_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - the gettext convention
    """Mark a plural message for extraction (an error's: ``Conflict(NP_("… {n} message",
    "… {n} messages"), n=2)``); the form is chosen by its ``n`` where it is shown."""
    return (singular, plural)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, as meant in ``context``."""
    return catalog().pgettext(context, message)


def NC_(context: str, message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark ``message`` (in ``context``) for extraction; shown with ``pgettext``."""
    return message


def english(value: object) -> object:
    """The English of a message object (``Said``, ``Lazy``, an explained error); any
    other value as it is. For ``--json`` and logs."""
    return _english_of(value)


def fill(template: str, params: dict, *, english: bool = False, fallback: str | None = None) -> str:
    """``template.format(**params)``, each parameter that is a message itself shown in
    the same language; ``fallback`` (the English id) when a translation lost a field."""
    if not params:
        return template
    values = {k: _english_of(v) if english else v for k, v in params.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        if fallback is None or fallback == template:
            raise
        return fallback.format(**values)


def _english_of(value: object) -> object:
    found = getattr(value, "english", None)
    return found if isinstance(found, str) else value


class Said(str):
    """A sentence in the current language that keeps its English (``.english``): notes
    and warnings shown to people, given in English to programs (``--json``); its id and
    parameters (``msgid``, ``params``) can be stored and shown again in another language
    (``i18n.records``)."""

    __slots__ = ("english", "msgid", "params")

    def __new__(
        cls, shown: str, english: str, msgid: str | None = None, params: dict | None = None
    ) -> Said:
        self = super().__new__(cls, shown)
        self.english = english
        self.msgid = msgid
        self.params = params
        return self


def said(message: str | tuple[str, str], /, **params: object) -> Said:
    """``message`` (an English id, extracted like ``_``; or a plural of ``NP_`` chosen by
    ``params["n"]``) translated and filled now, with its English kept beside it."""
    if isinstance(message, tuple):
        n = params.get("n", 1)
        n = n if isinstance(n, int) else 1
        english = message[0] if n == 1 else message[1]
        shown = fill(ngettext(message[0], message[1], n), params, fallback=english)
        return Said(shown, fill(english, params, english=True), message, params)
    shown = fill(_(message), params, fallback=message)
    return Said(shown, fill(message, params, english=True), message, params)


class Lazy:
    """A message id translated each time it is used (``str()``, ``%``, ``format``): for
    text fixed at import time, before the language is chosen (a click decorator's
    ``message=``), and for a word inside another message (an error's ``{status}``), which
    keeps its English (``.english``) for logs and ``--json``. Not a ``str``: pass it only
    where it is formatted or printed."""

    __slots__ = ("msgid", "context")

    def __init__(self, msgid: str, context: str | None = None) -> None:
        self.msgid = msgid
        self.context = context

    def __str__(self) -> str:
        return pgettext(self.context, self.msgid) if self.context else _(self.msgid)

    def __mod__(self, values: object) -> str:
        return str(self) % values

    def format(self, *args: object, **kwargs: object) -> str:
        return str(self).format(*args, **kwargs)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Lazy):
            return (self.msgid, self.context) == (other.msgid, other.context)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.msgid, self.context))

    @property
    def english(self) -> str:
        return self.msgid

    def __repr__(self) -> str:
        return f"Lazy({self.msgid!r})"


__all__ = [
    "DOMAINS",
    "Lazy",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "N_",
    "NC_",
    "NP_",
    "Said",
    "_",
    "english",
    "fill",
    "pgettext",
    "said",
    "catalog",
    "catalog_for",
    "check_language",
    "gettext",
    "language",
    "ngettext",
    "set_language",
]
