"""Vietnamese text as an announcer reads it: the normaliser and its dictionary.

``normalize(text, user_dictionary)`` is the one entry point (``text.normalize``);
``text.lexicon`` is the built-in dictionary and ``text.userdict`` the station's.
Nothing here imports speech, playback or the store: they import this.
"""

from __future__ import annotations

from .model import Normalized, NormalizeWarning
from .normalize import normalize, spoken

__all__ = ["NormalizeWarning", "Normalized", "normalize", "spoken"]
