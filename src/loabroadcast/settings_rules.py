"""What each setting of ``loa.toml`` may hold: its type, range or choices, checked once.

``check_table(data)`` turns the parsed TOML into plain values per table, or returns the
first :class:`Problem` (which table, which key, what is wrong: a wrong type, a value out of
range, an unknown key with a "did you mean" hint). ``check_env`` does the same for the
``LOA_*`` variables that override a setting. Standard library only (the CLI reads the
settings on every start).
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Callable
from typing import Any

from .i18n import N_, fill, gettext


class Problem:
    """What is wrong with one setting; shown (translated) by ``str()``."""

    def __init__(self, code: str, at: tuple[str | None, str | None] = (None, None), **params):
        self.code, self.params = code, params
        self.table, self.key = at  # where: the table and the key (None: the file itself)

    def __str__(self) -> str:  # always formatted: an id may hold "{{zone}}" and no field
        return fill(gettext(self.code), self.params or {"": ""}, fallback=self.code)

    @property
    def english(self) -> str:
        return fill(self.code, self.params or {"": ""}, english=True)

    def __repr__(self) -> str:
        return f"Problem({self.table!r}, {self.key!r}, {str(self)!r})"


class _Bad(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def shown(value: Any) -> str:
    """A value as it would be written in TOML, shortened (for error lines)."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float, str)):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, dict):
        text = "{…} (a table)"
    elif isinstance(value, list):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


# --- rules: each takes the TOML value and returns the setting's value or raises _Bad --------

Rule = Callable[[Any], Any]


def text(*, empty: bool = True) -> Rule:
    def check(value):
        if not isinstance(value, str):
            raise _Bad(N_("must be text in quotes, not {value}"), value=shown(value))
        if not empty and not value.strip():
            raise _Bad(N_("must not be empty"))
        return value

    return check


def integer(low: int, high: int) -> Rule:
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(N_("must be a whole number, not {value}"), value=shown(value))
        if not low <= value <= high:
            raise _Bad(
                N_("must be from {low} to {high}, not {value}"), low=low, high=high, value=value
            )
        return value

    return check


def number(low: float, high: float) -> Rule:
    def check(value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Bad(N_("must be a number, not {value}"), value=shown(value))
        if not math.isfinite(value) or not low <= value <= high:
            raise _Bad(
                N_("must be from {low} to {high}, not {value}"),
                low=_g(low),
                high=_g(high),
                value=shown(value),
            )
        return float(value)

    return check


def _g(x: float) -> str:
    return f"{x:g}"


def boolean(value):
    if not isinstance(value, bool):
        raise _Bad(N_("must be true or false, not {value}"), value=shown(value))
    return value


def choice(*options: str, aliases: dict[str, str] | None = None) -> Rule:
    def check(value):
        if not isinstance(value, str):
            raise _Bad(N_("must be one of {options}, not {value}"), options=_or(options),
                       value=shown(value))  # fmt: skip
        key = value.strip().lower()
        key = (aliases or {}).get(key, key)
        if key not in options:
            raise _Bad(
                N_("must be one of {options}, not {value}"),
                options=_or(options),
                value=shown(value),
            )
        return key

    return check


def choice_of_numbers(*options: int) -> Rule:
    whole = integer(min(options), max(options))

    def check(value):
        value = whole(value)
        if value not in options:
            raise _Bad(
                N_("must be one of {options}, not {value}"),
                options=", ".join(str(o) for o in options),
                value=value,
            )
        return value

    return check


def _or(options) -> str:
    return " | ".join(options)


def argv(value):
    """A command as a list of words (never a shell line)."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _Bad(
            N_('must be a list of words in quotes, e.g. ["/usr/local/bin/relay", "on", '
               '"{{zone}}"], not {value}'),
            value=shown(value),
        )  # fmt: skip
    return tuple(value)


def timezone(value):
    name = text(empty=False)(value).strip()
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _Bad(
            N_('unknown time zone {value} (names like "Asia/Ho_Chi_Minh", "Europe/Berlin")'),
            value=shown(value),
        ) from None
    return name


def sink(value):
    spec = text(empty=False)(value).strip()
    kind, sep, arg = spec.partition(":")
    kind = kind.strip().lower()
    if (kind == "null" and not sep) or (kind == "device" and (not sep or arg.strip())):
        return spec
    if kind == "file" and arg.strip():
        return spec
    raise _Bad(N_("must be device, device:NAME, file:DIR or null, not {value}"), value=shown(value))


def names(value):
    """People's names (``[roles] approvers``): NFC, spaces made single, none empty."""
    import unicodedata

    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Bad(N_('must be a list of names in quotes, e.g. ["Nguyễn Văn A"], not {value}'),
                   value=shown(value))  # fmt: skip
    clean = tuple(" ".join(unicodedata.normalize("NFC", v).split()) for v in value)
    if not all(clean):
        raise _Bad(N_("a name is empty"))
    return clean


def station_code(value):
    """A station's code, as `loa station add` takes it: letters, digits, '-', '_', '.'."""
    spec = text(empty=False)(value)
    from .domain.parse import check_code

    try:
        return check_code(spec, "station")
    except ValueError as err:
        raise _Bad(N_("{error}"), error=str(err)) from None


def weekdays(value):
    """Days of the week as `loa slot add --days` takes them: "mon-fri", "t2,t4,t6", "daily"."""
    spec = text(empty=False)(value)
    from .domain.parse import parse_weekdays

    try:
        parse_weekdays(spec)
    except ValueError as err:
        raise _Bad(N_("{error}"), error=str(err)) from None
    return spec


# --- the tables ----------------------------------------------------------------------------

SAMPLE_RATES = (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000)
BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)

SECTIONS: dict[str, dict[str, Rule]] = {
    "station": {
        "code": station_code,
        "name": text(empty=False),
        "timezone": timezone,
        "db_url": text(empty=False),
        "commune": text(),
        "district": text(),
        "province": text(),
    },
    "speech": {
        "engine": choice("auto", "gtts", "espeak", "piper", aliases={"espeak-ng": "espeak"}),
        "voice": text(empty=False),
        "speed": number(0.25, 4.0),
        "piper_model": text(empty=False),
        "piper_voice": text(empty=False),
        "voices_url": text(empty=False),
        "gtts_timeout_s": number(1.0, 120.0),
        "gtts_host": text(empty=False),
        "lead_in": text(),
        "reminder": text(),
        "pause_ms": integer(0, 10_000),
        "target_lufs": number(-40.0, -5.0),
        "true_peak_db": number(-12.0, 0.0),
        "sample_rate": choice_of_numbers(*SAMPLE_RATES),
        "render_on_approve": boolean,
        "chime_in": text(empty=False),
        "chime_out": text(empty=False),
    },
    "speech.piper": {
        "length_scale": number(0.5, 3.0),
        "sentence_silence": number(0.0, 5.0),
        "speaker": integer(0, 10_000),
    },
    "speech.espeak": {
        "rate": integer(80, 450),
        "sentence_silence": number(0.0, 5.0),
    },
    "schedule": {
        "grace_minutes": integer(1, 1440),
        "item_gap_s": number(0.0, 60.0),
        "words_per_minute": number(30.0, 400.0),
    },
    "playback": {
        "sink": sink,
        "silence_db": number(-90.0, -10.0),
        "silence_s": number(0.5, 3600.0),
        "latency_s": number(0.01, 2.0),
        "prepare_s": number(2.0, 600.0),
    },
    "relay": {
        "fallback": text(),
        "buffer_s": number(0.5, 30.0),
        "connect_timeout_s": number(1.0, 60.0),
        "retry_max_s": number(0.5, 60.0),
    },
    "zones": {
        "driver": choice("none", "command", "serial"),
        "on": argv,
        "off": argv,
        "port": text(empty=False),
        "baud": choice_of_numbers(*BAUDS),
        "channels": integer(1, 64),
        "amp": integer(1, 64),
        "preroll_s": number(0.0, 60.0),
        "postroll_s": number(0.0, 60.0),
        "settle_s": number(0.0, 10.0),
        "timeout_s": number(0.1, 120.0),
    },
    "ui": {"language": choice("vi", "en")},
    "calendar": {"on_holidays": choice("quiet", "normal")},
    "roles": {"approvers": names},
    "policy": {
        "max_sessions_per_day": integer(1, 48),
        "max_minutes_per_session": number(1.0, 1440.0),
        "broadcast_weekdays": weekdays,
    },
}


def _suggest(word: str, known) -> str | None:
    found = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return found[0] if found else None


def _unknown_key(table: str, key: str) -> Problem:
    near = _suggest(key, SECTIONS[table])
    if near:
        return Problem(N_("unknown setting: did you mean {near}?"), (table, key), near=near)
    for other, rules in SECTIONS.items():
        if key in rules:
            return Problem(
                N_("unknown setting here: it belongs in [{other}]"), (table, key), other=other
            )
    return Problem(
        N_("unknown setting (known: {known})"), (table, key), known=", ".join(SECTIONS[table])
    )


def _unknown_table(name: str, value: Any) -> Problem:
    if not isinstance(value, dict):
        for table, rules in SECTIONS.items():
            if name in rules:
                return Problem(
                    N_("{key} = … is outside any table: put it under [{table}]"),
                    key=name,
                    table=table,
                )
        return Problem(N_("unknown setting {key} outside any table"), key=name)
    near = _suggest(name, SECTIONS)
    if near:
        return Problem(N_("unknown table [{name}]: did you mean [{near}]?"), name=name, near=near)
    return Problem(
        N_("unknown table [{name}] (known: {known})"),
        name=name,
        known=", ".join(f"[{t}]" for t in SECTIONS),
    )


def check_table(data: dict[str, Any]) -> dict[str, dict[str, Any]] | Problem:
    """Every table of the parsed ``loa.toml`` checked: {table: {key: value}} or a Problem."""
    values: dict[str, dict[str, Any]] = {}
    for name, table in _flattened(data).items():
        if name not in SECTIONS:
            return _unknown_table(name, table)
        if not isinstance(table, dict):
            return Problem(
                N_("[{name}] must be a table, not {value}"), name=name, value=shown(table)
            )
        checked = {}
        for raw_key, value in table.items():
            key = raw_key.replace("-", "_")
            rule = SECTIONS[name].get(key)
            if rule is None:
                return _unknown_key(name, raw_key)
            try:
                checked[key] = rule(value)
            except _Bad as bad:
                return Problem(bad.code, (name, raw_key), **bad.params)
        values[name] = checked
    return _across(values)


def _flattened(data: dict[str, Any]) -> dict[str, Any]:
    """Inner tables that have rules of their own (``[speech.piper]``) as tables of their own."""
    flat = dict(data)
    for name, table in data.items():
        if isinstance(table, dict) and any(isinstance(v, dict) for v in table.values()):
            outer = {}
            for key, value in table.items():
                if isinstance(value, dict) and f"{name}.{key}" in SECTIONS:
                    flat[f"{name}.{key}"] = value
                else:
                    outer[key] = value
            flat[name] = outer
    return flat


def _across(values: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]] | Problem:
    """Rules that tie two settings together."""
    zones = values.get("zones", {})
    if zones.get("driver") == "command" and not (zones.get("on") and zones.get("off")):
        return Problem(
            N_('driver = "command" needs on = [...] and off = [...] (argument lists with '
               '"{{zone}}")'),
            ("zones", "driver"),
        )  # fmt: skip
    amp, channels = zones.get("amp"), zones.get("channels", 8)
    if amp is not None and zones.get("driver", "none") != "none" and amp > channels:
        return Problem(
            N_("amp {amp} is above the board's channels ({channels})"),
            ("zones", "amp"),
            amp=amp,
            channels=channels,
        )
    return values


def check_env(table: str, key: str, value: str) -> Any:
    """A ``LOA_*`` override of ``[table] key`` checked like the file's value (or a Problem)."""
    try:
        return SECTIONS[table][key](value)
    except _Bad as bad:
        return Problem(bad.code, (table, key), **bad.params)
