"""User-facing failures.

Every failure an officer or the daemon should see as one clear line is a
``LoaError``. Library code raises these; only the CLI turns them into exit codes.

An error carries its message as an English catalog id and its parameters,
``NotFound(N_("no message {id}"), id=12)``, and is translated where it is shown
(``str(err)``), so the daemon can keep the id and parameters (``err.code``,
``err.params``) and people read it in their own language. A message given without
parameters is shown as it is (translated when the catalog knows it).
"""

from __future__ import annotations

import errno

from .i18n import N_

# What the operating system says, in words an officer reads (strerror is English, and
# Python never translates it)
OS_REASONS = {
    errno.ENOSPC: N_("the disk is full"),
    errno.EDQUOT: N_("the disk quota is used up"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("not permitted"),
    errno.EROFS: N_("the disk is read-only"),
    errno.ENOENT: N_("no such file or folder"),
    errno.EIO: N_("input/output error (is the disk failing?)"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.EISDIR: N_("it is a folder"),
    errno.EEXIST: N_("it exists already"),
    errno.ENAMETOOLONG: N_("the file name is too long"),
}


class OsReason:
    """Why the operating system refused: its own words in English (``strerror``), ours in
    Vietnamese for the errors an officer meets (a full disk, no permission)."""

    __slots__ = ("msgid", "english")

    def __init__(self, msgid: str, english: str) -> None:
        self.msgid, self.english = msgid, english

    def __str__(self) -> str:
        from .i18n import gettext, language

        return self.english if language() == "en" else gettext(self.msgid)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def os_reason(err: OSError) -> object:
    """Why the operating system refused, for a ``{reason}`` parameter (see ``OsReason``);
    the system's own words for an errno we do not word."""
    text = err.strerror or str(err)
    msgid = OS_REASONS.get(err.errno) if isinstance(err.errno, int) else None
    return OsReason(msgid, text) if msgid is not None else text


def first_line(err: BaseException) -> str:
    """The first line of an exception's message (its type's name when it has none)."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


class Explained:
    """A failure told as a catalog message id and its named parameters, shown in the
    reader's language (``str(err)``) and kept in English (``err.english``, for ``--json``
    and logs). A parameter that is itself a message (``i18n.Lazy``, another explained
    error, ``i18n.said``) is shown in the same language as the sentence around it.

    Mixed into ``LoaError`` and into the domain's ``ValueError`` (``domain.errors``), so
    the layer that catches one can re-raise it as another and keep the id and parameters
    (``InvalidInput.of(err)``).
    """

    def __init__(self, message: str | tuple[str, str] = "", /, **params: object) -> None:
        super().__init__(message)
        self.code = message  # an id, or (singular, plural) of NP_() chosen by params["n"]
        self.params = params

    def __str__(self) -> str:
        from .i18n import fill, gettext, ngettext

        if isinstance(self.code, tuple):
            template = ngettext(*self.code, self._n())
            return fill(template, self.params, fallback=self._english_template())
        return fill(gettext(self.code), self.params, fallback=self.code)

    @property
    def english(self) -> str:
        """The message in English, whatever the language shown."""
        from .i18n import fill

        return fill(self._english_template(), self.params, english=True)

    def _n(self) -> int:
        n = self.params.get("n", 1)
        return n if isinstance(n, int) else 1

    def _english_template(self) -> str:
        if isinstance(self.code, tuple):
            return self.code[0] if self._n() == 1 else self.code[1]
        return self.code


class LoaError(Explained, Exception):
    """A failure explained to the user in one line (exit status 1)."""

    exit_code = 1

    @classmethod
    def of(cls, err: BaseException) -> LoaError:
        """``err`` (a domain ``ValueError``, an explained error or any other) as this kind
        of error, keeping its message id and parameters when it has them."""
        if isinstance(err, Explained):
            return cls(err.code, **err.params)
        return cls(str(err))


class NotFound(LoaError):
    """An id or code that does not exist."""


class Conflict(LoaError):
    """A duplicate code, an overlapping slot, a state change that is not allowed."""


class InvalidInput(LoaError):
    """A value the officer typed that cannot be used."""


class FileError(LoaError):
    """A file the user named cannot be read or written (permissions, a full disk)."""


class StoreError(LoaError):
    """The database cannot be opened, migrated or written."""


class SpeechError(LoaError):
    """Text could not be turned into audio."""


class EngineUnavailable(SpeechError):
    """A speech engine is missing or does not answer."""


class AudioError(LoaError):
    """An audio file is missing, corrupt or of an unsupported kind."""


class AudioChanged(AudioError):
    """The bytes on disk are not the ones that were approved (refused, never aired)."""


class PlaybackError(LoaError):
    """A sink could not play."""


class ZoneError(LoaError):
    """A relay could not be switched."""
