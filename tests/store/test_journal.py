"""The local as-run journal: fsync'd lines, written into the database in order, exactly once."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime

import pytest

from loabroadcast.errors import StoreError
from loabroadcast.store.airings import AsRun
from loabroadcast.store.journal import OURS, TAKEN, Journal, JournalWriter
from loabroadcast.store.writeback import duplicate_key

T = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)
KEY = "sang/2026-03-10/1"


@pytest.fixture
def mid(station):
    from loabroadcast.services import MessageDraft

    station.add_block("K1", "Khối 1", 1)
    station.add_slot("sang", "06:00", "06:30")
    return station.add_message(
        MessageDraft(title="Một", text="Một hai ba.", blocks=["K1"], slots=["sang"])
    ).message.id


def claim(journal: Journal, key: str, instance: str, message_id: int):
    return journal.append(
        "claim", key=key, instance=instance, at=T.isoformat(), now=T.isoformat(),
        station="test", message_id=message_id, slot_code="sang",
        occurrence_date=date(2026, 3, 10).isoformat(), scheduled_at=T.isoformat(), blocks="K1",
    )  # fmt: skip


def update(journal: Journal, key: str, instance: str, **values):
    return journal.append("update", key=key, instance=instance, at=T.isoformat(), values=values)


def rows(station):
    return [(a.occurrence_key, a.status.value) for a in station.airings(None)]


def writer_for(station, journal, instance="d1", errors=None):
    asrun = AsRun(station.engine, "test", instance, station_id=station.station_id)
    sink = errors.append if errors is not None else (lambda _t: None)
    return JournalWriter(journal, asrun.apply, asrun.journal_mark, sink).start()


def test_lines_are_on_disk_before_append_returns(tmp_path, monkeypatch):
    import loabroadcast.store.journal as journal_module

    synced: list[int] = []
    real = journal_module._datasync
    monkeypatch.setattr(journal_module, "_datasync", lambda fd: (synced.append(fd), real(fd)))
    journal = Journal(tmp_path)
    journal.open()
    synced.clear()
    entry = update(journal, KEY, "d1", status="playing")
    assert synced, "the line was not synced to the disk before append returned"
    assert entry.durable
    text = journal.path.read_bytes()
    assert text.rstrip(b"\0").endswith(b"\n")
    header, line = text.rstrip(b"\0").decode().splitlines()
    assert json.loads(header)["journal"] == journal.id
    assert json.loads(line)["seq"] == entry.seq == 1
    assert len(text) >= 256 << 10  # allocated ahead: appending needs no new blocks
    journal.close()


def test_reopen_keeps_order_and_ignores_a_torn_last_line(tmp_path):
    journal = Journal(tmp_path)
    journal.open()
    for n in range(3):
        update(journal, KEY, "d1", ended_at=f"2026-03-09T23:00:0{n}+00:00")
    journal.close()
    data = bytearray(journal.path.read_bytes())
    end = data.index(b"\0")
    data[end : end + 20] = b'{"seq": 4, "op": "up'  # the power went during a write
    journal.path.write_bytes(bytes(data))
    again = Journal(tmp_path)
    entries = again.open()
    assert [e.seq for e in entries] == [1, 2, 3] and again.id == journal.id
    assert again.append("release", key=KEY, instance="d1").seq == 4
    assert [e.seq for e in Journal(tmp_path).open()] == [1, 2, 3, 4]


def test_written_back_in_order_exactly_once(station, mid, tmp_path):
    journal = Journal(tmp_path)
    journal.open()
    c = claim(journal, KEY, "d1", mid)
    update(journal, KEY, "d1", status="playing", started_at=T.isoformat())
    update(journal, KEY, "d1", ended_at="2026-03-09T23:00:05+00:00")
    update(journal, KEY, "d1", status="played", ended_at="2026-03-09T23:00:09+00:00")
    writer = writer_for(station, journal)
    assert writer.flush(10)
    writer.close()
    journal.close()
    assert c.verdict == OURS
    assert rows(station) == [(KEY, "played")]
    [row] = station.airings(None)
    assert row.ended_at == datetime(2026, 3, 9, 23, 0, 9, tzinfo=UTC)
    # a restart reads the same lines again: the mark says they are in; nothing changes
    again = Journal(tmp_path)
    assert len(again.open()) == 4
    writer = writer_for(station, again)
    assert writer.flush(10)
    assert again.backlog == 0
    writer.close()
    assert rows(station) == [(KEY, "played")]


def test_a_line_applied_before_a_crash_is_not_applied_twice(station, mid, tmp_path):
    """The database took every line, but the daemon died before the journal forgot them:
    replayed, the old progress stamp must not move the end back (nor insert anything)."""
    journal = Journal(tmp_path)
    journal.open()
    claim(journal, KEY, "d1", mid)
    update(journal, KEY, "d1", status="playing", started_at=T.isoformat())
    update(journal, KEY, "d1", ended_at="2026-03-09T23:00:05+00:00")
    update(journal, KEY, "d1", status="played", ended_at="2026-03-09T23:00:09+00:00")
    asrun = AsRun(station.engine, "test", "d1", station_id=station.station_id)
    entries = Journal(tmp_path).open()  # read back, as after a restart
    for entry in entries:
        asrun.apply(journal.id, entry)
    for entry in entries:  # the replay after the crash
        asrun.apply(journal.id, entry)
    [row] = station.airings(None)
    assert (row.status.value, row.ended_at) == ("played", datetime(2026, 3, 9, 23, 0, 9,
                                                                   tzinfo=UTC))  # fmt: skip
    assert asrun.journal_mark(journal.id) == 4
    assert asrun.apply(journal.id, entries[0]) == OURS  # a claim's verdict is still known


def test_a_claim_held_by_another_daemon_is_taken(station, mid, tmp_path):
    first, second = Journal(tmp_path / "a"), Journal(tmp_path / "b")
    for j in (first, second):
        j.path.parent.mkdir()
        j.open()
    a = claim(first, KEY, "d1", mid)
    b = claim(second, KEY, "d2", mid)
    wa = writer_for(station, first, "d1")
    assert first.wait_verdict(a, 10) == OURS
    wb = writer_for(station, second, "d2")  # d1's claim is in: d2's comes second
    assert second.wait_verdict(b, 10) == TAKEN
    wa.close()
    wb.close()
    [row] = station.airings(None)
    assert row.occurrence_key == KEY and station.airings(None)[0].status.value == "claimed"


def test_airing_without_a_claim_logs_both_airings(station, mid, tmp_path):
    """The store could not say in time that another daemon held the occurrence, and both
    aired: the log keeps both, the second one saying so."""
    first, second = Journal(tmp_path / "a"), Journal(tmp_path / "b")
    for j in (first, second):
        j.path.parent.mkdir()
        j.open()
    claim(first, KEY, "d1", mid)
    wa = writer_for(station, first, "d1")
    assert wa.flush(10)
    c = claim(second, KEY, "d2", mid)
    data = {k: v for k, v in c.data.items() if k not in ("key", "instance", "at")}
    second.append("update", key=KEY, instance="d2", at=T.isoformat(), claim=data,
                  values={"status": "playing", "started_at": T.isoformat()})  # fmt: skip
    update(second, KEY, "d2", status="played", ended_at="2026-03-09T23:00:09+00:00")
    wb = writer_for(station, second, "d2")
    assert wb.flush(10)
    wa.close()
    wb.close()
    assert sorted(rows(station)) == sorted([(KEY, "claimed"), (duplicate_key(KEY, "d2"), "played")])
    dup = next(a for a in station.airings(None) if a.occurrence_key != KEY)
    assert "also claimed by d1" in dup.error


def test_the_writer_waits_while_the_store_refuses_and_catches_up(station, mid, tmp_path):
    journal = Journal(tmp_path)
    journal.open()
    asrun = AsRun(station.engine, "test", "d1", station_id=station.station_id)
    gate = threading.Event()
    calls: list[int] = []

    def flaky(journal_id, entry):
        calls.append(entry.seq)
        if not gate.is_set():
            raise StoreError("database error: database is locked")
        return asrun.apply(journal_id, entry)

    errors: list = []
    writer = JournalWriter(journal, flaky, asrun.journal_mark, errors.append).start()
    c = claim(journal, KEY, "d1", mid)
    assert journal.wait_verdict(c, 0.5) is None  # no answer in time: air anyway
    update(journal, KEY, "d1", status="played", ended_at="2026-03-09T23:00:09+00:00")
    assert journal.backlog == 2 and not writer.healthy
    assert any("database is locked" in str(e) for e in errors)
    gate.set()
    assert writer.flush(15)
    writer.close()
    assert rows(station) == [(KEY, "played")]
    assert errors[-1] is None  # the condition cleared
    assert calls.count(1) >= 2  # retried, applied once


def test_unfinished_after_a_crash(tmp_path):
    journal = Journal(tmp_path)
    journal.open()
    claim(journal, "s/2026-03-10/1", "old", 1)
    claim(journal, "s/2026-03-10/2", "old", 2)
    claim(journal, "s/2026-03-10/3", "old", 3)
    update(journal, "s/2026-03-10/1", "old", status="playing", started_at=T.isoformat())
    update(journal, "s/2026-03-10/1", "old", ended_at="2026-03-09T23:00:04+00:00")
    update(journal, "s/2026-03-10/3", "old", status="played")
    journal.close()
    again = Journal(tmp_path)
    again.open()
    claimed, playing = again.unfinished()
    assert claimed == ["s/2026-03-10/2"]
    [(key, state)] = playing
    assert key == "s/2026-03-10/1" and state["ended_at"] == "2026-03-09T23:00:04+00:00"


def test_dead_air_events_ride_on_the_last_line_and_are_written_once(station, mid, tmp_path):
    """The dead-air guard's events go journal-first with the item's end: one ``dead_air``
    row each, not two after a replay; a relay's facts land in their columns."""
    from loabroadcast.store import db
    from loabroadcast.store.models import DeadAirRow

    journal = Journal(tmp_path)
    journal.open()
    claim(journal, KEY, "d1", mid)
    update(journal, KEY, "d1", status="playing", started_at=T.isoformat())
    event = {"started_at": "2026-03-09T23:00:03+00:00", "length_s": 11.5}
    update(journal, KEY, "d1", status="played", ended_at="2026-03-09T23:00:30+00:00",
           dead_air_s=11.5, dead_air=[event], relay_source="TINH", dropouts=2,
           fallback_s=7.25)  # fmt: skip
    asrun = AsRun(station.engine, "test", "d1", station_id=station.station_id)
    entries = Journal(tmp_path).open()
    for entry in [*entries, *entries]:  # the second pass is the replay after a crash
        asrun.apply(journal.id, entry)
    [row] = station.airings(None)
    assert (row.dead_air_s, row.relay_source, row.dropouts, row.fallback_s) == (
        11.5, "TINH", 2, 7.25,
    )  # fmt: skip
    with db.read_session(station.engine) as s:
        found = [(r.started_at, r.length_s) for r in s.query(DeadAirRow).all()]
    assert found == [(datetime(2026, 3, 9, 23, 0, 3, tzinfo=UTC), 11.5)]
