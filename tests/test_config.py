"""loa.toml is validated once, at load: one line naming the file, the table and the key."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest
from click.testing import CliRunner

from cli_checks import one_error_line
from loabroadcast.cli import cli
from loabroadcast.config import (
    DEFAULT_CONFIG,
    Settings,
    SpeechSettings,
    UiSettings,
    ZoneSettings,
    default_config,
    load_settings,
)
from loabroadcast.errors import InvalidInput

BAD = [
    ("[station]\ntimezone = 7\n", "[station] timezone: must be text in quotes, not 7"),
    (
        '[station]\ntimezone = "Asia/Hanoi"\n',
        '[station] timezone: unknown time zone "Asia/Hanoi" (names like "Asia/Ho_Chi_Minh", '
        '"Europe/Berlin")',
    ),
    ("[playback]\nsink = 5\n", "[playback] sink: must be text in quotes, not 5"),
    (
        '[playback]\nsink = "speakers"\n',
        '[playback] sink: must be device, device:NAME, file:DIR or null, not "speakers"',
    ),
    (
        '[schedule]\ngrace_minutes = "abc"\n',
        '[schedule] grace_minutes: must be a whole number, not "abc"',
    ),
    ("[schedule]\ngrace_minutes = 0\n", "[schedule] grace_minutes: must be from 1 to 1440, not 0"),
    ("[schedule]\ngrace_minutes = 1.5\n",
     "[schedule] grace_minutes: must be a whole number, not 1.5"),
    ("[schedule]\nitem_gap_s = true\n", "[schedule] item_gap_s: must be a number, not true"),
    ("[schedule]\nitem_gap_s = -1\n", "[schedule] item_gap_s: must be from 0 to 60, not -1"),
    ("[schedule]\nitem_gap_s = nan\n", "[schedule] item_gap_s: must be from 0 to 60, not NaN"),
    ('[speech]\nengin = "espeak"\n', "[speech] engin: unknown setting: did you mean engine?"),
    ('[speech]\nengine = "festival"\n',
     '[speech] engine: must be one of auto | gtts | espeak | piper, not "festival"'),
    ("[speech]\nsample_rate = 44000\n",
     "[speech] sample_rate: must be one of 8000, 11025, 16000, 22050, 24000, 32000, 44100, "
     "48000, not 44000"),
    ('[speech]\nrender_on_approve = "yes"\n',
     '[speech] render_on_approve: must be true or false, not "yes"'),
    ("[speech]\ngrace_minutes = 5\n",
     "[speech] grace_minutes: unknown setting here: it belongs in [schedule]"),
    ('[speach]\nengine = "espeak"\n', "unknown table [speach]: did you mean [speech]?"),
    ('timezone = "Europe/Berlin"\n',
     "timezone = … is outside any table: put it under [station]"),
    ("[zones]\nchanels = 4\n", "[zones] chanels: unknown setting: did you mean channels?"),
    ('[zones]\non = "relay on {zone}"\n',
     '[zones] on: must be a list of words in quotes, e.g. ["/usr/local/bin/relay", "on", '
     '"{zone}"], not "relay on {zone}"'),
    ('[zones]\ndriver = "command"\n',
     '[zones] driver: driver = "command" needs on = [...] and off = [...] (argument lists '
     'with "{zone}")'),
    ('[zones]\ndriver = "serial"\namp = 9\n',
     "[zones] amp: amp 9 is above the board's channels (8)"),
    ("[zones]\nbaud = 9601\n",
     "[zones] baud: must be one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, "
     "not 9601"),
    ('[ui]\nlanguage = "fr"\n', '[ui] language: must be one of vi | en, not "fr"'),
    ("[ui]\nlanguage = 1\n", "[ui] language: must be one of vi | en, not 1"),
    ("[station]\nname = \"\"\n", "[station] name: must not be empty"),
    ("[playback]\nlatency_s = 5\n", "[playback] latency_s: must be from 0.01 to 2, not 5"),
    ('[playback]\nprepare_s = "30"\n', '[playback] prepare_s: must be a number, not "30"'),
    ("[playback]\nprepare_s = 1\n", "[playback] prepare_s: must be from 2 to 600, not 1"),
    ("[playback]\nprepare = 30\n", "[playback] prepare: unknown setting: did you mean prepare_s?"),
    ('[speech]\nchime_in = ""\n', "[speech] chime_in: must not be empty"),
    ("[speech]\nchime_out = 1\n", "[speech] chime_out: must be text in quotes, not 1"),
]  # fmt: skip


@pytest.mark.parametrize(("toml", "problem"), BAD, ids=[b[1].split(":")[0] for b in BAD])
def test_bad_settings_are_one_line_naming_file_table_and_key(tmp_path, toml, problem):
    path = tmp_path / "loa.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        load_settings(tmp_path, env={})
    assert str(info.value) == f"{path}: {problem}"


@pytest.mark.parametrize(
    "command", [("slot", "list"), ("msg", "list"), ("schedule",), ("daemon", "--sink", "null")]
)
def test_every_command_and_the_daemon_say_it_in_one_line(tmp_path, command):
    home = tmp_path / "home"
    home.mkdir()
    (home / "loa.toml").write_text('[schedule]\ngrace_minutes = "abc"\n', encoding="utf-8")
    result = CliRunner(mix_stderr=False).invoke(cli, list(command), env={"LOA_HOME": str(home)})
    assert one_error_line(result) == (
        f"loa: error: {home / 'loa.toml'}: [schedule] grace_minutes: must be a whole number, "
        'not "abc"'
    )


def test_the_written_defaults_load_as_the_defaults(tmp_path):
    (tmp_path / "loa.toml").write_text(default_config("vi"), encoding="utf-8")
    assert load_settings(tmp_path, env={}) == Settings(home=tmp_path)
    (tmp_path / "loa.toml").write_text(DEFAULT_CONFIG, encoding="utf-8")  # English now
    assert load_settings(tmp_path, env={}) == replace(Settings(home=tmp_path), ui=UiSettings("en"))


def test_the_air_paths_settings_are_kept(tmp_path):
    (tmp_path / "loa.toml").write_text(
        '[speech]\nchime_in = "/srv/loa/dau.wav"\nchime_out = "/srv/loa/cuoi.wav"\n'
        "[playback]\nlatency_s = 0.2\nprepare_s = 45\n",
        encoding="utf-8",
    )
    settings = load_settings(tmp_path, env={})
    assert (settings.speech.chime_in, settings.speech.chime_out) == (
        "/srv/loa/dau.wav",
        "/srv/loa/cuoi.wav",
    )
    assert (settings.playback.latency_s, settings.playback.prepare_s) == (0.2, 45.0)


def test_good_values_are_kept(tmp_path):
    (tmp_path / "loa.toml").write_text(
        '[station]\nname = "khe-sanh"\ntimezone = "Europe/Berlin"\n'
        '[speech]\nengine = "Espeak-NG"\nspeed = 1\nsample-rate = 22050\n'
        '[zones]\ndriver = "Command"\non = ["r", "on", "{zone}"]\noff = ["r", "off", "{zone}"]\n'
        "amp = 8\n"
        '[ui]\nlanguage = "en"\n',
        encoding="utf-8",
    )
    settings = load_settings(tmp_path, env={})
    assert (settings.station, settings.timezone) == ("khe-sanh", "Europe/Berlin")
    assert settings.speech == SpeechSettings(engine="espeak", speed=1.0, sample_rate=22050)
    assert settings.zones == ZoneSettings(
        driver="command", on=("r", "on", "{zone}"), off=("r", "off", "{zone}"), amp=8
    )
    assert settings.ui == UiSettings(language="en")


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("LOA_TIMEZONE", "Nowhere", 'unknown time zone "Nowhere"'),
        ("LOA_SINK", "speakers", 'must be device, device:NAME, file:DIR or null, not "speakers"'),
        ("LOA_SPEECH_ENGINE", "festival", "must be one of auto | gtts | espeak | piper"),
    ],
)
def test_environment_overrides_are_checked_too(tmp_path, variable, value, problem):
    with pytest.raises(InvalidInput, match=f"^{variable}: ") as info:
        load_settings(tmp_path, env={variable: value})
    assert problem in str(info.value)


def test_environment_overrides_the_file(tmp_path):
    (tmp_path / "loa.toml").write_text('[playback]\nsink = "null"\n', encoding="utf-8")
    env = {"LOA_SINK": "file:/tmp/out", "LOA_TIMEZONE": "Europe/Berlin", "LOA_STATION": "x"}
    settings = load_settings(tmp_path, env=env)
    assert (settings.playback.sink, settings.timezone, settings.station) == (
        "file:/tmp/out",
        "Europe/Berlin",
        "x",
    )


def test_a_settings_file_that_is_not_a_file(tmp_path):
    (tmp_path / "loa.toml").mkdir()
    with pytest.raises(InvalidInput, match="loa.toml is not a regular file$"):
        load_settings(tmp_path, env={})


def test_not_utf8_or_not_toml(tmp_path):
    path = tmp_path / "loa.toml"
    path.write_bytes(b'[station]\nname = "\xff"\n')
    with pytest.raises(InvalidInput, match=r"loa.toml is not UTF-8 \(byte 19\)"):
        load_settings(tmp_path, env={})
    path.write_text("[station\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not valid TOML"):
        load_settings(tmp_path, env={})


def test_config_imports_only_the_standard_library():
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import loabroadcast.config\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "print(sorted(new - set(sys.stdlib_module_names) - {'loabroadcast'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
