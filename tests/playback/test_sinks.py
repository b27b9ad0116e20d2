"""One contract for every sink, then what is special about the file sink and make_sink."""

from __future__ import annotations

import json
import re
import threading
import time
import wave
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from loabroadcast.errors import AudioError, InvalidInput
from loabroadcast.playback.device import DeviceSink
from loabroadcast.playback.sinks import (
    FileSink,
    NullSink,
    PlayOutcome,
    Sink,
    make_sink,
)
from loabroadcast.testing import FakeClock, RecordingSink
from loabroadcast.wavfile import read_wav_info

DURATION = 0.5
KINDS = ["null", "file", "recording", "device"]


@pytest.fixture(params=KINDS)
def sink_factory(request, tmp_path):
    """``build(paced=True)`` → a fresh, opened sink of the parametrized kind."""
    kind = request.param
    if kind == "device":
        request.getfixturevalue("pulse")
    made: list[Sink] = []

    def build(paced: bool = True) -> Sink:
        sink: Sink = {
            "null": lambda: NullSink(),
            "file": lambda: FileSink(tmp_path / "out"),
            "recording": lambda: RecordingSink(),  # the real clock: real time
            "device": lambda: DeviceSink(),
        }[kind]()
        sink.open()
        made.append(sink)
        return sink

    build.kind = kind
    yield build
    for sink in made:
        sink.close()


def _play_in_thread(sink: Sink, wav: Path, stop: threading.Event, starts: list[float]):
    result: dict = {}

    def run() -> None:
        try:
            result["outcome"] = sink.play(wav, stop=stop, on_start=starts.append, meta={})
        except Exception as exc:  # handed to the test thread
            result["error"] = exc
        result["returned"] = time.monotonic()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def test_plays_whole_file_in_real_time(sink_factory, make_wav):
    sink = sink_factory(paced=False)
    wav = make_wav(DURATION)
    starts: list[float] = []
    begun = time.monotonic()
    outcome = sink.play(wav, stop=threading.Event(), on_start=starts.append, meta={"title": "t"})
    took = time.monotonic() - begun
    assert isinstance(outcome, PlayOutcome)
    assert outcome.completed is True
    assert outcome.played_s == pytest.approx(DURATION, abs=0.01)
    assert len(starts) == 1
    assert outcome.first_frame_monotonic == starts[0]
    assert begun <= starts[0] <= begun + 0.3  # the device: its buffer's latency
    assert took >= DURATION - 0.05
    assert took < DURATION + 0.5


def test_stop_mid_way_returns_quickly(sink_factory, make_wav):
    sink = sink_factory(paced=True)
    wav = make_wav(1.0)
    stop = threading.Event()
    starts: list[float] = []
    thread, result = _play_in_thread(sink, wav, stop, starts)
    assert _wait(lambda: starts, 1.0), "on_start was not called"
    time.sleep(0.3)
    stopped_at = time.monotonic()
    stop.set()
    thread.join(2.0)
    assert not thread.is_alive()
    assert "error" not in result, result.get("error")
    assert result["returned"] - stopped_at < 0.1
    outcome = result["outcome"]
    assert outcome.completed is False
    assert 0.2 < outcome.played_s < 0.6
    assert len(starts) == 1


def test_stop_before_start_plays_nothing(sink_factory, make_wav):
    sink = sink_factory()
    stop = threading.Event()
    stop.set()
    starts: list[float] = []
    outcome = sink.play(make_wav(DURATION), stop=stop, on_start=starts.append)
    assert outcome == PlayOutcome(False, 0.0, None)
    assert starts == []


def test_missing_file_is_an_audio_error(sink_factory, tmp_path):
    with pytest.raises(AudioError, match="not found"):
        sink_factory().play(tmp_path / "nope.wav", stop=threading.Event())


def test_open_and_close_are_idempotent(sink_factory, make_wav):
    sink = sink_factory()
    sink.open()
    sink.close()
    sink.close()
    sink.open()
    assert sink.play(make_wav(0.1), stop=threading.Event()).completed
    assert isinstance(sink, Sink)


def _wait(predicate, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.002)
    return bool(predicate())


# --------------------------------------------------------------------------- FileSink

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")


def _lines(sink: FileSink) -> list[dict]:
    return [json.loads(line) for line in sink.log_path.read_text("utf-8").splitlines()]


def test_file_sink_writes_copy_and_jsonl(tmp_path, make_wav):
    clock = FakeClock(datetime(2026, 3, 9, 23, 0, 0, 123000, tzinfo=UTC))
    sink = FileSink(tmp_path / "out", clock)
    wav = make_wav(0.3)
    meta = {"message_id": 3, "blocks": ["K1", "K2"], "zones": frozenset({2, 1}), "title": "Tiêm"}
    outcome = sink.play(wav, stop=threading.Event(), meta=meta)
    assert outcome.completed
    [line] = _lines(sink)
    out = Path(line["path"])
    assert out.parent == tmp_path / "out"
    # the first buffer after the stream opened: within 20 ms of the (fake) clock's time
    assert re.fullmatch(r"20260309T230000\.1[2-4]\d_msg3\.wav", out.name), out.name
    assert out.read_bytes() == wav.read_bytes()
    assert line["message_id"] == 3
    assert line["blocks"] == ["K1", "K2"]
    assert line["zones"] == [1, 2]
    assert line["title"] == "Tiêm"
    assert line["completed"] is True
    assert line["played_s"] == pytest.approx(0.3)
    assert ISO_MS.match(line["started_at"]) and ISO_MS.match(line["ended_at"])
    assert line["started_at"][:21] in ("2026-03-09T23:00:00.1",)
    assert line["started_at"] == f"2026-03-09T23:00:00.{out.name[16:19]}+00:00"
    assert "Tiêm" in sink.log_path.read_text("utf-8")  # UTF-8, not \\u escapes


def test_file_sink_stopped_item_is_truncated(tmp_path, make_wav):
    sink = FileSink(tmp_path / "out")
    wav = make_wav(1.0, name="long.wav")
    stop = threading.Event()
    timer = threading.Timer(0.3, stop.set)
    timer.start()
    outcome = sink.play(wav, stop=stop, meta={"message_id": 7})
    timer.join()
    [line] = _lines(sink)
    assert line["completed"] is False
    frames = read_wav_info(Path(line["path"])).frames
    assert frames / 48000 == pytest.approx(outcome.played_s, abs=0.001)
    assert 0.25 < outcome.played_s < 0.45
    with wave.open(line["path"]) as cut, wave.open(str(wav)) as whole:
        assert cut.readframes(frames) == whole.readframes(frames)
    started = datetime.fromisoformat(line["started_at"])
    ended = datetime.fromisoformat(line["ended_at"])
    assert started.tzinfo is not None
    assert 0.25 < (ended - started).total_seconds() < 0.5


def test_file_sink_names_are_unique_and_sortable(tmp_path, make_wav):
    clock = FakeClock(datetime(2026, 3, 10, 0, 0, tzinfo=UTC))
    sink = FileSink(tmp_path / "out", clock)
    wav = make_wav(0.05, name="chime one.wav")
    for _ in range(2):
        sink.play(wav, stop=threading.Event(), meta={"message_id": 1})
    clock.advance(1)
    sink.play(wav, stop=threading.Event())
    names = [Path(line["path"]).name for line in _lines(sink)]
    # the first two start at one fake instant (each on the next 20 ms buffer of its real-
    # time stream, so either may be stamped first); the third a second later sorts after
    assert len(set(names)) == 3 and max(n[:19] for n in names[:2]) < names[2][:19]
    assert all(re.fullmatch(r"20260310T00000[01]\.0\d\d_.*\.wav", n) for n in names), names
    assert names[0].endswith("_msg1.wav") and names[2].endswith("_chime-one.wav")
    assert _lines(sink)[2]["message_id"] is None


def test_file_sink_writes_the_mono_programme_at_the_items_rate(tmp_path, make_wav):
    """What airs is mono 16-bit (the loudspeakers are one channel): stereo is mixed down."""
    sink = FileSink(tmp_path / "out")
    wav = make_wav(0.1, name="stereo.wav", rate=22050, channels=2)
    sink.play(wav, stop=threading.Event())
    out = Path(_lines(sink)[0]["path"])
    info = read_wav_info(out)
    assert (info.channels, info.sample_width, info.rate, info.frames) == (1, 2, 22050, 2205)
    with wave.open(str(out)) as got, wave.open(str(wav)) as sent:
        mono = np.frombuffer(got.readframes(2205), dtype="<i2")
        both = np.frombuffer(sent.readframes(2205), dtype="<i2").reshape(-1, 2)
    assert np.array_equal(mono, both.astype(np.int32).sum(axis=1) // 2)


def test_non_wav_is_an_audio_error(tmp_path):
    bogus = tmp_path / "x.wav"
    bogus.write_bytes(b"ID3 not a wav at all")
    with pytest.raises(AudioError, match="not a PCM WAV"):
        NullSink().play(bogus, stop=threading.Event())


# --------------------------------------------------------------------------- make_sink


@pytest.mark.parametrize(
    ("spec", "kind", "name"),
    [
        ("null", NullSink, "null"),
        (" NULL ", NullSink, "null"),
        ("device", DeviceSink, "device"),
        ("device:USB Audio", DeviceSink, "device:USB Audio"),
        ("file:/var/lib/loa/out", FileSink, "file:/var/lib/loa/out"),
    ],
)
def test_make_sink(spec, kind, name):
    sink = make_sink(spec, FakeClock(datetime(2026, 1, 1, tzinfo=UTC)))
    assert type(sink) is kind
    assert sink.name == name


def test_make_sink_gives_file_sink_the_clock(tmp_path):
    clock = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    sink = make_sink(f"file:{tmp_path}", clock)
    assert sink.clock is clock and sink.directory == tmp_path


@pytest.mark.parametrize("spec", ["", "speaker", "device:", "file:", "null:x", "alsa:hw0"])
def test_make_sink_rejects_bad_specs(spec):
    with pytest.raises(InvalidInput) as info:
        make_sink(spec, None)
    assert "\n" not in str(info.value)
