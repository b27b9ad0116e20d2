"""Log lines for people in their language; debug lines for developers in English.

A log call meant for people marks its message (``N_``) and passes its values by name,
so a translation may put them in its own order::

    log.warning(N_("%(engine)s failed, trying %(next)s: %(reason)s"),
                {"engine": "gtts", "next": "espeak", "reason": err})

``PeopleFormatter`` translates the message and the level name of records at INFO and
above when it formats them (the record itself is left alone for other handlers);
``DEBUG`` records are formatted as written. A value that is itself a message (an
explained error, ``Lazy``) is shown in the same language. Standard library only.
"""

from __future__ import annotations

import logging

from . import N_, _

LEVELS = {
    # TRANSLATORS: log level names, at the start of a log line
    "INFO": N_("INFO"),
    "WARNING": N_("WARNING"),
    "ERROR": N_("ERROR"),
    "CRITICAL": N_("CRITICAL"),
}


def translated(record: logging.LogRecord) -> logging.LogRecord:
    """A copy of ``record`` with its message and level name in the current language (the
    record as it is below INFO, or when its message is not text)."""
    if record.levelno < logging.INFO or not isinstance(record.msg, str):
        return record
    copy = logging.makeLogRecord(record.__dict__)
    copy.msg = _(record.msg)
    copy.levelname = _(LEVELS.get(record.levelname, record.levelname))
    if copy.msg != record.msg:
        try:
            copy.getMessage()
        except (TypeError, ValueError, KeyError):  # a translation that lost a field
            copy.msg = record.msg
    return copy


class PeopleFormatter(logging.Formatter):
    """A ``logging.Formatter`` that shows INFO and above in the reader's language."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(translated(record))


__all__ = ["PeopleFormatter", "translated"]
