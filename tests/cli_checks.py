"""Assertions shared by the command-line tests (``tests/`` is on pytest's pythonpath)."""

from __future__ import annotations


def one_error_line(result, code: int = 1) -> str:
    """The single ``loa: error:`` line of a failed run (asserted to be alone, stdout empty)."""
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("loa: error: ")
    return lines[0]
