"""The interface-language tests switch the process's language: put English back after
each, so other tests (which read the English ids) are not touched."""

from __future__ import annotations

import pytest

from loabroadcast.i18n import set_language


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    set_language("en")
