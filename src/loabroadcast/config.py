"""Settings: defaults < ``loa.toml`` in LOA_HOME < ``LOA_*`` environment < CLI options.

Everything is validated once, here, at load: a value of the wrong type, out of range or a
key that does not exist is one line naming the file, the table and the key (with a "did
you mean" for a misspelt key), whichever command or the daemon reads the settings. The
rules are in :mod:`loabroadcast.settings_rules`.

Only the standard library is imported here: the CLI reads settings on every start.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InvalidInput, os_reason
from .i18n import N_
from .settings_rules import SECTIONS, Problem, check_env, check_table

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

CONFIG_NAME = "loa.toml"
DB_NAME = "loa.db"
MAX_CONFIG_BYTES = 1 << 20  # a settings file is a few hundred bytes
VOICES_DIR = "voices"
# The Piper voices' public repository (voices.json at its root); a district may mirror it.
DEFAULT_VOICES_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/main"


@dataclass(frozen=True)
class PiperSettings:
    """``[speech.piper]``: how a Piper voice reads (announcers read slower outdoors)."""

    length_scale: float = 1.15  # > 1 reads slower (the voice's own pace is 1.0)
    sentence_silence: float = 0.5  # seconds of silence after each sentence
    speaker: int | None = None  # multi-speaker voices: which speaker (default: the voice's)


@dataclass(frozen=True)
class EspeakSettings:
    """``[speech.espeak]``: how espeak-ng reads."""

    rate: int = 150  # words per minute (espeak-ng's own default is 175)
    sentence_silence: float = 0.5  # seconds of silence after each sentence


@dataclass(frozen=True)
class SpeechSettings:
    engine: str = "auto"  # auto | gtts | espeak | piper
    voice: str = "vi"  # espeak voice: vi, vi-vn-x-central, vi-vn-x-south
    speed: float = 1.0
    piper_model: str | None = None  # the operator's own .onnx file
    piper_voice: str | None = None  # an installed voice (loa voice install NAME)
    voices_url: str = DEFAULT_VOICES_URL  # where `loa voice` finds voices.json
    gtts_timeout_s: float = 10.0
    gtts_host: str | None = None  # tld / test server base, None means Google's default
    lead_in: str = ""  # e.g. "Sau đây là thông báo của Ủy ban nhân dân thị trấn"
    reminder: str = "Xin nhắc lại"
    pause_ms: int = 700
    target_lufs: float = -16.0
    true_peak_db: float = -1.0
    sample_rate: int = 44100
    render_on_approve: bool = True
    chime_in: str | None = None  # a WAV of the station's own; None: the shipped chime
    chime_out: str | None = None
    piper: PiperSettings = field(default_factory=PiperSettings)
    espeak: EspeakSettings = field(default_factory=EspeakSettings)


@dataclass(frozen=True)
class ScheduleSettings:
    grace_minutes: int = 15
    item_gap_s: float = 2.0  # silence between two items of a programme
    words_per_minute: float = 150.0  # for duration estimates before rendering


@dataclass(frozen=True)
class PlaybackSettings:
    sink: str = "null"  # device[:NAME] | file:DIR | null
    # the dead-air guard: below silence_db for longer than silence_s is dead air
    silence_db: float = -40.0
    silence_s: float = 10.0
    latency_s: float = 0.1  # audio the sound card keeps queued (a busy PC needs some)
    prepare_s: float = 30.0  # a programme is settled (claims, verified audio) this early


@dataclass(frozen=True)
class RelaySettings:
    """``[relay]``: live sources (tiếp âm)."""

    fallback: str = ""  # audio file heard when the source drops; "" the shipped notice
    buffer_s: float = 3.0  # seconds of the source held ahead (connected before the item)
    connect_timeout_s: float = 5.0  # a source that sends nothing this long is down
    retry_max_s: float = 2.0  # reconnect attempts back off up to this interval


@dataclass(frozen=True)
class ZoneSettings:
    driver: str = "none"  # none | command | serial
    on: tuple[str, ...] = ()
    off: tuple[str, ...] = ()
    port: str = "/dev/ttyUSB0"
    baud: int = 9600
    channels: int = 8
    amp: int | None = None
    preroll_s: float = 3.0
    postroll_s: float = 2.0
    settle_s: float = 0.0
    timeout_s: float = 5.0


@dataclass(frozen=True)
class UiSettings:
    language: str = "vi"  # vi | en; `loa --lang` and LOA_LANG win over it


@dataclass(frozen=True)
class CalendarSettings:
    on_holidays: str = "quiet"  # quiet (emergencies only) | normal


@dataclass(frozen=True)
class PolicySettings:
    """Airtime rules; each is optional and only ever warns."""

    max_sessions_per_day: int | None = None
    max_minutes_per_session: float | None = None
    broadcast_weekdays: str | None = None  # e.g. "mon-fri"


@dataclass(frozen=True)
class RolesSettings:
    """``[roles]``: who may approve (``msg approve``, ``play-now --approve``); empty: anyone."""

    approvers: tuple[str, ...] = ()  # NFC, single spaces (checked in settings_rules)


@dataclass(frozen=True)
class Settings:
    home: Path
    station: str = "default"  # the display name ([station] name)
    timezone: str = "Asia/Ho_Chi_Minh"
    db_url: str | None = None
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    playback: PlaybackSettings = field(default_factory=PlaybackSettings)
    zones: ZoneSettings = field(default_factory=ZoneSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    policy: PolicySettings = field(default_factory=PolicySettings)
    # where the station is, for reports and the printed schedule ([station] in loa.toml)
    commune: str = ""  # e.g. "Thị trấn Khe Sanh"
    district: str = ""  # e.g. "Huyện Hướng Hóa"
    province: str = ""  # e.g. "Tỉnh Quảng Trị"
    roles: RolesSettings = field(default_factory=RolesSettings)
    # which station of the database this folder is ([station] code, LOA_STATION); a SQLite
    # database holds one station, whatever its code
    station_code: str = "default"
    relay: RelaySettings = field(default_factory=RelaySettings)

    def zone(self) -> ZoneInfo:
        """The station's time zone; an unknown name is an input error."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(N_("unknown timezone {name!r}"), name=self.timezone) from None

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{self.home / DB_NAME}"

    @property
    def config_path(self) -> Path:
        return self.home / CONFIG_NAME

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def dictionary_path(self) -> Path:
        return self.home / "abbreviations.tsv"

    @property
    def voices_dir(self) -> Path:
        return self.home / VOICES_DIR


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("loabroadcast", appauthor=False))


PLACE = ("commune", "district", "province")  # [station] keys shown on documents

_CLASSES = {
    "speech": SpeechSettings,
    "schedule": ScheduleSettings,
    "playback": PlaybackSettings,
    "zones": ZoneSettings,
    "ui": UiSettings,
    "calendar": CalendarSettings,
    "policy": PolicySettings,
    "roles": RolesSettings,
    "relay": RelaySettings,
}
# tables inside a table: [speech.piper] -> SpeechSettings.piper
_NESTED = {"speech.piper": PiperSettings, "speech.espeak": EspeakSettings}
assert set(_CLASSES) | set(_NESTED) | {"station"} == set(SECTIONS)


def _read_config(path: Path) -> dict[str, Any] | None:
    """The parsed ``loa.toml`` (None when there is none); one-line errors."""
    import stat

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise InvalidInput(N_("{file} is not a regular file"), file=str(path))
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError):
        return None  # no settings file (yet): `loa init` writes one
    except OSError as err:
        raise InvalidInput(
            N_("cannot read {file}: {reason}"), file=str(path), reason=os_reason(err)
        ) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise InvalidInput(N_("{file} is larger than 1 MB: not a settings file"), file=str(path))
    try:
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise InvalidInput(
            N_("{file} is not UTF-8 (byte {byte}); save it as UTF-8"),
            file=str(path),
            byte=err.start + 1,
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(
            N_("{file}: not valid TOML ({reason})"), file=str(path), reason=str(exc)
        ) from None


def _raise(where: str, problem: Problem) -> None:
    if problem.table is None:
        raise InvalidInput(N_("{file}: {problem}"), file=where, problem=problem)
    if problem.key is None:
        raise InvalidInput(
            N_("{file}: [{table}]: {problem}"), file=where, table=problem.table, problem=problem
        )
    raise InvalidInput(
        N_("{file}: [{table}] {key}: {problem}"),
        file=where,
        table=problem.table,
        key=problem.key,
        problem=problem,
    )


def _from_file(settings: Settings, path: Path, data: dict[str, Any]) -> Settings:
    values = check_table(data)
    if isinstance(values, Problem):
        _raise(str(path), values)
    station = values.get("station", {})
    return replace(
        settings,
        station=station.get("name", settings.station),
        station_code=station.get("code", settings.station_code),
        timezone=station.get("timezone", settings.timezone),
        db_url=station.get("db_url", settings.db_url),
        **{key: station[key].strip() for key in PLACE if key in station},
        **{name: cls(**_with_nested(name, values)) for name, cls in _CLASSES.items()},
    )


def _with_nested(name: str, values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The checked keys of table ``name``, with its inner tables built (``[speech.piper]``)."""
    own = dict(values.get(name, {}))
    for path, cls in _NESTED.items():
        parent, _, key = path.partition(".")
        if parent == name:
            own[key] = cls(**values.get(path, {}))
    return own


# environment variable -> (table, key) it overrides
ENVIRONMENT = {
    "LOA_DB_URL": ("station", "db_url"),
    "LOA_TIMEZONE": ("station", "timezone"),
    "LOA_STATION": ("station", "code"),
    "LOA_SPEECH_ENGINE": ("speech", "engine"),
    "LOA_SINK": ("playback", "sink"),
}


def _from_env(settings: Settings, env: dict[str, str]) -> Settings:
    for variable, (table, key) in ENVIRONMENT.items():
        text = env.get(variable)
        if not text:
            continue
        value = check_env(table, key, text)
        if isinstance(value, Problem):
            raise InvalidInput(N_("{variable}: {problem}"), variable=variable, problem=value)
        if table == "station":
            attribute = {"name": "station", "code": "station_code"}.get(key, key)
            settings = replace(settings, **{attribute: value})
        else:
            section = getattr(settings, table)
            settings = replace(settings, **{table: replace(section, **{key: value})})
    return settings


def load_settings(home: Path | str | None = None, env: dict[str, str] | None = None) -> Settings:
    """Build settings for ``home`` (or LOA_HOME, or the platform data dir), validated."""
    env = dict(os.environ if env is None else env)
    home_path = Path(home or env.get("LOA_HOME") or default_home()).expanduser()
    settings = Settings(home=home_path)
    data = _read_config(settings.config_path)
    if data is not None:
        settings = _from_file(settings, settings.config_path, data)
    return _from_env(settings, env)


def default_config(lang: str | None = None, station: str = "default") -> str:
    """The ``loa.toml`` that ``loa init`` writes, its comments in the language loa speaks
    (``settings_template``), naming the folder's station (``station``: its code, from
    LOA_STATION)."""
    from .settings_template import default_config as render

    return render(lang, station)


def __getattr__(name: str) -> str:
    if name == "DEFAULT_CONFIG":  # the file in the language loa speaks now
        return default_config()
    raise AttributeError(name)
