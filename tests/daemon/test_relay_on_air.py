"""Relays (tiếp âm) and the dead-air guard on the air path, with a real ``loa daemon``: the
file sink, slots a few seconds ahead, a real Icecast fed with a tone by ffmpeg (the
``ice`` fixture), short lengths. What the sink got is analysed block by block: its level
and its main frequency tell the live tone (440 Hz), the fallback (a 1200 Hz tone the
station configures) and silence apart."""

from __future__ import annotations

import signal
import time
import wave
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from loabroadcast.domain import Priority
from loabroadcast.services import MessageDraft
from loabroadcast.usecases.sources import Sources

pytestmark = pytest.mark.slow

TONE, FALLBACK = 440.0, 1200.0
TONE_DB = -21.1  # ffmpeg's sine source: amplitude 1/8
BLOCK_S = 0.1
ON_TIME = timedelta(milliseconds=5)  # the file sink places frames exactly (ms stamps)


def write_tone(path: Path, parts, rate: int = 48000) -> Path:
    """A WAV of (frequency or None for silence, seconds) parts at −20 dBFS."""
    chunks = []
    for freq, seconds in parts:
        t = np.arange(int(seconds * rate)) / rate
        wave_ = 0.1 * np.sqrt(2) * np.sin(2 * np.pi * freq * t) if freq else 0 * t
        chunks.append((wave_ * 32767).astype("<i2"))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.concatenate(chunks).tobytes())
    return path


def blocks(path: Path) -> list[tuple[float, float]]:
    """(level dBFS, main frequency Hz) of each 0.1 s block of a mono WAV."""
    with wave.open(str(path)) as w:
        rate = w.getframerate()
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2") / 32768.0
    n = int(rate * BLOCK_S)
    out = []
    for i in range(len(samples) // n):
        block = samples[i * n : (i + 1) * n]
        rms = float(np.sqrt(np.mean(block**2)))
        level = 20 * np.log10(rms) if rms > 1e-6 else -120.0
        spectrum = np.abs(np.fft.rfft(block * np.hanning(n)))
        out.append((level, float(np.argmax(spectrum) * rate / n)))
    return out


def kinds(found: list[tuple[float, float]]) -> str:
    """One letter a block: L live tone, F fallback, . silence, ? anything else."""

    def kind(level, freq):
        if level < -50:
            return "."
        if abs(freq - TONE) <= 20:
            return "L"
        if abs(freq - FALLBACK) <= 20:
            return "F"
        return "?"

    return "".join(kind(*b) for b in found)


def item_wav(live, message_id: int, nth: int = 0) -> Path:
    lines = [x for x in live.jsonl() if x["message_id"] == message_id]
    return Path(lines[nth]["path"])


def relay_message(live, code: str, seconds: float, slots: str, priority="normal") -> int:
    draft = MessageDraft(
        title=f"Tiếp âm {code}", relay=code, duration_s=seconds, blocks=["all"],
        slots=slots.split(","), priority=Priority.parse(priority),
    )  # fmt: skip
    mid = live.station.add_message(draft).message.id
    live.station.approve(mid, "test")
    return mid


def relay_station(live, ice, *, silence_s: float = 1.5) -> None:
    fallback = write_tone(live.home / "fallback.wav", [(FALLBACK, 0.5)])
    live.configure(
        f"[playback]\nsilence_s = {silence_s}\nprepare_s = 4.0\n\n"
        f'[relay]\nfallback = "{fallback}"\nbuffer_s = 1.0\nretry_max_s = 0.5\n'
        "connect_timeout_s = 2.0"
    )


def stop_daemon(live) -> None:
    """SIGTERM: the daemon stops its sources (their ffmpeg) on the way out."""
    for proc in live.procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(15)


def at(row, key) -> datetime:
    return datetime.fromisoformat(row[key])


def settled(rows, n: int) -> bool:
    return len([r for r in rows if r["status"] not in ("claimed", "playing")]) >= n


def test_a_relay_airs_the_tone_from_its_first_second_falls_back_and_resumes(live, ice):
    relay_station(live, ice)
    feeder = ice.feed("tinh.mp3", TONE)
    Sources(live.station).add("TINH", feeder.url)
    start = live.slot_in("a", 5)
    mid = relay_message(live, "TINH", 8, "a")
    live.start_daemon()
    time.sleep(max(0.0, (start - datetime.now(start.tzinfo)).total_seconds() + 1.5))
    feeder.kill()  # the upstream dies 1.5 s into the relay
    time.sleep(2.5)
    feeder.start()  # back 2.5 s later: the relay resumes live
    [row] = live.wait_for(lambda r: settled(r, 1), timeout=30, what="the relay aired")
    stop_daemon(live)
    assert (row["status"], row["relay_source"], row["dropouts"]) == ("played", "TINH", 1)
    assert abs(at(row, "started_at") - start) <= ON_TIME
    assert row["aired_s"] == pytest.approx(8.0, abs=0.05)
    found = blocks(item_wav(live, mid))
    first_second = found[:10]
    assert kinds(first_second) == "L" * 10  # the tone from the instant on
    assert np.mean([level for level, _f in first_second]) == pytest.approx(TONE_DB, abs=1.0)
    shape = kinds(found)
    # live, a moment of silence at most (the 0.3 s grace), the fallback, live again
    assert shape.startswith("LLLLLLLLLLLLLLL"), shape
    assert "F" in shape and shape.rstrip("L?").endswith("F") and shape.endswith("LLLLL"), shape
    assert "." * 5 not in shape  # never silent for anything near silence_s
    assert shape.count("?") <= 4  # a block that mixes two kinds at each switch, no more
    assert row["fallback_s"] == pytest.approx(shape.count("F") * BLOCK_S, abs=0.5)
    assert row["dead_air_s"] == 0.0
    human = live.loa("log", "--all")
    assert "(relay of TINH, 0:08 live, 1 dropout, fallback" in human.stdout, human.stdout


def test_an_unreachable_source_fails_and_the_next_item_airs_on_time(live, ice):
    relay_station(live, ice)
    Sources(live.station).add("GONE", ice.url("khong-co.mp3"))
    start = live.slot_in("a", 5)
    relay = relay_message(live, "GONE", 4, "a", priority="priority")
    after = live.add("Sau", live.TINY, "a")
    live.start_daemon()
    rows = live.wait_for(lambda r: settled(r, 2), timeout=30, what="both items settled")
    stop_daemon(live)
    failed, played = (next(r for r in rows if r["message_id"] == m) for m in (relay, after))
    assert (failed["status"], failed["relay_source"]) == ("failed", "GONE")
    assert "relay source GONE could not be reached" in failed["error"]
    assert "404" in failed["error"]
    assert played["status"] == "played"
    assert abs(at(played, "started_at") - at(played, "scheduled_at")) <= ON_TIME
    assert at(played, "scheduled_at") >= start + timedelta(seconds=4)  # the relay's place kept


def test_an_emergency_cuts_into_a_relay_and_the_relay_resumes_live(live, ice):
    relay_station(live, ice)
    feeder = ice.feed("tinh.mp3", TONE)
    Sources(live.station).add("TINH", feeder.url)
    live.slot_in("a", 5)
    mid = relay_message(live, "TINH", 6, "a")
    live.station.add_slot("b", "00:00:00", "00:00:01")  # a slot that never matters
    storm = live.add("Bão số 4", live.TINY, "b")
    live.start_daemon()
    live.wait_for(lambda r: any(x["status"] == "playing" for x in r), what="the relay on air")
    time.sleep(1.5)
    result = live.loa("play-now", str(storm), "--by", "Chủ tịch")
    assert result.returncode == 0, result.stderr
    rows = live.wait_for(
        lambda r: [x["status"] for x in r if x["message_id"] == mid] == ["preempted", "played"],
        timeout=30,
        what="the relay cut, the emergency, the relay again",
    )
    stop_daemon(live)
    pre, emergency, again = rows
    assert (emergency["message_id"], emergency["status"]) == (storm, "played")
    assert pre["relay_source"] == again["relay_source"] == "TINH"
    assert at(again, "started_at") >= at(emergency, "ended_at")
    # the relay resumes for what was left of its 6 s, live from its first block
    assert pre["aired_s"] + again["aired_s"] == pytest.approx(6.0, abs=0.1)
    resumed = kinds(blocks(item_wav(live, mid, 1)))
    assert resumed.startswith("LLLLL") and "F" not in resumed, resumed


def test_the_dead_air_guard_hears_a_recording_that_goes_silent_midway(live, ice):
    relay_station(live, ice, silence_s=1.0)
    recording = write_tone(live.home / "rec.wav", [(600.0, 1.0), (None, 2.5), (600.0, 1.0)])
    live.slot_in("a", 5)
    draft = MessageDraft(title="Ghi âm", audio=recording, blocks=["all"], slots=["a"])
    mid = live.station.add_message(draft).message.id
    live.station.approve(mid, "test")
    live.start_daemon()
    [row] = live.wait_for(lambda r: settled(r, 1), timeout=30, what="the recording aired")
    assert row["status"] == "played"
    assert row["dead_air_s"] == pytest.approx(2.5, abs=0.25)
    status = live.status()
    assert f"dead air on message {mid}" in status["last_error"]["text"]
    stop_daemon(live)
    from loabroadcast.store import db
    from loabroadcast.store.models import DeadAirRow

    with db.read_session(live.station.engine) as s:
        [event] = s.query(DeadAirRow).all()
    # the event begins where the sink's audio went quiet: after the chime and the tone
    found = blocks(item_wav(live, mid))
    tone = next(i for i, (_level, freq) in enumerate(found) if abs(freq - 600.0) <= 20)
    quiet = next(i for i in range(tone, len(found)) if found[i][0] < -50) * BLOCK_S
    began = (event.started_at - at(row, "started_at")).total_seconds()
    assert began == pytest.approx(quiet, abs=0.15)
    assert event.length_s == pytest.approx(2.5, abs=0.25)
