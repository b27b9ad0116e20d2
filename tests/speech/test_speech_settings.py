"""``[speech.piper]`` and ``[speech.espeak]`` in loa.toml, and the template stating them."""

from __future__ import annotations

import re
import tomllib

import pytest

from loabroadcast.config import (
    DEFAULT_CONFIG,
    DEFAULT_VOICES_URL,
    EspeakSettings,
    PiperSettings,
    load_settings,
)
from loabroadcast.errors import InvalidInput


def write_config(home, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "loa.toml").write_text(text, encoding="utf-8")


def test_engine_tables_load_into_their_settings(tmp_path):
    home = tmp_path / "home"
    write_config(
        home,
        '[speech]\nengine = "auto"\npiper_voice = "vi_VN-vais1000-medium"\n'
        'voices_url = "http://mirror.local/piper-voices"\n\n'
        "[speech.piper]\nlength_scale = 1.3\nsentence_silence = 0.8\n\n"
        "[speech.espeak]\nrate = 130\n",
    )
    speech = load_settings(home, env={}).speech
    assert speech.piper == PiperSettings(length_scale=1.3, sentence_silence=0.8)
    assert speech.espeak == EspeakSettings(rate=130)  # the rest keeps its default
    assert speech.piper_voice == "vi_VN-vais1000-medium"
    assert speech.voices_url == "http://mirror.local/piper-voices"
    assert load_settings(home, env={}).voices_dir == home / "voices"


def test_an_unknown_key_in_an_engine_table_is_refused(tmp_path):
    home = tmp_path / "home"
    write_config(home, "[speech.piper]\nlength = 1.3\n")
    with pytest.raises(
        InvalidInput,
        match=r"loa.toml: \[speech.piper\] length: unknown setting: did you mean length_scale\?",
    ):
        load_settings(home, env={})


def test_the_template_states_the_real_defaults():
    """The commented engine tables of loa.toml, uncommented, are exactly the defaults."""
    data = tomllib.loads(DEFAULT_CONFIG)
    assert "piper" not in data["speech"]  # commented out: the defaults apply
    block = DEFAULT_CONFIG.split("# [speech.piper]", 1)[1].split("\n\n", 1)[0]
    uncommented = "[speech.piper]" + re.sub(r"(?m)^# ?", "", block)
    stated = tomllib.loads(uncommented)["speech"]
    assert stated["piper"] | {"speaker": None} == vars(PiperSettings()) | {"speaker": None}
    assert stated["espeak"] == vars(EspeakSettings())
    assert f'# voices_url = "{DEFAULT_VOICES_URL}"' in DEFAULT_CONFIG
