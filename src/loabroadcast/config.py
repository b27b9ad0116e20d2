"""Settings: defaults < ``loa.toml`` in LOA_HOME < ``LOA_*`` environment < CLI options.

Only the standard library is imported here: the CLI reads settings on every start.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InvalidInput

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

CONFIG_NAME = "loa.toml"
DB_NAME = "loa.db"


@dataclass(frozen=True)
class SpeechSettings:
    engine: str = "auto"  # auto | gtts | espeak | piper
    voice: str = "vi"  # espeak voice: vi, vi-vn-x-central, vi-vn-x-south
    speed: float = 1.0
    piper_model: str | None = None
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


@dataclass(frozen=True)
class ScheduleSettings:
    grace_minutes: int = 15
    item_gap_s: float = 2.0  # silence between two items of a programme
    words_per_minute: float = 150.0  # for duration estimates before rendering


@dataclass(frozen=True)
class PlaybackSettings:
    sink: str = "null"  # device[:NAME] | file:DIR | null
    latency_s: float = 0.1  # audio the sound card keeps queued (a busy PC needs some)
    prepare_s: float = 30.0  # a programme is settled (claims, verified audio) this early


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
class Settings:
    home: Path
    station: str = "default"
    timezone: str = "Asia/Ho_Chi_Minh"
    db_url: str | None = None
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    playback: PlaybackSettings = field(default_factory=PlaybackSettings)
    zones: ZoneSettings = field(default_factory=ZoneSettings)

    def zone(self) -> ZoneInfo:
        """The station's time zone; an unknown name is an input error."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(f"unknown timezone {self.timezone!r}") from None

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


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("loabroadcast", appauthor=False))


def _coerce_section(cls: type, data: dict[str, Any], where: str):
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        if name not in known:
            raise InvalidInput(f"{where}: unknown setting {key!r}")
        if isinstance(value, list):
            value = tuple(str(v) for v in value)
        values[name] = value
    return cls(**values)


_SECTIONS = {
    "speech": SpeechSettings,
    "schedule": ScheduleSettings,
    "playback": PlaybackSettings,
    "zones": ZoneSettings,
}


def load_settings(home: Path | str | None = None, env: dict[str, str] | None = None) -> Settings:
    """Build settings for ``home`` (or LOA_HOME, or the platform data dir)."""
    env = dict(os.environ if env is None else env)
    home_path = Path(home or env.get("LOA_HOME") or default_home()).expanduser()
    settings = Settings(home=home_path)
    path = settings.config_path
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"{path}: not valid TOML ({exc})") from None
        station = data.get("station", {})
        top = {k: v for k, v in station.items() if k in ("name", "timezone", "db_url")}
        settings = replace(
            settings,
            station=top.get("name", settings.station),
            timezone=top.get("timezone", settings.timezone),
            db_url=top.get("db_url", settings.db_url),
            **{
                name: _coerce_section(cls, data.get(name, {}), f"{path} [{name}]")
                for name, cls in _SECTIONS.items()
            },
        )
    if env.get("LOA_DB_URL"):
        settings = replace(settings, db_url=env["LOA_DB_URL"])
    if env.get("LOA_TIMEZONE"):
        settings = replace(settings, timezone=env["LOA_TIMEZONE"])
    if env.get("LOA_STATION"):
        settings = replace(settings, station=env["LOA_STATION"])
    if env.get("LOA_SPEECH_ENGINE"):
        settings = replace(
            settings, speech=replace(settings.speech, engine=env["LOA_SPEECH_ENGINE"])
        )
    if env.get("LOA_SINK"):
        settings = replace(settings, playback=replace(settings.playback, sink=env["LOA_SINK"]))
    return settings


DEFAULT_CONFIG = """\
# loabroadcast station settings (loa truyền thanh). Edit and restart the daemon.

[station]
name = "default"
timezone = "Asia/Ho_Chi_Minh"
# db_url = "postgresql+psycopg://loa@localhost/loa"   # default: SQLite in this folder

[speech]
engine = "auto"          # auto (gTTS when online, else espeak-ng) | gtts | espeak | piper
voice = "vi"             # espeak-ng: vi, vi-vn-x-central, vi-vn-x-south
# piper_model = "/path/to/vi_VN-vais1000-medium.onnx"
lead_in = ""             # e.g. "Sau đây là thông báo của Ủy ban nhân dân thị trấn"
reminder = "Xin nhắc lại"
target_lufs = -16.0

[schedule]
grace_minutes = 15
item_gap_s = 2.0

[playback]
sink = "null"            # device[:NAME] | file:DIR | null

[zones]
driver = "none"          # none | command | serial
# on = ["/usr/local/bin/relay", "on", "{zone}"]
# off = ["/usr/local/bin/relay", "off", "{zone}"]
# port = "/dev/ttyUSB0"
# baud = 9600
# amp = 8
preroll_s = 3.0
postroll_s = 2.0
"""
