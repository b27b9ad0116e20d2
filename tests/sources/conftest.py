"""Fixtures of the sources tests: a real Icecast server (tests/icecast.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from icecast import IcecastServer, start_icecast, stop_icecast


@pytest.fixture(scope="session")
def icecast() -> Iterator[IcecastServer]:
    server = start_icecast(source_timeout=2)
    try:
        yield server
    finally:
        stop_icecast(server)


@pytest.fixture
def ice(icecast) -> Iterator[IcecastServer]:
    """The session's Icecast server; this test's feeders are stopped after it."""
    try:
        yield icecast
    finally:
        icecast.stop_feeders()
