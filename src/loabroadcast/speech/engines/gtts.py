"""gTTS adapter: Google Translate's online Vietnamese voice, made safe for a daemon.

gTTS waits forever by default, leaves a 0-byte file when it fails and produces MP3
only. This adapter always passes a timeout (≤ 10 s per HTTP request), retries HTTP 429
and 5xx with exponential back-off inside a bounded time budget (so ``auto`` falls back to
espeak-ng within ~15 s), deletes partial files on every failure, and converts the MP3 to
WAV with ffmpeg.

The endpoint is injectable for tests: ``GTTSEngine(endpoint="http://127.0.0.1:PORT")``
(or ``speech.gtts_host = "http://…"`` in settings) posts to
``<endpoint>/_/TranslateWebserverUi/data/batchexecute`` instead of
``https://translate.google.<tld>/…``. A plain ``gtts_host`` such as ``"com.vn"`` is used as
gTTS's ``tld``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from ...config import SpeechSettings
from ...errors import AudioError, EngineUnavailable, SpeechError
from ...i18n import N_, said
from ..audio import convert_to_wav
from .base import SynthResult

log = logging.getLogger("loabroadcast.speech")

TTS_PATH = "_/TranslateWebserverUi/data/batchexecute"
MAX_REQUEST_TIMEOUT_S = 10.0
DEFAULT_BUDGET_S = 15.0


def _load_gtts():
    try:
        from gtts import gTTS, gTTSError
    except ImportError:
        raise EngineUnavailable(N_("gTTS is not installed: run `pip install gTTS`")) from None
    return gTTS, gTTSError


def endpoint_url(base: str) -> str:
    """Full batchexecute URL for a base such as ``http://127.0.0.1:8080``."""
    base = base.rstrip("/")
    return base if base.endswith("batchexecute") else f"{base}/{TTS_PATH}"


@functools.cache
def _endpoint_gtts_class():
    """gTTS subclass whose prepared requests can be re-pointed at a fixed URL.

    Only the URL of each prepared request changes (``PreparedRequest.prepare_url``); the
    body, headers and response parsing stay gTTS's own.
    """
    gtts_cls, _ = _load_gtts()

    class EndpointGTTS(gtts_cls):
        endpoint: str | None = None

        def _prepare_requests(self):
            prepared = super()._prepare_requests()
            if self.endpoint:
                for request in prepared:
                    request.prepare_url(self.endpoint, None)
            return prepared

    return EndpointGTTS


def _make_tts(text: str, lang: str, slow: bool, tld: str, endpoint: str | None, timeout: float):
    """A gTTS object for ``text`` posting to ``endpoint`` (or Google at ``tld``)."""
    from gtts.tokenizer import pre_processors

    # Our text is already normalised: skip gTTS's English abbreviation/word substitutions.
    processors = [pre_processors.tone_marks, pre_processors.end_of_line]
    tts = _endpoint_gtts_class()(
        text,
        tld=tld,
        lang=lang,
        slow=slow,
        lang_check=False,
        pre_processor_funcs=processors,
        timeout=timeout,
    )
    tts.endpoint = endpoint
    return tts


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "rsp", None)
    return getattr(response, "status_code", None)


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "rsp", None)
    value = getattr(response, "headers", {}).get("Retry-After") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _describe(exc: BaseException) -> str:
    """One line: gTTS's message plus the underlying network reason when there is one."""
    message = str(exc) or type(exc).__name__
    cause = exc.__cause__ or exc.__context__
    if cause is not None and _status(exc) is None:
        name = type(cause).__name__
        if "Timeout" in name:
            return said("{message} (no answer within the timeout)", message=message)
        return f"{message} ({name})"
    return message


class GTTSEngine:
    """Google Translate TTS (``lang="vi"``) with timeouts, bounded retries and WAV output."""

    name = "gtts"

    def __init__(
        self,
        settings: SpeechSettings | None = None,
        *,
        lang: str = "vi",
        endpoint: str | None = None,
        max_tries: int = 3,
        backoff_s: float = 0.5,
        budget_s: float = DEFAULT_BUDGET_S,
        sleep: Callable[[float], None] = time.sleep,
    ):
        settings = settings or SpeechSettings()
        host = settings.gtts_host or ""
        if endpoint is None and host.startswith(("http://", "https://")):
            endpoint = host
        self.endpoint = endpoint_url(endpoint) if endpoint else None
        self.tld = host if host and not self.endpoint else "com"
        self.lang = lang
        self.voice: str | None = lang
        self.speed = float(settings.speed)
        self.timeout_s = max(0.1, min(float(settings.gtts_timeout_s), MAX_REQUEST_TIMEOUT_S))
        self.max_tries = max(1, max_tries)
        self.backoff_s = backoff_s
        self.budget_s = max(budget_s, self.timeout_s)
        self._sleep = sleep

    def synthesize(self, text: str, out_wav: Path) -> SynthResult:
        """Fetch MP3 for ``text`` and write it as WAV to ``out_wav`` (nothing on failure)."""
        if not text.strip():
            raise SpeechError(N_("gTTS: nothing to speak (empty text)"))
        out_wav = Path(out_wav)
        part = out_wav.parent / f".{out_wav.name}.{uuid.uuid4().hex[:12]}.mp3.part"
        try:
            self._fetch_with_retries(text, part)
            try:
                convert_to_wav(part, out_wav)
            except AudioError as exc:
                raise EngineUnavailable(
                    N_("gTTS sent audio that cannot be decoded: {reason}"), reason=exc
                ) from None
        finally:
            with contextlib.suppress(OSError):
                part.unlink()
        return SynthResult(out_wav, self.name, self.voice)

    def _fetch_with_retries(self, text: str, part: Path) -> None:
        _, gtts_error = _load_gtts()
        import requests

        started = time.monotonic()
        for attempt in range(1, self.max_tries + 1):
            try:
                self._fetch(text, part)
                return
            except AssertionError:
                raise SpeechError(N_("gTTS: nothing to speak after tokenising the text")) from None
            except (gtts_error, requests.RequestException) as exc:
                wait = self._retry_wait(exc, attempt, time.monotonic() - started)
                if wait is None:
                    raise EngineUnavailable(
                        N_("gTTS failed: {reason}"), reason=_describe(exc)
                    ) from None
                log.info(
                    N_("gTTS: %(reason)s; retry %(attempt)d in %(wait).1f s"),
                    {"reason": _describe(exc), "attempt": attempt, "wait": wait},
                )
                self._sleep(wait)

    def _retry_wait(self, exc: BaseException, attempt: int, elapsed: float) -> float | None:
        """Seconds to wait before the next try, or None when we must give up now."""
        status = _status(exc)
        if status is None or not (status == 429 or status >= 500) or attempt >= self.max_tries:
            return None
        wait = self.backoff_s * 2 ** (attempt - 1)
        wait = max(wait, _retry_after(exc) or 0.0)
        if elapsed + wait + self.timeout_s > self.budget_s:
            return None
        return wait

    def _fetch(self, text: str, part: Path) -> None:
        """One try: stream every chunk's MP3 into ``part`` (truncated first)."""
        slow = self.speed < 0.8
        tts = _make_tts(text, self.lang, slow, self.tld, self.endpoint, self.timeout_s)
        written = 0
        with open(part, "wb") as fh:
            for chunk in tts.stream():
                fh.write(chunk)
                written += len(chunk)
        if written == 0:
            raise EngineUnavailable(N_("gTTS answered without audio"))
