"""Audio sources: live ones (an upstream stream, a sound card's input) that relays air
(tiếp âm), the fallback heard when one drops, and the dead-air guard's measures.

- ``live``: what every live source shares (state, events, back-off, its ring of samples);
  ``stream``: ffmpeg reads an ``http(s)://`` stream; ``input``: sounddevice reads an input.
- ``ring``: the bounded ring between a source's reader thread and the air.
- ``fallback``: ``[relay] fallback``, looped while a source is away; ``relay``: the frames
  the air reads a relay item from (live, else the fallback).
- ``deadair``: the pure detector (levels in, events out); ``levels``: dBFS of blocks and of
  files, and the check that refuses silent recordings and renders; ``guard``: the tap on
  what each item sends to the card, and the guard that follows it.
- ``probe``: ``loa source test``.

:func:`open_live` builds the live source a ``domain.content.Source`` names.
"""

from __future__ import annotations

from collections.abc import Callable

from ..clock import Clock
from ..domain.content import Source, SourceKind
from .live import LiveSource, SourceEvent


def open_live(
    source: Source,
    rate: int,
    relay,
    *,
    clock: Clock | None = None,
    on_event: Callable[[SourceEvent], None] | None = None,
) -> LiveSource:
    """The live source for ``source`` at ``rate`` (not started), tuned by the ``[relay]``
    settings ``relay`` (buffer, connect timeout, back-off)."""
    options = {
        "buffer_s": relay.buffer_s,
        "connect_timeout_s": relay.connect_timeout_s,
        "retry_max_s": relay.retry_max_s,
        "clock": clock,
        "on_event": on_event,
    }
    if source.kind is SourceKind.STREAM:
        from .stream import StreamSource

        return StreamSource(source.url or "", rate, **options)
    from .input import InputSource

    return InputSource(source.device, rate, **options)


__all__ = ["LiveSource", "SourceEvent", "open_live"]
