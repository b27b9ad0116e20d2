"""Fixtures for the daemon tests: a live station (see tests/livestation.py)."""

from __future__ import annotations

import pytest

from livestation import make_live, stop_live


@pytest.fixture
def live(tmp_path):
    ls = make_live(tmp_path, tmp_path / "home")
    yield ls
    stop_live(ls)
