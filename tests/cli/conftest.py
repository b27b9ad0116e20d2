"""The ``loa`` runner shared by the command-line tests."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from loabroadcast.cli import cli
from loabroadcast.services import init_station


@pytest.fixture
def loa(settings, env_for, monkeypatch):
    """Run ``loa ARGS…`` in-process against an initialised station; returns click's Result.

    espeak-ng speaks (offline, deterministic) unless ``engine`` says otherwise;
    ``engine=None`` leaves the choice to loa.toml.
    """
    init_station(settings)
    runner = CliRunner(mix_stderr=False)
    monkeypatch.setenv("LOA_TIMEZONE", "Asia/Ho_Chi_Minh")

    def run(*args, input=None, engine="espeak"):
        env = env_for(LOA_SPEECH_ENGINE=engine)
        return runner.invoke(cli, list(args), env=env, input=input, catch_exceptions=False)

    run.home = settings.home
    return run
