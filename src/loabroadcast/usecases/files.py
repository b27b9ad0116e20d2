"""Changes to the station's files, each with its audit row: the abbreviation dictionary
(``abbreviations.tsv``) and the installed Piper voices.

The dictionary stays a file, one entry a line, that an officer can read, copy to another
station or edit by hand, and that ``loa text normalize`` reads without a database. Its
change and its audit row must not disagree, so the file is replaced (atomically) inside
the unit of work, which commits only after the replace; when the commit fails, the old
file is put back. The unit of work also serialises the read-modify-write of the file
between two officers (the database's write lock), which the file alone did not. A power
cut in the milliseconds between the replace and the commit can still leave a change
without its row: moving the dictionary into the database would close that, at the cost
of a database for every normalisation and a migration of a file the migrations cannot
see; we judged the file worth keeping.

A voice is downloaded first (minutes: no write lock is held meanwhile), then recorded;
when the record cannot be committed, a voice that was not there before is removed again.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Callable
from pathlib import Path

from ..atomic import atomic_write_bytes
from .base import StationContext


class Dictionary:
    """The station's abbreviations (``loa dict``)."""

    def __init__(self, ctx: StationContext):
        self.ctx = ctx

    @property
    def path(self) -> Path:
        return self.ctx.settings.dictionary_path

    def add(self, abbr: str, expansion: str, by: str | None = None) -> str | None:
        """Read ``abbr`` as ``expansion``; returns the station's expansion it replaced."""
        from ..text.userdict import add_user_abbreviation

        key, new = _nfc(abbr), _nfc(expansion)

        def change(uow) -> str | None:
            previous = add_user_abbreviation(self.path, abbr, expansion)
            before = None if previous is None else {"expansion": previous}
            uow.record(f"dict:{key}", before, {"expansion": new}, plan=False)
            return previous

        return self._write("dict add", by, change)

    def remove(self, abbr: str, by: str | None = None) -> str:
        """Forget the station's reading of ``abbr``; returns it."""
        from ..text.userdict import remove_user_abbreviation

        key = _nfc(abbr)

        def change(uow) -> str:
            expansion = remove_user_abbreviation(self.path, abbr)
            uow.record(f"dict:{key}", {"expansion": expansion}, None, plan=False)
            return expansion

        return self._write("dict remove", by, change)

    def _write(self, command: str, by: str | None, change: Callable):
        """Run ``change(uow)`` (it replaces the file) in a unit of work; the old file is
        put back when anything fails after it was replaced."""
        replaced, old = False, None
        try:
            with self.ctx.work(command, by) as uow:  # the write lock is ours from here
                with contextlib.suppress(FileNotFoundError):
                    old = self.path.read_bytes()
                result = change(uow)
                replaced = True
            return result
        except BaseException:
            if replaced:
                _put_back(self.path, old)
            raise


def _put_back(path: Path, old: bytes | None) -> None:
    if old is None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    else:
        atomic_write_bytes(path, old)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


class Voices:
    """Installed Piper voices (``loa voice install|remove``)."""

    def __init__(self, ctx: StationContext):
        self.ctx = ctx

    def install(self, name: str, *, force: bool = False, by: str | None = None, **options):
        """``speech.voices.install_voice``, recorded when it installed something."""
        from ..speech.voices import install_voice
        from ..speech.voices.library import VoiceLibrary

        library = VoiceLibrary(self.ctx.settings.voices_dir)
        present = library.find(name)
        done = install_voice(self.ctx.settings, name, replace=force, **options)
        if not done.fresh:
            return done
        try:
            with self.ctx.work("voice install", by) as uow:
                uow.record(
                    f"voice:{name}",
                    None if present is None else _voice_state(present),
                    _voice_state(done.voice) | {"checks": list(done.checks)},
                    plan=False,
                )
        except BaseException:
            if present is None:
                library.remove(name)
            raise
        return done

    def remove(self, name: str, by: str | None = None) -> None:
        from ..speech.voices import remove_voice
        from ..speech.voices.library import VoiceLibrary, check_name

        present = VoiceLibrary(self.ctx.settings.voices_dir).find(check_name(name))
        with self.ctx.work("voice remove", by) as uow:
            remove_voice(self.ctx.settings, name)  # refused: nothing recorded
            uow.record(f"voice:{name}", _voice_state(present) if present else {}, None, plan=False)


def _voice_state(voice) -> dict:
    return {
        "language": voice.language,
        "quality": voice.quality,
        "size_bytes": voice.size_bytes,
        "source": voice.source,
    }
