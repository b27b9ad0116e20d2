"""What became of one item the player was asked to air."""

from __future__ import annotations

import enum

from ..domain import AiringStatus


class Outcome(enum.Enum):
    """The player's answer for one item or one emergency.

    The first five are as-run statuses written to the log; the others say why nothing was
    written for the item (its claim kept, dropped or never had).
    """

    PLAYED = "played"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    PREEMPTED = "preempted"
    MISSED = "missed"
    YIELDED = "yielded"  # an emergency came first: still claimed, airs after it
    RELEASED = "released"  # never started (shut down, overflow): the claim is dropped
    DUPLICATE = "duplicate"  # somebody else holds or settled it: not ours to air

    @property
    def airing_status(self) -> AiringStatus | None:
        try:
            return AiringStatus(self.value)
        except ValueError:
            return None

    @property
    def request_status(self) -> str:
        """The play-now request's final status for this outcome."""
        return self.value if self.airing_status is not None else "failed"
