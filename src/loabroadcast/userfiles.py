"""Files the officer names on the command line, handled like a careful Unix tool would.

* **Reading** (``--text-file``, ``--audio``): only a regular file (a FIFO would hang, a
  device like ``/dev/zero`` never ends); checked with ``stat`` before it is opened, opened
  with ``O_NONBLOCK`` and checked again on the open descriptor (nothing swapped in
  between); text is read with a bound (no more bytes than the character limit can take),
  must be UTF-8 and hold no NUL or other control character but newline and tab.
* **Writing** (``--out``): only a regular file, never inside the station folder (its
  database, cache, recordings or settings) nor over the station's database wherever it
  lives; an existing file is replaced only with ``--force``; a symbolic link at the
  target is replaced, never followed; a device or FIFO is never written. The data goes to
  a temporary file in the target's folder (opened with ``O_EXCL | O_NOFOLLOW``), is
  fsync'd, and takes the name atomically: ``link`` (which fails rather than overwrite)
  without ``--force``, ``rename`` with it. On any failure the temporary file is removed
  and the target is as it was.

Standard library only.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import FileError, InvalidInput, os_reason
from .i18n import N_, Lazy

MAX_TEXT_CHARS = 20_000
_UTF8_BOM = b"\xef\xbb\xbf"
_ALLOWED_CONTROLS = frozenset("\n\t")
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_NOCTTY = getattr(os, "O_NOCTTY", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)
_NO_HARD_LINKS = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EXDEV)
_DIR_FD = bool(_O_DIRECTORY) and {os.open, os.rename, os.link, os.stat} <= os.supports_dir_fd


def _kind(mode: int) -> str:
    """What a non-regular file is, in words people know."""
    if stat.S_ISDIR(mode):
        return N_("a folder")
    if stat.S_ISFIFO(mode):
        return N_("a FIFO (named pipe)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return N_("a device")
    if stat.S_ISSOCK(mode):
        return N_("a socket")
    if stat.S_ISLNK(mode):
        return N_("a symbolic link")
    return N_("not a regular file")


def _kind_of(mode: int) -> Lazy:
    return Lazy(_kind(mode))


# --- reading -------------------------------------------------------------------------------


@contextlib.contextmanager
def open_source(path: Path, what: str = N_("file")) -> Iterator[BinaryIO]:
    """Open a regular file the user named for reading; refuse FIFOs, devices, folders.

    ``what`` names it in errors ("text file", "audio file").
    """
    path = Path(path)
    try:
        before = os.stat(path)
    except FileNotFoundError:
        raise InvalidInput(
            N_("{what} {file} does not exist"), what=Lazy(what), file=str(path)
        ) from None
    except OSError as err:
        raise FileError(
            N_("cannot read {what} {file}: {reason}"),
            what=Lazy(what),
            file=str(path),
            reason=os_reason(err),
        ) from None
    if not stat.S_ISREG(before.st_mode):
        raise InvalidInput(
            N_("{what} {file} is {kind}, not a regular file"),
            what=Lazy(what),
            file=str(path),
            kind=_kind_of(before.st_mode),
        )
    try:
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_NOCTTY | _O_CLOEXEC | _O_BINARY)
    except OSError as err:
        raise FileError(
            N_("cannot read {what} {file}: {reason}"),
            what=Lazy(what),
            file=str(path),
            reason=os_reason(err),
        ) from None
    try:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (
            before.st_dev,
            before.st_ino,
        ):
            raise InvalidInput(
                N_("{what} {file} changed while it was opened"), what=Lazy(what), file=str(path)
            )
        if _O_NONBLOCK:
            os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        yield handle


def read_text_file(path: Path, limit: int = MAX_TEXT_CHARS) -> str:
    """The UTF-8 text of ``path`` (a BOM dropped, CRLF as LF), at most ``limit`` characters.

    Reads no more than ``4 × limit`` bytes (UTF-8 takes at most 4 a character): a longer
    file is refused without reading it all.
    """
    most = 4 * limit + len(_UTF8_BOM)
    what = N_("text file")
    with open_source(path, what) as handle:
        try:
            data = handle.read(most + 1)
        except OSError as err:
            raise FileError(
                N_("cannot read {what} {file}: {reason}"),
                what=Lazy(what),
                file=str(path),
                reason=os_reason(err),
            ) from None
    if len(data) > most:
        raise InvalidInput(
            N_("text file {file} is longer than {limit} characters: split it into two messages"),
            file=str(path),
            limit=f"{limit:,}",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InvalidInput(
            N_("text file {file} is not UTF-8 (byte {byte}); save it as UTF-8 and retry"),
            file=str(path),
            byte=err.start + 1,
        ) from None
    text = text.replace("\r\n", "\n")
    if len(text) > limit:
        raise InvalidInput(
            N_("text file {file} has {count} characters; the limit is {limit}"),
            file=str(path),
            count=f"{len(text):,}",
            limit=f"{limit:,}",
        )
    found = find_control(text)
    if found is not None:
        line, column, char = found
        raise InvalidInput(
            N_(
                "text file {file} holds a control character ({code}) at line {line}, column "
                "{column}: only text, newlines and tabs can be read aloud"
            ),
            file=str(path),
            code=f"U+{ord(char):04X}",
            line=line,
            column=column,
        )
    return text


def find_control(text: str) -> tuple[int, int, str] | None:
    """(line, column, character) of the first control character other than newline and
    tab (NUL, escape, DEL, a lone carriage return, C1 controls), or None."""
    for index, char in enumerate(text):
        code = ord(char)
        if (code < 0x20 or 0x7F <= code <= 0x9F) and char not in _ALLOWED_CONTROLS:
            line = text.count("\n", 0, index) + 1
            column = index - (text.rfind("\n", 0, index) + 1) + 1
            return line, column, char
    return None


# --- writing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Protected:
    """What an output file must never be or be put in: the station's folder, and files
    elsewhere that belong to it (an SQLite database outside the folder)."""

    folders: tuple[Path, ...] = ()
    files: tuple[Path, ...] = ()

    def folder_ids(self) -> set[tuple[int, int]]:
        return _ids(self.folders)

    def file_ids(self) -> set[tuple[int, int]]:
        return _ids(self.files)


def _ids(paths: Iterable[Path]) -> set[tuple[int, int]]:
    found = set()
    for path in paths:
        with contextlib.suppress(OSError):
            st = os.stat(path)
            found.add((st.st_dev, st.st_ino))
    return found


def _refuse_existing(st: os.stat_result, target: Path, force: bool, protected: Protected) -> None:
    if (st.st_dev, st.st_ino) in protected.file_ids():
        raise InvalidInput(N_("--out {file} is the station's own database"), file=str(target))
    if stat.S_ISLNK(st.st_mode):
        if not force:
            raise InvalidInput(
                N_("--out {file} exists (a symbolic link); give --force to replace the link"),
                file=str(target),
            )
        return  # replaced by rename: the link itself, never what it points to
    if not stat.S_ISREG(st.st_mode):
        raise InvalidInput(
            N_("--out {file} is {kind}: only a regular file can be written"),
            file=str(target),
            kind=_kind_of(st.st_mode),
        )
    if not force:
        raise InvalidInput(N_("--out {file} exists; give --force to replace it"), file=str(target))


class _Folder:
    """The target's folder, held open (POSIX) so that every step acts on the same one."""

    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None
        if _DIR_FD:
            self.fd = os.open(path, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def _p(self, name: str) -> str | Path:
        return name if self.fd is not None else self.path / name

    def lstat(self, name: str) -> os.stat_result:
        return os.stat(self._p(name), dir_fd=self.fd, follow_symlinks=False)

    def create(self, name: str) -> int:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC | _O_BINARY
        return os.open(self._p(name), flags, 0o644, dir_fd=self.fd)

    def link(self, src: str, dst: str) -> None:
        os.link(self._p(src), self._p(dst), src_dir_fd=self.fd, dst_dir_fd=self.fd,
                follow_symlinks=False)  # fmt: skip

    def rename(self, src: str, dst: str) -> None:
        os.rename(self._p(src), self._p(dst), src_dir_fd=self.fd, dst_dir_fd=self.fd)

    def unlink(self, name: str) -> None:
        os.unlink(self._p(name), dir_fd=self.fd)

    def fsync(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.fsync(self.fd)

    def ancestry(self) -> Iterator[tuple[int, int]]:
        """(device, inode) of this folder and of each folder above it, up to the root."""
        if self.fd is None:
            real = Path(os.path.realpath(self.path))
            for folder in (real, *real.parents):
                with contextlib.suppress(OSError):
                    st = os.stat(folder)
                    yield st.st_dev, st.st_ino
            return
        fd = os.dup(self.fd)
        try:
            for _ in range(4096):
                st = os.fstat(fd)
                yield st.st_dev, st.st_ino
                parent = os.open("..", os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC, dir_fd=fd)
                up = os.fstat(parent)
                os.close(fd)
                fd = parent
                if (up.st_dev, up.st_ino) == (st.st_dev, st.st_ino):
                    break  # the root is its own parent
        finally:
            os.close(fd)


@contextlib.contextmanager
def output_file(target: Path, *, force: bool = False, protected: Protected = Protected()):
    """Yield a binary handle whose data becomes ``target`` when the block ends without error.

    See the module's docstring for what is refused. Errors are one-line ``LoaError``s.
    """
    target = Path(target)
    name = target.name
    if name in ("", ".", ".."):
        raise InvalidInput(N_("--out {file} is not a file name"), file=str(target))
    parent = target.parent
    try:
        folder = _Folder(parent)
    except FileNotFoundError:
        raise InvalidInput(
            N_("cannot write {file}: the folder {folder} does not exist"),
            file=str(target),
            folder=str(parent),
        ) from None
    except OSError as err:
        raise FileError(
            N_("cannot write {file}: {reason}"), file=str(target), reason=os_reason(err)
        ) from None
    temp = f".{name}.{uuid.uuid4().hex[:12]}.part"
    created = False
    try:
        if protected.folder_ids() & set(folder.ancestry()):
            raise InvalidInput(
                N_("--out {file} is inside the station folder: write it somewhere else"),
                file=str(target),
            )
        _check_target(folder, name, target, force, protected)
        fd = folder.create(temp)
        created = True
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _check_target(folder, name, target, force, protected)  # again, just before
        if force:
            folder.rename(temp, name)
        else:
            _link_new(folder, temp, name, target)
        created = False
        folder.fsync()
    except OSError as err:
        raise FileError(
            N_("cannot write {file}: {reason}"), file=str(target), reason=os_reason(err)
        ) from None
    finally:
        if created:
            with contextlib.suppress(OSError):
                folder.unlink(temp)
        folder.close()


def _check_target(folder: _Folder, name: str, target: Path, force: bool, protected) -> None:
    try:
        st = folder.lstat(name)
    except FileNotFoundError:
        return
    _refuse_existing(st, target, force, protected)


def _link_new(folder: _Folder, temp: str, name: str, target: Path) -> None:
    """Give ``temp`` the name ``name`` only if nothing has it (never overwrite)."""
    try:
        folder.link(temp, name)
    except FileExistsError:
        raise InvalidInput(
            N_("--out {file} exists; give --force to replace it"), file=str(target)
        ) from None
    except OSError as err:
        if err.errno not in (
            errno.EPERM,
            errno.ENOTSUP,
            errno.EOPNOTSUPP,
            errno.ENOSYS,
            errno.EXDEV,
        ):
            raise
        # a file system without hard links (FAT, some network shares): check, then rename
        _check_target(folder, name, target, False, Protected())
        folder.rename(temp, name)
        return
    folder.unlink(temp)
