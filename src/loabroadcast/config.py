"""Settings: defaults < ``loa.toml`` in LOA_HOME < ``LOA_*`` environment < CLI options.

Only the standard library is imported here: the CLI reads settings on every start.
"""

from __future__ import annotations

import os
import tomllib
import unicodedata
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InvalidInput
from .i18n import DEFAULT_LANGUAGE, check_language

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

CONFIG_NAME = "loa.toml"
DB_NAME = "loa.db"
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
    language: str = DEFAULT_LANGUAGE  # vi | en; `loa --lang` and LOA_LANG come first

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "language", check_language(str(self.language)))
        except ValueError as err:
            raise InvalidInput(f"[ui] language: {err}") from None


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

    approvers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        names = self.approvers
        if isinstance(names, str) or not all(isinstance(n, str) for n in names):
            raise InvalidInput('[roles] approvers: a list of names, e.g. ["Nguyễn Văn A"]')
        clean = tuple(" ".join(unicodedata.normalize("NFC", n).split()) for n in names)
        if any(not n for n in clean):
            raise InvalidInput("[roles] approvers: a name is empty")
        object.__setattr__(self, "approvers", clean)


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
    ui: UiSettings = field(default_factory=UiSettings)
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    policy: PolicySettings = field(default_factory=PolicySettings)
    roles: RolesSettings = field(default_factory=RolesSettings)

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

    @property
    def voices_dir(self) -> Path:
        return self.home / VOICES_DIR


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
        elif isinstance(value, dict) and is_dataclass(default := _default_of(known[name])):
            value = _coerce_section(type(default), value, f"{where[:-1]}.{name}]")
        values[name] = value
    return cls(**values)


def _default_of(f):
    return f.default_factory() if f.default_factory is not MISSING else f.default


_SECTIONS = {
    "speech": SpeechSettings,
    "schedule": ScheduleSettings,
    "playback": PlaybackSettings,
    "zones": ZoneSettings,
    "ui": UiSettings,
    "calendar": CalendarSettings,
    "policy": PolicySettings,
    "roles": RolesSettings,
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
engine = "auto"          # auto | gtts | espeak | piper; auto: gTTS when it answers,
                         # else an installed Piper voice, else espeak-ng
voice = "vi"             # espeak-ng: vi, vi-vn-x-central, vi-vn-x-south
# piper_voice = "vi_VN-vais1000-medium"   # a voice from `loa voice install`; by default
#                                        # the only Vietnamese voice installed, if just one
# piper_model = "/path/to/vi_VN-vais1000-medium.onnx"   # or your own Piper voice file
# voices_url = "https://huggingface.co/rhasspy/piper-voices/resolve/main"   # or a mirror
lead_in = ""             # e.g. "Sau đây là thông báo của Ủy ban nhân dân thị trấn"
reminder = "Xin nhắc lại"
target_lufs = -16.0
# speed = 1.0            # multiplies every engine's pace below (gTTS: < 0.8 reads slowly)

# How each offline engine reads; the defaults, slower than the engines' own pace for
# loudspeakers outdoors. Uncomment a table to change them.
# [speech.piper]
# length_scale = 1.15    # > 1 reads slower (1.0 is the voice's own pace)
# sentence_silence = 0.5 # seconds of silence after each sentence
# speaker = 0            # multi-speaker voices only
#
# [speech.espeak]
# rate = 150             # words per minute (espeak-ng's own is 175)
# sentence_silence = 0.5 # seconds of silence after each sentence

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

[ui]
language = "vi"          # vi | en: what loa prints (loa --lang and LOA_LANG come first)
[calendar]
on_holidays = "quiet"    # quiet: only emergencies air on public holidays | normal

[policy]                 # airtime rules of the province: loa warns when the plan breaks one
# max_sessions_per_day = 2
# max_minutes_per_session = 15
# broadcast_weekdays = "mon-fri"

[roles]                  # who may approve: msg approve and play-now --approve then need
# approvers = ["Nguyễn Văn A", "Trần Thị B"]   # --by naming one of them (any case)
"""
