"""Shipped sound assets (chimes, test tone).

In a wheel, the repository's ``audio/`` folder is force-included as ``loabroadcast/audio``
and found through ``importlib.resources``. Running from a checkout (editable install or
``src`` on ``sys.path``) there is no such package folder, so ``<repo>/audio/`` is used.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import AudioError
from .i18n import N_

_CHECKOUT_AUDIO = Path(__file__).resolve().parents[2] / "audio"  # src/loabroadcast/ -> repo


def audio_asset(name: str) -> Path:
    """Path of the shipped asset ``name`` (e.g. ``"chime_in.wav"``); ``AudioError`` if missing."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise AudioError(N_("invalid audio asset name {name!r}"), name=name)
    packaged = resources.files("loabroadcast") / "audio" / name
    # Wheels and editable installs unpack to real folders, so the Traversable is a Path;
    # a zipped install (not supported for stations) falls through to the checkout lookup.
    if isinstance(packaged, Path) and packaged.is_file():
        return packaged
    checkout = _CHECKOUT_AUDIO / name
    if checkout.is_file():
        return checkout
    raise AudioError(
        N_(
            "audio asset {name!r} is missing (looked in {packaged} and {checkout}); "
            "reinstall loabroadcast or run scripts/make-audio in the checkout"
        ),
        name=name,
        packaged=str(packaged),
        checkout=str(checkout),
    )
