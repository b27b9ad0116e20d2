"""The ``loa.toml`` that ``loa init`` writes: keys and values as TOML reads them (English,
like the option names), comments in the officer's language from the catalog.

The template is a list of lines: a table header, a setting with an optional comment
after it, or a comment line (a commented-out setting keeps its code: ``# amp = 8``).
Comments are wrapped to ``WIDTH`` columns; a comment after a setting continues on the
next lines at the same column. Standard library only.
"""

from __future__ import annotations

import textwrap

from .i18n import N_, catalog_for, language

WIDTH = 92
COLUMN = 25  # where a comment after a setting starts (as in the English file)


def _header(text: str) -> tuple[str, str, None]:
    return ("table", text, None)


def _set(code: str, comment: str | None = None) -> tuple[str, str, str | None]:
    return ("set", code, comment)


def _note(comment: str, code: str = "") -> tuple[str, str, str | None]:
    """A comment line; with ``code``, a commented-out setting and its comment."""
    return ("note", code, comment)


def _blank() -> tuple[str, str, None]:
    return ("blank", "", None)


def _lines(lang: str, code: str = "default") -> list[tuple[str, str, str | None]]:
    return [
        _note(N_("loabroadcast station settings (loa truyền thanh). Edit and restart the daemon.")),
        _note(N_("Keys stay in English; the text after # is a note for people.")),
        _blank(),
        _header("[station]"),
        _set(f'code = "{code}"', N_("which station of the database this folder is (LOA_STATION)")),
        _set('name = "default"'),
        _set('timezone = "Asia/Ho_Chi_Minh"'),
        _note(
            N_("The station's name above and where it is, printed on reports and on the schedule:")
        ),
        _note("", 'commune = "Thị trấn Khe Sanh"'),
        _note("", 'district = "Huyện Hướng Hóa"'),
        _note("", 'province = "Tỉnh Quảng Trị"'),
        _note(
            N_("default: SQLite in this folder"),
            'db_url = "postgresql+psycopg://loa@localhost/loa"',
        ),
        _blank(),
        _header("[speech]"),
        _set(
            'engine = "auto"',
            N_(
                "auto | gtts | espeak | piper; auto: gTTS when it answers, else an installed "
                "Piper voice, else espeak-ng"
            ),
        ),
        _set('voice = "vi"', N_("espeak-ng: vi, vi-vn-x-central, vi-vn-x-south")),
        _note(
            N_(
                "a voice from `loa voice install`; by default the only Vietnamese voice "
                "installed, if just one"
            ),
            'piper_voice = "vi_VN-vais1000-medium"',
        ),
        _note(
            N_("or your own Piper voice file"),
            'piper_model = "/path/to/vi_VN-vais1000-medium.onnx"',
        ),
        _note(
            N_("or a mirror"),
            'voices_url = "https://huggingface.co/rhasspy/piper-voices/resolve/main"',
        ),
        _set('lead_in = ""', N_('e.g. "Sau đây là thông báo của Ủy ban nhân dân thị trấn"')),
        _set('reminder = "Xin nhắc lại"'),
        _set("target_lufs = -16.0"),
        _note(N_("multiplies every engine's pace below (gTTS: < 0.8 reads slowly)"), "speed = 1.0"),
        _note(
            N_("the station's own chimes (default: shipped)"),
            'chime_in = "/path/to/nhac-hieu-dau.wav"',
        ),
        _note("", 'chime_out = "/path/to/nhac-hieu-cuoi.wav"'),
        _blank(),
        _note(
            N_(
                "How each offline engine reads; the defaults, slower than the engines' own "
                "pace for loudspeakers outdoors. Uncomment a table to change them."
            )
        ),
        _note("", "[speech.piper]"),
        _note(N_("> 1 reads slower (1.0 is the voice's own pace)"), "length_scale = 1.15"),
        _note(N_("seconds of silence after each sentence"), "sentence_silence = 0.5"),
        _note(N_("multi-speaker voices only"), "speaker = 0"),
        _note(""),
        _note("", "[speech.espeak]"),
        _note(N_("words per minute (espeak-ng's own is 175)"), "rate = 150"),
        _note(N_("seconds of silence after each sentence"), "sentence_silence = 0.5"),
        _blank(),
        _header("[schedule]"),
        _set(
            "grace_minutes = 15",
            N_("a programme missed while the daemon was down still airs this late"),
        ),
        _set("item_gap_s = 2.0", N_("seconds of silence between two messages")),
        _blank(),
        _header("[playback]"),
        _set('sink = "null"', N_("device[:NAME] | file:DIR | null")),
        _note(
            N_("audio the sound card keeps queued (a busy PC needs some)"),
            "latency_s = 0.1",
        ),
        _note(
            N_("a programme is settled (claims, verified audio) this early"),
            "prepare_s = 30.0",
        ),
        _note(N_("the dead-air guard: quieter than this (dBFS) …"), "silence_db = -40.0"),
        _note(N_("… for longer than this is dead air, logged and reported"), "silence_s = 10.0"),
        _blank(),
        _set(
            "[relay]",
            N_("tiếp âm: `loa source add`, then `loa msg add --relay CODE --duration 30m`"),
        ),
        _note(
            N_(
                "heard when the source drops (default: a shipped notice "
                '"Mất tín hiệu tiếp âm…"; "chime" for the chime)'
            ),
            'fallback = "/path/to/notice.wav"',
        ),
        _note(N_("seconds of the source held ahead, connected before the item"), "buffer_s = 3.0"),
        _note(N_("a source that sends nothing this long is down"), "connect_timeout_s = 5.0"),
        _note(N_("reconnecting backs off up to this interval"), "retry_max_s = 2.0"),
        _blank(),
        _header("[zones]"),
        _set('driver = "none"', N_("none | command | serial")),
        _note("", 'on = ["/usr/local/bin/relay", "on", "{zone}"]'),
        _note("", 'off = ["/usr/local/bin/relay", "off", "{zone}"]'),
        _note("", 'port = "/dev/ttyUSB0"'),
        _note("", "baud = 9600"),
        _note("", "amp = 8"),
        _set("preroll_s = 3.0", N_("seconds the amplifier warms up before the audio")),
        _set("postroll_s = 2.0"),
        _blank(),
        _header("[ui]"),
        _set(
            f'language = "{lang}"',
            N_("vi | en: what loa prints (loa --lang and LOA_LANG come first)"),
        ),
        _blank(),
        _header("[calendar]"),
        _set(
            'on_holidays = "quiet"',
            N_("quiet: only emergencies air on public holidays | normal"),
        ),
        _blank(),
        _set(
            "[policy]",
            N_("airtime rules of the province: loa warns when the plan breaks one"),
        ),
        _note("", "max_sessions_per_day = 2"),
        _note("", "max_minutes_per_session = 15"),
        _note("", 'broadcast_weekdays = "mon-fri"'),
        _blank(),
        _set(
            "[roles]",
            N_(
                "who may approve: msg approve and play-now --approve then need --by naming "
                "one of them (any case)"
            ),
        ),
        _note("", 'approvers = ["Nguyễn Văn A", "Trần Thị B"]'),
    ]


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=max(width, 20), break_on_hyphens=False) or [""]


def default_config(lang: str | None = None, station: str = "default") -> str:
    """``loa.toml`` with ``[ui] language = lang`` and its comments in ``lang`` (by default
    the language loa speaks now), naming the folder's station ``station`` (its code)."""
    lang = lang or language()
    translate = catalog_for(lang).gettext
    out: list[str] = []
    for kind, code, comment in _lines(lang, station):
        said = translate(comment) if comment else ""
        if kind == "blank":
            out.append("")
        elif kind == "table":
            out.append(code)
        elif kind == "note" and not code:
            out += [f"# {line}".rstrip() for line in _wrap(said, WIDTH - 2)] if said else ["#"]
        else:
            head = f"# {code}" if kind == "note" else code
            if not said:
                out.append(head)
                continue
            column = max(COLUMN, len(head) + 1)
            if column + 2 + len(said) <= WIDTH:
                lines = [said]
            else:
                lines = _wrap(said, max(WIDTH - column - 2, 30))
            lead = "#" if kind == "note" else ""
            out.append(f"{head.ljust(column)}# {lines[0]}")
            out += [f"{lead.ljust(column)}# {line}" for line in lines[1:]]
    return "\n".join(out) + "\n"


__all__ = ["default_config"]
