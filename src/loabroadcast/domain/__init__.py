"""Plain data of the station: blocks, slots, messages, programmes. Stdlib only."""

from .models import (
    Airing,
    AiringStatus,
    Block,
    Message,
    MessageStatus,
    Occurrence,
    OverflowItem,
    Priority,
    Programme,
    ProgrammeItem,
    RenderRecord,
    Slot,
)

__all__ = [
    "Airing",
    "AiringStatus",
    "Block",
    "Message",
    "MessageStatus",
    "Occurrence",
    "OverflowItem",
    "Priority",
    "Programme",
    "ProgrammeItem",
    "RenderRecord",
    "Slot",
]
