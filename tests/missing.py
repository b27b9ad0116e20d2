"""A real part a test needs and cannot have here: skipped on a developer's machine,
a failure under CI (which must test every real part the issues ask for)."""

from __future__ import annotations

import os


def missing(part: str, reason: str):
    """Skip the test (``reason``), or fail it under CI: "CI must test ``part``"."""
    import pytest  # the bench imports test helpers too: pytest only when a test needs it

    if os.environ.get("CI"):
        pytest.fail(f"CI must test {part}: {reason}")
    pytest.skip(reason)
