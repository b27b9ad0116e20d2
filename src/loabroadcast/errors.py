"""User-facing failures.

Every failure an officer or the daemon should see as one clear line is a
``LoaError``. Library code raises these; only the CLI turns them into exit codes.

An error carries its message as an English catalog id and its parameters,
``NotFound(N_("no message {id}"), id=12)``, and is translated where it is shown
(``str(err)``), so the daemon can keep the id and parameters (``err.code``,
``err.params``) and people read it in their own language. A message given without
parameters is shown as it is (translated when the catalog knows it).
"""


def first_line(err: BaseException) -> str:
    """The first line of an exception's message (its type's name when it has none)."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


class LoaError(Exception):
    """A failure explained to the user in one line (exit status 1)."""

    exit_code = 1

    def __init__(self, message: str = "", /, **params: object) -> None:
        super().__init__(message)
        self.code = message
        self.params = params

    def __str__(self) -> str:
        from .i18n import gettext

        return self._format(gettext(self.code))

    @property
    def english(self) -> str:
        """The message in English, whatever the language shown."""
        return self._format(self.code)

    def _format(self, template: str) -> str:
        if not self.params:
            return template
        try:
            return template.format(**self.params)
        except (KeyError, IndexError, ValueError):  # a translation that lost a field
            return self.code.format(**self.params)


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
