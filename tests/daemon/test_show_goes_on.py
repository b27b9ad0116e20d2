"""Issue 10, the air path: nothing the store, the disk or a stray file does can delay, skip
or falsify an airing. A real ``loa daemon`` process, the file sink, relays through a
command, SQLite (and PostgreSQL where two daemons share a database)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import wave
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from livestation import hold_database, monotonic_of
from loabroadcast.services import MessageDraft
from missing import missing

pytestmark = pytest.mark.slow

ON_TIME = timedelta(milliseconds=5)  # the file sink places frames exactly: ms truncation
GAP = timedelta(seconds=0.5)  # item_gap_s in the live station


def played(rows, n):
    return len([r for r in rows if r["status"] == "played"]) >= n


def at(row, key):
    return datetime.fromisoformat(row[key])


def test_a_lock_from_3_s_before_to_7_s_after_the_slot_moves_nothing(live):
    start = live.slot_in("a", 5)
    first = live.add("Một", live.TINY, "a", priority="priority")
    second = live.add("Hai", live.TINY, "a", blocks="K1")
    live.start_daemon()
    holder = hold_database(live.home / "loa.db", monotonic_of(start) - 3, monotonic_of(start) + 7)
    holder.join(30)
    rows = live.wait_for(lambda r: played(r, 2), what="both items played")
    one, two = (next(x for x in rows if x["message_id"] == m) for m in (first, second))
    assert abs(at(one, "started_at") - start) <= ON_TIME, at(one, "started_at") - start
    assert abs(at(two, "started_at") - at(one, "ended_at") - GAP) <= ON_TIME
    sink = {line["message_id"]: line for line in live.jsonl()}
    assert abs(at(sink[first], "started_at") - start) <= ON_TIME  # what the "card" got
    assert [r["status"] for r in rows] == ["played", "played"]


def test_a_lock_held_longer_than_the_busy_timeout(live):
    """18 s from before the programme is settled: the claims cannot be written, the
    programme airs on time anyway, `loa status` says what waits, and the log is written
    once the lock goes, exactly once."""
    live.configure("[playback]\nprepare_s = 4.0")
    start = live.slot_in("a", 9)
    first = live.add("Một", live.TINY, "a", priority="priority")
    second = live.add("Hai", live.TINY, "a")
    live.start_daemon()
    begin = monotonic_of(start) - 6.5
    holder = hold_database(live.home / "loa.db", begin, begin + 18)
    time.sleep(max(0.0, monotonic_of(start) + 9 - time.monotonic()))
    assert live.log() == []  # nothing could be written...
    sink = live.jsonl()
    assert [line["message_id"] for line in sink] == [first, second]  # ...but it aired
    assert abs(at(sink[0], "started_at") - start) <= ON_TIME
    status = live.status()
    assert status["daemon"]["running"] and status["daemon"]["journal_backlog"] > 0
    assert "the database has taken no as-run writes" in status["last_error"]["text"]
    holder.join(30)
    rows = live.wait_for(lambda r: played(r, 2), timeout=30, what="the journal written back")
    assert [(r["message_id"], r["status"]) for r in rows] == [(first, "played"), (second, "played")]
    assert abs(at(rows[0], "started_at") - start) <= ON_TIME
    assert at(rows[0], "started_at") == at(sink[0], "started_at")
    time.sleep(1.5)
    status = live.status()
    assert status["daemon"]["journal_backlog"] == 0 and status["daemon"]["problems"] == {}
    assert len(live.log()) == 2


def test_the_replaced_programme_wav_does_not_air(live):
    """Replaced 0.5 s before the slot, after the daemon read and checked it: the approved
    bytes air, and the log says which bytes aired."""
    start = live.slot_in("a", 5)
    mid = live.add("Một", live.TINY, "a")
    live.station.add_slot("b", "00:00:00", "00:00:01")  # a slot that never matters here
    other = live.add("Khác", "Một tin hoàn toàn khác, không được duyệt cho giờ này.", "b")
    approved = live.station.render_info(mid)
    stranger = live.station.render_info(other)
    approved_frames = frames_of(Path(approved["path"]))
    live.start_daemon()
    time.sleep(max(0.0, monotonic_of(start) - 0.5 - time.monotonic()))
    tmp = Path(approved["path"]).with_suffix(".swap")
    shutil.copyfile(stranger["path"], tmp)
    os.replace(tmp, approved["path"])
    [row] = live.wait_for(lambda r: played(r, 1), what="the item played")
    assert row["render_sha256"] == approved["sha256"]
    [line] = live.jsonl()
    assert np.array_equal(frames_of(Path(line["path"])), approved_frames)


def test_a_swapped_recording_is_refused_and_flagged(live, tmp_path):
    live.slot_in("a", 6)
    recording = tone_wav(tmp_path / "ghi-am.wav", 440.0)
    saved = live.station.add_message(
        MessageDraft(title="Ghi âm", audio=recording, blocks=["K1"], slots=["a"])
    )
    mid = saved.message.id
    live.station.approve(mid, "test")
    message = live.station.message(mid)
    render = live.station.render_info(mid)
    tone_wav(Path(message.audio_path), 880.0)  # the copy in recordings/ replaced...
    Path(render["path"]).unlink()  # ...and the approved programme deleted
    live.start_daemon()
    [row] = live.wait_for(lambda r: r and r[0]["status"] == "failed", what="the item refused")
    assert "changed since it was approved" in row["error"]
    assert live.jsonl() == []  # nothing aired in its place
    status = live.status()
    assert [f["message_id"] for f in status["flagged"]] == [mid]
    assert "changed since it was approved" in live.station.render_info(mid)["flagged"]
    human = live.loa("status").stdout
    assert f"refused: message {mid} (Ghi âm)" in human


def test_kill_9_with_zones_on(live):
    """The relays go off without the daemon (what ExecStopPost runs), `loa status` knows
    at once, the interrupted item keeps how long it aired, nothing airs twice, and the
    restarted daemon switches every zone off before anything else."""
    live.slot_in("a", 5)
    medium = live.add("Tin vừa", live.MEDIUM, "a", priority="priority")
    short = live.add("Tin ngắn", live.TINY, "a")
    proc = live.start_daemon()
    live.wait_for(
        lambda r: any(x["message_id"] == medium and x["status"] == "playing" for x in r),
        what="the item on air",
    )
    time.sleep(4.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    killed, killed_at = time.monotonic(), datetime.now().astimezone()
    assert live.relays()[-2:] == ["on 1", "on 2"]  # killed with the zones on
    assert live.status()["daemon"]["running"] is False
    assert time.monotonic() - killed < 3.0
    assert live.loa("status").stdout.startswith("daemon: NOT running")
    off = live.loa("zone", "all-off")
    assert off.returncode == 0, off.stderr
    assert off.stdout == "every zone and the amplifier are off\n"
    assert live.relays()[-8:] == [f"off {z}" for z in range(1, 9)]
    before_restart = len(live.relays())
    live.start_daemon()
    rows = live.wait_for(
        lambda r: any(x["message_id"] == short and x["status"] == "played" for x in r),
        what="the rest of the slot after the restart",
    )
    by_message: dict[int, list[str]] = {}
    for row in rows:
        by_message.setdefault(row["message_id"], []).append(row["status"])
    assert by_message == {medium: ["interrupted"], short: ["played"]}
    assert [line["message_id"] for line in live.jsonl()].count(short) == 1
    assert live.relays()[before_restart : before_restart + 8] == [f"off {z}" for z in range(1, 9)]
    cut = next(x for x in rows if x["message_id"] == medium)
    # stamped every 2 s while it aired: the log keeps all but the last stamp's worth
    assert at(cut, "ended_at") - at(cut, "started_at") >= timedelta(seconds=2.5)
    lost = killed_at - at(cut, "ended_at")
    assert timedelta(0) <= lost <= timedelta(seconds=2.2), lost


def test_the_unit_switches_the_relays_off_after_any_stop():
    unit = (Path(__file__).resolve().parents[2] / "scripts" / "loabroadcast.service").read_text()
    lines = [line.strip() for line in unit.splitlines()]
    assert any(line.startswith("ExecStopPost=") and line.endswith("loa zone all-off")
               for line in lines)  # fmt: skip
    assert "LimitRTPRIO=20" in lines and "RestrictRealtime=no" in lines


def test_all_off_refuses_while_the_daemon_runs(live):
    live.start_daemon()
    deadline = time.monotonic() + 20
    while not live.status()["daemon"]["running"] and time.monotonic() < deadline:
        time.sleep(0.2)
    result = live.loa("zone", "all-off")
    assert result.returncode == 1
    assert result.stderr.startswith("loa: error: the daemon is running (pid ")
    assert live.loa("zone", "all-off", "--force").returncode == 0


def frames_of(path: Path) -> np.ndarray:
    with wave.open(str(path)) as reader:
        return np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")


def tone_wav(path: Path, freq: float, seconds: float = 0.8, rate: int = 44100) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes((0.3 * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2").tobytes())
    return path


def test_two_daemons_on_one_database_with_different_names_air_each_item_once(tmp_path, db_kind):
    """Two station folders, two names in loa.toml, one database: every item airs once."""
    from livestation import make_live, stop_live

    if db_kind == "postgres":
        from pgtools import fresh_pg_url

        url = fresh_pg_url()
    else:
        url = f"sqlite:///{tmp_path / 'shared.db'}"
    folders = [tmp_path / "a", tmp_path / "b"]
    for folder in folders:
        folder.mkdir()
    a = make_live(folders[0], folders[0] / "home", name="xa-a", db_url=url)
    b = make_live(folders[1], folders[1] / "home", name="xa-b", db_url=url, blocks=False)
    try:
        a.slot_in("s", 5)
        ids = [a.add("Một", a.TINY, "s", priority="priority"), a.add("Hai", a.TINY, "s")]
        a.start_daemon()
        b.start_daemon()
        rows = a.wait_for(lambda r: played(r, 2), what="both items played")
        time.sleep(1.0)  # a second airing would be on its way by now
        aired = [line["message_id"] for line in a.jsonl() + b.jsonl()]
        assert sorted(aired) == sorted(ids)
        assert [(r["message_id"], r["status"]) for r in a.log()] == [
            (ids[0], "played"),
            (ids[1], "played"),
        ]
        assert all("/" in r["slot"] or r["slot"] == "s" for r in rows)
    finally:
        stop_live(a)
        stop_live(b)


def test_a_full_disk_neither_stops_the_air_nor_hides_the_daemon(tmp_path):
    """The station folder (database, journal, audio) on a disk that fills up: the
    programme airs from memory, `loa status` says the daemon runs and what is wrong, and
    once space is back the log is written, by itself."""
    from livestation import make_live, stop_live

    home = tmp_path / "home"
    home.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(home)], capture_output=True
    )
    if mounted.returncode:
        missing("a full disk", f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    ls = None
    try:
        ls = make_live(tmp_path, home)
        start = ls.slot_in("a", 6)
        first = ls.add("Một", ls.TINY, "a", priority="priority")
        second = ls.add("Hai", ls.TINY, "a")
        ls.start_daemon()
        ls.wait_for(lambda r: len(r) == 2, what="the claims")  # settled ahead
        filler = home / "filler"
        with open(filler, "wb") as handle, pytest.raises(OSError):
            while True:
                handle.write(b"\0" * (1 << 20))
                handle.flush()
        deadline = monotonic_of(start) + 15
        while len(ls.jsonl()) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        sink = ls.jsonl()
        assert [line["message_id"] for line in sink] == [first, second]
        assert abs(at(sink[0], "started_at") - start) <= ON_TIME
        assert {r["status"] for r in ls.log()} == {"claimed"}  # nothing more could be written
        status = ls.status()
        assert status["daemon"]["running"] is True
        text = status["last_error"]["text"]
        assert "no as-run writes" in text and "database or disk is full" in text, text
        filler.unlink()
        rows = ls.wait_for(lambda r: played(r, 2), timeout=30, what="the log written back")
        assert [(r["message_id"], r["status"]) for r in rows] == [
            (first, "played"),
            (second, "played"),
        ]
        time.sleep(1.5)
        assert ls.status()["daemon"]["problems"] == {}
    finally:
        if ls is not None:
            stop_live(ls)
        subprocess.run(["umount", "-l", str(home)], check=False)
