"""Downloading one voice file: resumed with HTTP ``Range``, checked against the index.

A download goes to a ``.part`` file. When the connection drops, the next try asks for the
rest (``Range: bytes=N-``); a server that ignores the range sends the whole file again and
the ``.part`` file starts over. A complete file is checked (size, then every digest the
index gives); a file that fails is deleted, never installed. Every network step has a
timeout. Standard library only (``urllib``: ``http``, ``https`` and ``file`` URLs).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import logging
import os
import re
import socket
import time
from collections.abc import Callable
from pathlib import Path
from urllib.error import HTTPError, URLError

from ...errors import LoaError, first_line, os_reason
from ...i18n import N_, _
from .index import MAX_INDEX_BYTES, RemoteFile, VoiceIndex, VoiceIndexError, index_url, parse_index

log = logging.getLogger("loabroadcast.voices")

USER_AGENT = "loabroadcast-voice/1"
DEFAULT_TIMEOUT_S = 15.0
BLOCK = 1 << 16
# What reaching a server can raise: socket errors and timeouts (OSError: URLError and
# HTTPError too), a protocol error or a connection closed early (HTTPException), a bad URL.
NETWORK_ERRORS = (OSError, http.client.HTTPException, ValueError)
_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+|\*)$")

Progress = Callable[[int], None]


class DownloadError(LoaError):
    """A voice file could not be downloaded, or was not the file the index describes."""


class _TryAgain(Exception):
    """A failure worth another try (the connection dropped, the server was busy)."""


class _PastEnd(Exception):
    """The server's file ends where ours does (HTTP 416): it is shorter than the index says."""


def describe_network_error(exc: BaseException) -> str:
    """Why a request failed, in a few words."""
    if isinstance(exc, HTTPError):
        return f"HTTP {exc.code} {exc.reason}".strip()
    reason = exc.reason if isinstance(exc, URLError) else exc
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return _("no answer within the timeout")
    if isinstance(reason, socket.gaierror):
        return _("the server's name cannot be resolved (no network?)")
    if isinstance(reason, ConnectionRefusedError):
        return _("connection refused")
    if isinstance(reason, (ConnectionResetError, http.client.IncompleteRead)):
        return _("the connection was closed early")
    if isinstance(reason, http.client.RemoteDisconnected):
        return _("the server closed the connection")
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    if isinstance(exc, ValueError):
        return _("bad URL ({reason})").format(reason=first_line(exc))
    return first_line(reason) if isinstance(reason, BaseException) else str(reason)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _discard(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def download_file(
    url: str,
    part: Path,
    expected: RemoteFile,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    progress: Progress | None = None,
    tries: int = 4,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Bring ``part`` to the whole file at ``url`` (resuming what it holds) and check it.

    Returns the file's sha256. ``progress(n)`` is told of every ``n`` bytes gained (negative
    when a server ignores the range and the file starts over). A file that fails its checks
    is deleted; a download that fails after ``tries`` keeps ``part`` for a later resume.
    """
    report = progress or (lambda _n: None)
    for attempt in range(1, max(1, tries) + 1):
        have = _size(part)
        if have > expected.size_bytes:
            report(-have)
            _discard(part)
            have = 0
        if have == expected.size_bytes:
            break
        try:
            _transfer(url, part, have, expected, timeout_s, report)
            break  # whole (or too long: the checks below refuse it)
        except _PastEnd:
            break  # the checks below say how long it is
        except _TryAgain as why:
            got = _size(part)
            if attempt >= tries:
                raise DownloadError(
                    N_(
                        "downloading {name} failed ({reason}) after {got:,} of {size:,} bytes: "
                        "run the same command again to resume"
                    ),
                    name=expected.name,
                    reason=str(why),
                    got=got,
                    size=expected.size_bytes,
                ) from None
            wait = min(4.0, 0.5 * 2 ** (attempt - 1))
            log.info(
                N_("%(file)s: %(reason)s at %(got)d bytes; try %(attempt)d in %(wait).1f s"),
                {
                    "file": expected.name,
                    "reason": why,
                    "got": got,
                    "attempt": attempt,
                    "wait": wait,
                },
            )
            sleep(wait)
    return verify_file(part, expected)


def _open(url: str, have: int, timeout_s: float):
    from urllib.request import Request, urlopen

    headers = {"User-Agent": USER_AGENT}
    if have:
        headers["Range"] = f"bytes={have}-"
    try:
        return urlopen(Request(url, headers=headers), timeout=timeout_s)
    except HTTPError as exc:
        exc.close()
        if exc.code == 416:  # nothing after byte ``have``: the file is shorter than we want
            raise _PastEnd from None
        if exc.code in (408, 429) or exc.code >= 500:
            raise _TryAgain(describe_network_error(exc)) from None
        raise DownloadError(
            N_("cannot download {url}: {reason}"), url=url, reason=describe_network_error(exc)
        ) from None
    except NETWORK_ERRORS as exc:
        if isinstance(exc, ValueError):
            raise DownloadError(
                N_("cannot download {url}: {reason}"), url=url, reason=describe_network_error(exc)
            ) from None
        raise _TryAgain(describe_network_error(exc)) from None


def _resumes_at(response, have: int) -> bool:
    """True when ``response`` is the rest of the file from byte ``have`` on."""
    if not have or getattr(response, "status", None) != 206:
        return False
    match = _CONTENT_RANGE.match(response.headers.get("Content-Range", "").strip())
    return bool(match) and int(match.group(1)) == have


def _transfer(
    url: str, part: Path, have: int, expected: RemoteFile, timeout_s: float, report: Progress
) -> None:
    """One request: append the rest to ``part`` (or write it anew); ``_TryAgain`` when the
    connection drops before the end."""
    response = _open(url, have, timeout_s)
    with response:
        if not _resumes_at(response, have):
            if have:
                log.info(
                    N_("%(file)s: the server sent the whole file again: starting over"),
                    {"file": expected.name},
                )
                report(-have)
            have = 0
        mode = "ab" if have else "wb"
        try:
            fh = open(part, mode)  # noqa: SIM115 - closed below, after fsync
        except OSError as exc:
            raise DownloadError(
                N_("cannot write {path}: {reason}"), path=part, reason=os_reason(exc)
            ) from None
        with fh:
            got = have
            while got <= expected.size_bytes:
                try:
                    block = response.read(BLOCK)
                except NETWORK_ERRORS as exc:
                    raise _TryAgain(describe_network_error(exc)) from None
                if not block:
                    break
                try:
                    fh.write(block)
                except OSError as exc:
                    raise DownloadError(
                        N_("cannot write {path}: {reason}"), path=part, reason=os_reason(exc)
                    ) from None
                got += len(block)
                report(len(block))
            fh.flush()
            os.fsync(fh.fileno())
    if got < expected.size_bytes:
        raise _TryAgain(_("the connection was closed early"))


def verify_file(path: Path, expected: RemoteFile) -> str:
    """The sha256 of ``path`` after checking its size and the index's digests; a file that
    fails is deleted and ``DownloadError`` says why."""
    size = _size(path)
    if size != expected.size_bytes:
        _discard(path)
        raise DownloadError(
            N_("{name} is {got:,} bytes, the index says {size:,}: download refused"),
            name=expected.name,
            got=size,
            size=expected.size_bytes,
        )
    md5, sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            md5.update(block)
            sha256.update(block)
    for kind, want, got in (
        ("md5", expected.md5, md5.hexdigest()),
        ("sha256", expected.sha256, sha256.hexdigest()),
    ):
        if want and got != want:
            _discard(path)
            raise DownloadError(
                N_("{name}: {kind} {got} does not match the index ({want}): download refused"),
                name=expected.name,
                kind=kind,
                got=got,
                want=want,
            )
    return sha256.hexdigest()


def fetch_index(base_url: str, timeout_s: float) -> VoiceIndex:
    """Download and parse the index under ``base_url``; ``VoiceIndexError`` in one line
    when it cannot be reached in ``timeout_s`` (per network step) or is not an index."""
    from urllib.request import Request, urlopen

    url = index_url(base_url)
    try:
        with urlopen(Request(url, headers={"User-Agent": USER_AGENT}), timeout=timeout_s) as rsp:
            body = rsp.read(MAX_INDEX_BYTES + 1)
    except NETWORK_ERRORS as exc:
        raise VoiceIndexError(
            N_("the voice index {url} could not be reached: {reason}"),
            url=url,
            reason=describe_network_error(exc),
        ) from None
    if len(body) > MAX_INDEX_BYTES:
        raise VoiceIndexError(N_("{url} is too large for a voices index"), url=url)
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise VoiceIndexError(N_("{url} is not a Piper voices index"), url=url) from None
    return parse_index(url, data)
