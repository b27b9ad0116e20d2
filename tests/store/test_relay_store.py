"""Relays in the store (issue 13), on SQLite and PostgreSQL: sources, relay messages and
their versions on both read paths, the as-run fields, and migration 0019 with data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from loabroadcast.domain.content import ContentKind, SourceKind
from loabroadcast.errors import Conflict, InvalidInput, NotFound
from loabroadcast.services import MessageDraft, Station, init_station
from loabroadcast.store import db, queries, versions
from loabroadcast.store.airings import AsRun
from loabroadcast.store.models import DeadAirRow
from loabroadcast.store.reader import Reader
from loabroadcast.usecases.sources import Sources

D = date(2026, 3, 10)
URL = "http://radio.example.vn:8000/tinh.mp3"


@pytest.fixture
def town(settings, clock):
    init_station(settings)
    st = Station.open(settings, clock)
    st.add_block("K1", "Khối 1", zone=1)
    st.add_slot("sang", "06:00", "06:45")
    Sources(st).add("TINH", URL, "Đài tỉnh")
    yield st
    st.close()


def relay(st, duration_s=1800.0, source="TINH") -> int:
    draft = MessageDraft(title="Thời sự", relay=source, duration_s=duration_s, blocks=["K1"],
                         slots=["sang"])  # fmt: skip
    return st.add_message(draft).message.id


def test_sources(town):
    sources = Sources(town)
    found = sources.add("THU", "input:USB", None)
    assert (found.kind, found.device, found.url, found.name) == (SourceKind.INPUT, "USB", None, "")
    assert [s.code for s in sources.sources()] == ["THU", "TINH"]
    assert sources.source("TINH").url == URL
    with pytest.raises(Conflict, match="^source TINH already exists$"):
        sources.add("TINH", "input")
    with pytest.raises(InvalidInput):
        sources.add("X", "rtsp://cam/1")
    sources.remove("THU")
    with pytest.raises(NotFound, match="^no source THU$"):
        sources.remove("THU")


def test_a_relay_on_both_read_paths(town):
    mid = relay(town)
    town.approve(mid, "Chủ tịch")
    with Reader.on_engine(town.engine) as reader:
        [read] = queries.approved_between(reader, town.scope, D, D)
        [listed] = queries.messages(reader, town.scope)
    with db.read_session(town.engine) as s:
        orm = versions.approved_message(s, town.scope, mid)
    assert read == orm
    assert (read.content_kind, read.relay_source, read.duration_s) == (
        ContentKind.RELAY, "TINH", 1800.0,
    )  # fmt: skip
    assert (listed.content_kind, listed.relay_source) == (ContentKind.RELAY, "TINH")
    [programme] = town.schedule(D, 1)
    [item] = programme.items
    assert (item.duration_s, item.estimated, item.relay_source) == (1800.0, False, "TINH")


def test_kinds_follow_the_content(town, tmp_path):
    spoken = town.add_message(MessageDraft(title="Họp", text="Họp tổ.", blocks=["K1"],
                                           slots=["sang"])).message  # fmt: skip
    assert (spoken.content_kind, spoken.relay_source, spoken.duration_s) == (
        ContentKind.SPEECH, None, None,
    )  # fmt: skip
    mid = relay(town)
    edited = town.edit_message(mid, MessageDraft(text="Thông báo.")).message
    assert (edited.content_kind, edited.relay_source, edited.duration_s) == (
        ContentKind.SPEECH, None, None,
    )  # fmt: skip
    back = town.edit_message(mid, MessageDraft(relay="TINH", duration_s=60.0)).message
    assert (back.content_kind, back.text, back.duration_s) == (ContentKind.RELAY, None, 60.0)
    assert [v.content_kind for v in town.versions(mid)] == [
        ContentKind.RELAY, ContentKind.SPEECH, ContentKind.RELAY,
    ]  # fmt: skip


def test_a_source_relayed_by_an_approved_version_stays(town):
    mid = relay(town)
    town.approve(mid)
    town.edit_message(mid, MessageDraft(text="Thông báo."))  # the relay still airs
    with pytest.raises(Conflict, match=f"relayed by message\\(s\\) {mid}"):
        Sources(town).remove("TINH")
    town.reject(mid, "chưa đúng")  # the approved relay airs on
    with pytest.raises(Conflict):
        Sources(town).remove("TINH")
    town.cancel(mid)
    Sources(town).remove("TINH")


def test_an_airings_relay_fields_and_dead_air_events(town, clock):
    mid = relay(town)
    town.approve(mid)
    start = clock.now()
    asrun = AsRun(town.engine, "default", "t", station_id=town.station_id)
    rid = asrun.claim("k1", now=start, message_id=mid, scheduled_at=start)
    asrun.update(rid, status="played", started_at=start, ended_at=start + timedelta(minutes=30),
                 relay_source="TINH", dropouts=1, fallback_s=6.5, dead_air_s=12.0)  # fmt: skip
    with db.write_session(town.engine) as s:
        s.add(DeadAirRow(airing_id=rid, started_at=start + timedelta(minutes=3), length_s=12.0))
    [airing] = town.airings(None)
    assert (airing.relay_source, airing.dropouts, airing.fallback_s, airing.dead_air_s) == (
        "TINH", 1, 6.5, 12.0,
    )  # fmt: skip


def test_migration_0019_keeps_the_data_and_can_go_back(settings, clock, migrator):
    from alembic import command

    engine, migrate = migrator

    migrate(command.upgrade, "0018")
    t = datetime(2026, 3, 1, 8, tzinfo=UTC)
    with engine.begin() as conn:

        def run(sql, **params):
            conn.execute(text(sql), params)

        run("INSERT INTO blocks (id, code, name, zone) VALUES (1, 'K1', 'Khối 1', 1)")
        run('INSERT INTO slots (id, code, name, start, "end", weekdays) '
            "VALUES (1, 'sang', '', '06:00:00', '06:30:00', '0123456')")  # fmt: skip
        # ids the sequence will not hand out next (PostgreSQL): a relay is added later
        for mid, body, audio in ((11, "Họp tổ.", None), (12, None, "/rec/a.mp3")):
            run("INSERT INTO messages (id, title, text, audio_path, priority, status, "
                "all_blocks, repeat, created_at, updated_at, version, approved_version) VALUES "
                "(:id, 'T', :text, :audio, 0, 'approved', :every, 1, :t, :t, 1, 1)",
                id=mid, text=body, audio=audio, every=False, t=t)  # fmt: skip
            run("INSERT INTO message_versions (message_id, number, title, text, audio_path, "
                "all_blocks, blocks, slots, priority, repeat, created_at, approved_at) VALUES "
                "(:id, 1, 'T', :text, :audio, :every, 'K1', 'sang', 0, 1, :t, :t)",
                id=mid, text=body, audio=audio, every=False, t=t)  # fmt: skip
            run("INSERT INTO message_blocks VALUES (:m, 1)", m=mid)
            run("INSERT INTO message_slots VALUES (:m, 1)", m=mid)
        run("INSERT INTO airings (occurrence_key, station, message_id, status, blocks, zones, "
            "created_at) VALUES ('default/sang/2026-03-01/11', 'default', 11, 'played', '', '', "
            ":t)", t=t)  # fmt: skip
    migrate(command.upgrade, "head")
    st = Station.open(settings, clock)
    assert [st.message(m).content_kind for m in (11, 12)] == [
        ContentKind.SPEECH, ContentKind.RECORDING,
    ]  # fmt: skip
    assert [st.versions(m)[0].content_kind for m in (11, 12)] == [
        ContentKind.SPEECH, ContentKind.RECORDING,
    ]  # fmt: skip
    [airing] = st.airings(None)
    assert (airing.dead_air_s, airing.relay_source, airing.dropouts) == (None, None, None)
    Sources(st).add("TINH", URL)
    mid = relay(st)
    st.close()
    migrate(command.downgrade, "0018")
    with engine.begin() as conn:
        kept = conn.execute(text("SELECT id, status FROM messages ORDER BY id")).all()
    assert set(kept) == {(mid, "cancelled"), (11, "approved"), (12, "approved")}
    migrate(command.upgrade, "head")
    st = Station.open(settings, clock)
    assert st.message(mid).content_kind is ContentKind.SPEECH  # the relay was undone
    st.close()
    engine.dispose()
