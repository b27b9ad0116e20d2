"""The audit trail and message versions in the store, on SQLite and PostgreSQL: the
database refuses to change the trail; a change and its audit row commit together; the
planner and the read path use the approved version; the as-run row points to the version
that aired; migration 0017 keeps the data; two processes writing at once stay consistent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from dataclasses import fields, replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import inspect, text

from loabroadcast.domain import Message
from loabroadcast.domain.versions import MessageVersion
from loabroadcast.errors import Conflict, StoreError
from loabroadcast.services import MessageDraft, Station, init_station
from loabroadcast.store import db, queries, records, versions
from loabroadcast.store.airings import AsRun, occurrence_key, play_now_key
from loabroadcast.store.models import (
    AiringRow,
    AuditRow,
    BlockRow,
    MessageRow,
    MessageVersionRow,
)
from loabroadcast.store.reader import Reader
from loabroadcast.usecases.audit import AuditTrail
from loabroadcast.usecases.files import Dictionary
from loabroadcast.usecases.work import Actor

D = date(2026, 3, 10)  # the clock fixture's day, a Tuesday
TEXT = "Họp tổ dân phố lúc 19 giờ."


@pytest.fixture
def town(settings, clock):
    settings = replace(settings, speech=replace(settings.speech, render_on_approve=False))
    init_station(settings)
    st = Station.open(settings, clock, actor=Actor.of("Chị Lan", "test"))
    st.add_block("K1", "Khối 1", 1)
    st.add_block("K2", "Khối 2", 2)
    st.add_slot("sang", "06:00", "06:30")
    st.add_slot("toi", "19:00", "19:30")
    yield st
    st.close()


def add(st, title="Họp", **fields) -> int:
    fields = {"text": TEXT, "blocks": ["K1"], "slots": ["sang"]} | fields
    return st.add_message(MessageDraft(title=title, **fields)).message.id


def trail(st, obj=None):
    return AuditTrail(st).entries(obj=obj)


# -- the trail -----------------------------------------------------------------------------


def test_the_database_refuses_to_change_the_trail(town):
    add(town)
    rows = trail(town)
    assert len(rows) >= 5
    statements = ["UPDATE audit_log SET actor = 'ai đó'", "DELETE FROM audit_log"]
    if town.engine.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_log")
    for sql in statements:  # the driver's own error (no loa command does this)
        with pytest.raises(Exception, match="append-only"), town.engine.begin() as conn:  # noqa: B017
            conn.execute(text(sql))
    assert trail(town) == rows


def test_a_change_and_its_audit_row_commit_together(town):
    """A unit of work that fails after recording leaves neither the change nor the row."""
    rows, version = trail(town), town.plan_version()
    with pytest.raises(RuntimeError), town.work("block add") as uow:
        uow.session.add(BlockRow(code="K9", name="Khối 9"))
        uow.record("block:K9", None, {"name": "Khối 9"})
        raise RuntimeError("power cut")
    assert [b.code for b in town.blocks()] == ["K1", "K2"]
    assert (trail(town), town.plan_version()) == (rows, version)
    town.add_block("K9", "Khối 9")
    [row] = trail(town, "block:K9")
    # the command the station was opened for; a zone never given is not a change
    assert (row.actor, row.command, row.before, row.after) == (
        "Chị Lan",
        "test",
        None,
        {"name": "Khối 9"},
    )
    assert town.plan_version() == version + 1


def test_the_dictionary_file_and_its_row_do_not_disagree(town, monkeypatch):
    book = Dictionary(town)
    book.add("HTX", "hợp tác xã")
    path = town.settings.dictionary_path
    before = path.read_bytes()
    from loabroadcast.store import audit

    def broken(*args, **kwargs):
        raise StoreError("database is locked")

    monkeypatch.setattr(audit, "add", broken)  # the row cannot be written: no commit
    with pytest.raises(StoreError):
        book.add("KS", "Khe Sanh")
    assert path.read_bytes() == before  # the file was put back
    monkeypatch.undo()
    book.add("KS", "Khe Sanh", by="Anh Tuấn")
    assert [(e.object, e.actor, e.after) for e in trail(town) if e.object.startswith("dict:")] == [
        ("dict:HTX", "Chị Lan", {"expansion": "hợp tác xã"}),
        ("dict:KS", "Anh Tuấn", {"expansion": "Khe Sanh"}),
    ]
    assert "KS\tKhe Sanh" in path.read_text(encoding="utf-8")


# -- versions ------------------------------------------------------------------------------


def test_the_read_path_the_orm_and_the_domain_agree_on_fields():
    """One list of stored fields each for messages and versions, in both read paths."""
    assert set(records.MESSAGE_FIELDS) <= {c.key for c in inspect(MessageRow).columns}
    assert set(records.MESSAGE_FIELDS) == {f.name for f in fields(Message)} - {"blocks", "slots"}
    # a version's station is whose it is (store.scope), not a field of the version
    version_columns = {c.key for c in inspect(MessageVersionRow).columns} - {"station_id"}
    assert set(records.VERSION_FIELDS) == version_columns
    assert set(records.VERSION_FIELDS) - {"blocks"} <= {f.name for f in fields(MessageVersion)}


def test_an_edit_after_approval_is_planned_as_approved_until_approved(town):
    mid = add(town, "Họp tổ", blocks=["K1"], slots=["sang"])
    town.approve(mid, "Chủ tịch")
    saved = town.edit_message(
        mid,
        MessageDraft(
            title="Họp tổ (sửa)",
            text="Họp lúc 20 giờ.",
            blocks=["K2"],
            slots=["toi"],
            valid_from=D + timedelta(days=1),
        ),  # fmt: skip
    )
    assert saved.notes == (f"message {mid} keeps airing version 1 until version 2 is approved",)
    assert (saved.message.status.value, saved.message.version) == ("draft", 2)

    def planned(day=D):
        return [
            (p.slot.code, i.title, i.blocks)
            for p in town.schedule(day, 1)
            for i in p.items
            if i.message_id == mid
        ]

    assert planned() == [("sang", "Họp tổ", ("K1",))]
    with Reader.on_engine(town.engine) as reader:
        [placed] = queries.approved_between(reader, town.scope, D, D)
        assert (placed.text, placed.version, placed.approved_by) == (TEXT, 1, "Chủ tịch")
        assert queries.approved_message(reader, town.scope, mid) == placed
    with db.read_session(town.engine) as s:
        assert versions.approved_message(s, town.scope, mid) == placed  # the ORM path agrees
    assert town.approved_message(mid) == placed
    # the blocks and slots the approved version airs to cannot go meanwhile
    with pytest.raises(Conflict, match=f"used by message {mid}"):
        town.remove_block("K1")
    with pytest.raises(Conflict, match=f"used by message {mid}"):
        town.remove_slot("sang")
    town.approve(mid, "Chủ tịch")
    assert planned() == []  # version 2 starts tomorrow
    assert planned(D + timedelta(days=1)) == [("toi", "Họp tổ (sửa)", ("K2",))]
    town.remove_block("K1")


def test_rejecting_an_edit_keeps_the_approved_version_on_air(town):
    mid = add(town)
    town.approve(mid)
    town.edit_message(mid, MessageDraft(text="Sai.", slots=["toi"]))
    saved = town.reject(mid, "Sai nội dung", by="Chủ tịch")
    assert saved.notes == (f"version 2 of message {mid} is rejected; version 1 airs on",)
    m = town.message(mid)
    assert (m.status.value, m.version, m.text, m.slots) == ("approved", 1, TEXT, ("sang",))
    found = town.versions(mid)
    assert [(v.number, v.state.value) for v in found] == [(1, "approved"), (2, "rejected")]
    assert (found[1].rejected_by, found[1].rejected_reason) == ("Chủ tịch", "Sai nội dung")
    # the next edit is version 3; rejecting the approved message takes it off the air
    assert town.edit_message(mid, MessageDraft(title="Mới")).message.version == 3
    town.approve(mid)
    town.reject(mid, "Hết hạn")
    assert town.approved_message(mid) is None
    assert town.schedule(D, 1)[0].items == ()


def test_the_as_run_row_points_to_the_version_that_aired(town):
    """Through the store's claim path, as the daemon claims: the version approved at claim
    time; a play-now's row also points to its request."""
    mid = add(town)
    town.approve(mid, "Chủ tịch")
    asrun = AsRun(town.engine, "default", "test:1:0", station_id=town.station_id)
    now = town.now()

    def claim(day, **extra):
        key = occurrence_key("sang", day, mid)
        return asrun.claim(key, now=now, message_id=mid, slot_code="sang", **extra)

    def version_of(airing_id):
        with db.read_session(town.engine) as s:
            row = s.get(AiringRow, airing_id)
            v = s.get(MessageVersionRow, row.message_version_id)
            return v.number, row.play_request_id

    first = claim(D)
    town.edit_message(mid, MessageDraft(text="Họp lúc 20 giờ."))
    second = claim(D + timedelta(days=1))
    request = town.play_now(mid, by="Trưởng thôn")
    urgent = asrun.claim(play_now_key(request, mid), now=now, message_id=mid)
    town.approve(mid, "Chủ tịch")
    third = claim(D + timedelta(days=2))
    assert [version_of(a) for a in (first, second, urgent, third)] == [
        (1, None),
        (1, None),
        (1, request),
        (2, None),
    ]
    log = town.airings(None)
    assert [(a.version, a.requested_by) for a in log if a.slot is None] == [(1, "Trưởng thôn")]


def test_a_render_belongs_to_its_version(town):
    """The draft's preview render never stands in for the approved audio."""
    from loabroadcast.rendering import Renderer

    mid = add(town)
    town.approve(mid)
    renderer = Renderer(town)
    approved = renderer.render(town.message(mid))
    town.edit_message(mid, MessageDraft(text="Họp tổ dân phố lúc 20 giờ tối nay."))
    draft = renderer.render(town.message(mid))  # loa preview of the edit
    assert draft.sha256 != approved.sha256
    assert renderer.ensure(town.message(mid)).sha256 == approved.sha256
    assert renderer.pending() == []
    with db.read_session(town.engine) as s:
        v1 = versions.get(s, mid, 1)
        assert (v1.render_sha256, versions.get(s, mid, 2).render_sha256) == (approved.sha256, None)
    assert town.render_info(mid, 1)["sha256"] == approved.sha256
    assert town.render_info(mid, 2)["sha256"] == draft.sha256


def test_expiry_waits_for_the_approved_version(town):
    mid = add(town, valid_until=D + timedelta(days=5))
    town.approve(mid)
    town.edit_message(mid, MessageDraft(valid_until=D))  # shorter, not approved
    town.clock.set(datetime(2026, 3, 12, 1, tzinfo=UTC))
    assert town.expire() == 0  # version 1 airs until 15/03
    town.clock.set(datetime(2026, 3, 16, 1, tzinfo=UTC))
    assert town.expire() == 1
    row = trail(town, f"msg:{mid}")[-1]
    assert (row.before, row.after) == ({"status": "draft"}, {"status": "expired"})


# -- migration 0017 ----------------------------------------------------------------------------


def test_migration_keeps_existing_messages_as_their_first_version(settings, clock, migrator):
    """A station at 0014 with approved, draft, cancelled and rejected messages, renders,
    airings and a play-now: every message becomes version 1 (an approved one approved,
    with its render's sha256), and the log points to it where it can."""
    from alembic import command

    engine, migrate = migrator

    migrate(command.upgrade, "0014")
    t = datetime(2026, 3, 1, 8, tzinfo=UTC)
    later = t + timedelta(days=2)
    with engine.begin() as conn:

        def run(sql, **params):
            conn.execute(text(sql), params)

        run("INSERT INTO blocks (id, code, name, zone) VALUES (1, 'K1', 'Khối 1', 1)")
        run("INSERT INTO blocks (id, code, name, zone) VALUES (2, 'K2', 'Khối 2', 2)")
        run(
            'INSERT INTO slots (id, code, name, start, "end", weekdays) '
            "VALUES (1, 'sang', '', '06:00:00', '06:30:00', '0123456')"
        )
        message = (
            "INSERT INTO messages (id, title, text, priority, status, all_blocks, repeat, "
            "created_by, created_at, updated_at, approved_by, approved_at) VALUES "
            "(:id, :title, :text, 0, :status, :every, 1, 'Lan', :t, :updated, :by, :at)"
        )
        rows = [
            (1, "Đã duyệt", "approved", False, "Chủ tịch", t),
            (2, "Nháp", "draft", True, None, None),
            (3, "Đã hủy", "cancelled", False, "Chủ tịch", t),
            (4, "Trả lại", "rejected", False, None, None),
        ]
        for mid, title, status, every, by, at in rows:
            run(message, id=mid, title=title, text=TEXT, status=status, every=every,
                t=t, updated=later if mid == 3 else t, by=by, at=at)  # fmt: skip
            if not every:
                run("INSERT INTO message_blocks VALUES (:m, 1)", m=mid)
            run("INSERT INTO message_slots VALUES (:m, 1)", m=mid)
        run("INSERT INTO message_blocks VALUES (1, 2)")
        for rid, mid, sha in ((1, 1, "a" * 64), (2, 1, "b" * 64), (3, 3, "c" * 64)):
            run(
                "INSERT INTO renders (id, message_id, key, path, engine, duration_s, sha256, "
                "fallback, created_at) VALUES (:id, :m, 'k', '/x.wav', 'espeak', 9.5, :sha, "
                ":f, :t)",
                id=rid, m=mid, sha=sha, f=False, t=t,
            )  # fmt: skip
        run(
            "INSERT INTO play_requests (id, message_id, blocks, requested_by, requested_at, "
            "status) VALUES (7, 1, '', 'Trưởng thôn', :t, 'done')",
            t=later,
        )
        airing = (
            "INSERT INTO airings (occurrence_key, station, message_id, status, blocks, zones, "
            "created_at) VALUES (:key, 'default', :m, 'played', '', '', :t)"
        )
        run(airing, key="default/sang/2026-03-01/1", m=1, t=t)
        run(airing, key="default/play-now/7/1", m=1, t=later)
        run(airing, key="default/sang/2026-03-01/3", m=3, t=t)  # 3 changed after it aired
    migrate(command.upgrade, "head")
    st = Station.open(settings, clock)
    found = {mid: st.versions(mid) for mid in (1, 2, 3, 4)}
    assert all(len(v) == 1 and v[0].number == 1 for v in found.values())
    v1 = found[1][0]
    assert (v1.state.value, v1.approved_by, v1.approved_at) == ("approved", "Chủ tịch", t)
    assert (v1.render_sha256, v1.blocks, v1.slots, v1.text) == ("b" * 64, ("K1", "K2"),
                                                              ("sang",), TEXT)  # fmt: skip
    assert (v1.created_by, v1.created_at) == ("Lan", t)
    assert found[2][0].state.value == "draft" and found[2][0].all_blocks
    assert found[2][0].render_sha256 is None
    assert found[4][0].state.value == "draft"
    assert (st.message(1).version, st.message(1).approved_version) == (1, 1)
    assert st.message(2).approved_version is None
    assert [m.id for m in st.listings.approved_messages()] == [1]
    log = st.airings(None)
    assert [(a.message_id, a.version, a.requested_by) for a in log] == [
        (1, 1, None),
        (1, 1, "Trưởng thôn"),
        (3, None, None),  # edited after it aired: which text went out is not known
    ]
    assert st.render_info(1, 1)["sha256"] == "b" * 64
    # the station goes on: the draft is approved, edited, its versions follow
    st.approve(2)
    st.edit_message(2, MessageDraft(title="Nháp 2"))
    assert [v.number for v in st.versions(2)] == [1, 2]
    st.close()
    migrate(command.downgrade, "0014")
    with engine.begin() as conn:
        kept = conn.execute(text("SELECT id, status, title FROM messages ORDER BY id")).all()
        assert kept == [
            (1, "approved", "Đã duyệt"),
            (2, "draft", "Nháp 2"),
            (3, "cancelled", "Đã hủy"),
            (4, "rejected", "Trả lại"),
        ]
        approval = text("SELECT approved_at FROM messages WHERE id = 2")
        assert conn.execute(approval).scalar() is None  # a draft at 0014 does not air
    migrate(command.upgrade, "head")
    assert [v.number for v in Station.open(settings, clock).versions(2)] == [1]
    engine.dispose()


# -- two officers at once ----------------------------------------------------------------------


def test_two_processes_writing_at_once_leave_a_consistent_trail(town, settings):
    """Two officers edit, approve and play the same messages at once: every change has
    exactly one audit row, each row's ``before`` is the state the previous row left, and
    the message ends as the last row says."""
    mids = [add(town, f"Tin {n}") for n in range(2)]
    script = textwrap.dedent(
        """
        import sys
        import time
        from dataclasses import replace
        from pathlib import Path
        from loabroadcast.config import load_settings
        from loabroadcast.errors import LoaError
        from loabroadcast.services import MessageDraft, Station
        from loabroadcast.usecases.work import Actor
        home, url, who, mids = sys.argv[1], sys.argv[2] or None, sys.argv[3], sys.argv[4]
        settings = replace(load_settings(home, env={}), db_url=url)
        settings = replace(settings, speech=replace(settings.speech, render_on_approve=False))
        st = Station.open(settings, actor=Actor.of(who, "test"))
        st.blocks()  # connected
        (Path(home) / f"ready-{who}").touch()
        while not (Path(home) / "go").exists():  # both start at once
            time.sleep(0.002)
        changes = 0  # calls that changed something: each must leave one audit row
        for i in range(30):
            mid = int(mids.split(",")[i % 2])
            try:
                if i % 3 == 0:
                    st.edit_message(mid, MessageDraft(title=f"{who} {i}"))  # a new title
                elif i % 3 == 1:
                    saved = st.approve(mid)
                    if any("already approved" in n.english for n in saved.notes):
                        continue
                else:
                    st.play_now(mid)
                changes += 1
            except LoaError as err:  # e.g. nothing approved yet to play
                print("refused:", err, file=sys.stderr)
        print(changes)
        """
    )
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                script,
                str(settings.home),
                settings.db_url or "",
                who,
                ",".join(map(str, mids)),
            ],
            env={**os.environ},
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for who in ("Chị Lan", "Anh Tuấn")
    ]
    deadline = time.monotonic() + 60
    while len(list(settings.home.glob("ready-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    (settings.home / "go").touch()
    outputs = [p.communicate(timeout=180)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    rows = [e for e in trail(town) if e.object.startswith("msg:")]
    changed = rows[len(mids) :]  # after the two adds
    assert len(changed) == sum(int(out.split()[-1]) for out in outputs)
    assert {e.actor for e in changed} == {"Chị Lan", "Anh Tuấn"}
    with db.read_session(town.engine) as s:
        requests = s.execute(text("SELECT count(*) FROM play_requests")).scalar()
        ids = [r.id for r in s.query(AuditRow).order_by(AuditRow.id)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert requests == sum(1 for e in changed if "play_request" in (e.after or {}))
    for mid in mids:
        state: dict = {}
        for e in [e for e in rows if e.object == f"msg:{mid}"]:
            if e.before is not None:
                for key, value in e.before.items():
                    if key.startswith("play_"):
                        continue
                    assert state.get(key) == value, (e, state)
            state.update(e.after or {})
        m = town.message(mid)
        assert (m.title, m.status.value, m.version, m.approved_version) == (
            state["title"], state["status"], state["version"], state.get("approved_version")
        )  # fmt: skip
        assert [v.number for v in town.versions(mid)] == list(range(1, m.version + 1))
    assert json.dumps([e.after for e in rows], ensure_ascii=False)  # all JSON
