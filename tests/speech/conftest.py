"""Fixtures for the Piper voice tests: a local mirror of the voices index, served over HTTP."""

from voice_server import installed_template, mirror, no_proxy, voice_server

__all__ = ["installed_template", "mirror", "no_proxy", "voice_server"]
