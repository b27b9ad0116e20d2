"""Which language loa speaks: --lang > LOA_LANG > [ui] language in loa.toml > Vietnamese;
a locale variable alone never switches. Plural forms; click's usage errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from loabroadcast.cli import cli
from loabroadcast.config import load_settings
from loabroadcast.errors import InvalidInput
from loabroadcast.i18n import catalog, ngettext, set_language

ENGLISH_LOCALE = {"LANG": "en_US.UTF-8", "LC_ALL": "en_US.UTF-8", "LANGUAGE": "en"}


def _home(tmp_path, language: str | None, name="home"):
    home = tmp_path / name
    home.mkdir()
    if language:
        (home / "loa.toml").write_text(f'[ui]\nlanguage = "{language}"\n', encoding="utf-8")
    return home


def _spoken(args, env) -> str:
    """ "vi" or "en": the language of `loa ARGS` (its help or its usage error)."""
    result = CliRunner(mix_stderr=False).invoke(cli, args, env=env, prog_name="loa")
    out = result.stdout + result.stderr
    if "Cách dùng:" in out:
        return "vi"
    assert "Usage:" in out, out
    return "en"


@pytest.mark.parametrize(
    ("option", "env_lang", "toml", "expected"),
    [
        ("en", "vi", "vi", "en"),  # --lang first
        ("vi", "en", "en", "vi"),
        (None, "en", "vi", "en"),  # then LOA_LANG
        (None, "vi", "en", "vi"),
        (None, None, "en", "en"),  # then [ui] language
        (None, None, "vi", "vi"),
        (None, None, None, "vi"),  # then Vietnamese
    ],
)
def test_precedence(tmp_path, option, env_lang, toml, expected):
    home = _home(tmp_path, toml)
    env = {"LOA_HOME": str(home), "LOA_LANG": env_lang, **ENGLISH_LOCALE}
    args = (["--lang", option] if option else []) + ["--help"]
    assert _spoken(args, env) == expected


def test_an_english_locale_alone_keeps_vietnamese(tmp_path):
    env = {"LOA_HOME": str(_home(tmp_path, None)), "LOA_LANG": None, **ENGLISH_LOCALE}
    assert _spoken(["--help"], env) == "vi"
    assert _spoken(["msg", "add", "--help"], env) == "vi"


@pytest.mark.parametrize(
    "args",
    [
        ["--home", "{home}", "--help"],
        ["--help", "--home", "{home}"],
        ["--home={home}", "block", "add", "--help"],
        ["--home", "{home}", "slot", "add"],  # a usage error: missing arguments
    ],
)
def test_help_and_errors_follow_the_ui_language_of_the_home_given(tmp_path, args):
    home = _home(tmp_path, "en")
    env = {"LOA_HOME": str(_home(tmp_path, "vi", "other")), "LOA_LANG": None}
    assert _spoken([a.format(home=home) for a in args], env) == "en"


def test_loa_home_gives_the_ui_language_too(tmp_path):
    env = {"LOA_HOME": str(_home(tmp_path, "en")), "LOA_LANG": None}
    assert _spoken(["--help"], env) == "en"


def test_a_broken_loa_toml_does_not_stop_help(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "loa.toml").write_text("[ui\nlanguage = ", encoding="utf-8")
    env = {"LOA_HOME": str(home), "LOA_LANG": None}
    assert _spoken(["--help"], env) == "vi"
    assert _spoken(["--lang", "en", "--help"], env) == "en"


def test_an_unknown_ui_language_is_one_clear_error(tmp_path):
    home = _home(tmp_path, "fr")
    result = CliRunner(mix_stderr=False).invoke(
        cli, ["--lang", "en", "block", "list"], env={"LOA_HOME": str(home)}, prog_name="loa"
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("loa: error: ")
    assert '[ui] language: must be one of vi | en, not "fr"' in result.stderr
    with pytest.raises(InvalidInput):
        load_settings(home, env={})


def test_an_unknown_lang_is_a_usage_error(tmp_path):
    result = CliRunner(mix_stderr=False).invoke(
        cli,
        ["--lang", "fr", "block", "list"],
        env={"LOA_HOME": str(tmp_path), "LOA_LANG": None},  # so: Vietnamese
        prog_name="loa",
    )
    assert result.exit_code == 2
    assert "Lỗi: Giá trị của '--lang' không hợp lệ: 'fr'" in result.stderr


def test_ui_language_setting(tmp_path):
    assert load_settings(_home(tmp_path, "EN"), env={}).ui.language == "en"
    assert load_settings(tmp_path / "none", env={}).ui.language == "vi"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("vi", "Lỗi: Thiếu tham số 'CODE'."),
        ("en", "Error: Missing argument 'CODE'."),
    ],
)
def test_clicks_usage_errors_in_both_languages(tmp_path, lang, expected):
    result = CliRunner(mix_stderr=False).invoke(
        cli, ["--lang", lang, "slot", "add"], env={"LOA_HOME": str(tmp_path)}, prog_name="loa"
    )
    assert result.exit_code == 2
    assert expected in result.stderr
    hint = "Gõ 'loa slot add -h' để xem hướng dẫn." if lang == "vi" else "Try 'loa slot add -h'"
    assert hint in result.stderr


EXTRA = ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})")


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("en", 1, EXTRA[0]),
        ("en", 2, EXTRA[1]),
        ("en", 0, EXTRA[1]),
        ("vi", 1, "Thừa giá trị không dùng đến: {args}"),
        ("vi", 2, "Thừa giá trị không dùng đến: {args}"),
        ("vi", 0, "Thừa giá trị không dùng đến: {args}"),
    ],
)
def test_plural_forms(lang, n, expected):
    set_language(lang)
    assert ngettext(*EXTRA, n) == expected


def test_vietnamese_has_one_plural_form():
    set_language("vi")
    assert [catalog().plural(n) for n in (0, 1, 2, 5, 21)] == [0] * 5


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("vi", "Thừa giá trị không dùng đến: a b"), ("en", "Got unexpected extra arguments (a b)")],
)
def test_a_plural_through_the_cli(tmp_path, lang, expected):
    result = CliRunner(mix_stderr=False).invoke(
        cli, ["--lang", lang, "block", "list", "a", "b"], env={"LOA_HOME": str(tmp_path)}
    )
    assert result.exit_code == 2
    assert expected in result.stderr


def test_a_real_loa_process_on_an_english_os_speaks_vietnamese(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env.update(ENGLISH_LOCALE, LOA_HOME=str(tmp_path))
    argv = [sys.executable, "-m", "loabroadcast", "--help"]
    out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout
    assert out.startswith("Cách dùng: ")
    assert "Hiện hướng dẫn này rồi thoát." in out
