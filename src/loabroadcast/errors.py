"""User-facing failures.

Every failure an officer or the daemon should see as one clear line is a
``LoaError``. Library code raises these; only the CLI turns them into exit codes.
"""


def first_line(err: BaseException) -> str:
    """The first line of an exception's message (its type's name when it has none)."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


class LoaError(Exception):
    """A failure explained to the user in one line (exit status 1)."""

    exit_code = 1


class NotFound(LoaError):
    """An id or code that does not exist."""


class Conflict(LoaError):
    """A duplicate code, an overlapping slot, a state change that is not allowed."""


class InvalidInput(LoaError):
    """A value the officer typed that cannot be used."""


class StoreError(LoaError):
    """The database cannot be opened, migrated or written."""


class SpeechError(LoaError):
    """Text could not be turned into audio."""


class EngineUnavailable(SpeechError):
    """A speech engine is missing or does not answer."""


class AudioError(LoaError):
    """An audio file is missing, corrupt or of an unsupported kind."""


class PlaybackError(LoaError):
    """A sink could not play."""


class ZoneError(LoaError):
    """A relay could not be switched."""
