"""Migration 0018 (issue 10's air path, after 0017): occurrence keys lose the station's
display name; a recording sha256 that its file's content name contradicts is cleared; the
flag, the underruns and the journal marks come and go. A station holding data is
upgraded one revision at a time from 0002 and downgraded back."""

from __future__ import annotations

import hashlib

from sqlalchemy import inspect, text

from loabroadcast.store import db, schema

T = "2026-03-09 23:00:00"
ROW = (
    "INSERT INTO airings (occurrence_key, station, message_id, status, blocks, zones,"
    " created_at) VALUES (:key, :station, :mid, :status, '', '', :t)"
)


def alembic(engine, revision: str, down: bool = False) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(schema.MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def columns(engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def keys(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT occurrence_key FROM airings ORDER BY id")).scalars())


def test_the_air_path_follows_the_audit_in_the_chain():
    assert schema.KNOWN.index("0018") == schema.KNOWN.index("0017") + 1


def test_each_step_keeps_the_data_and_the_way_back_restores_it(settings, tmp_path):
    settings.home.mkdir(parents=True)
    recording = tmp_path / "rec.wav"
    recording.write_bytes(b"RIFF a recording")
    digest = hashlib.sha256(recording.read_bytes()).hexdigest()
    named = tmp_path / f"{digest[:16]}.wav"
    recording.rename(named)
    swapped = tmp_path / ("0" * 16 + ".wav")  # replaced before the upgrade
    swapped.write_bytes(b"RIFF not what the name says")
    engine = db.make_engine(settings.database_url)
    alembic(engine, "0002")
    with engine.begin() as conn:
        for mid, path in ((1, named), (2, swapped), (3, None)):
            conn.execute(
                text(
                    "INSERT INTO messages (id, title, text, audio_path, priority, status,"
                    " all_blocks, repeat, created_at, updated_at, approved_by, approved_at)"
                    " VALUES (:id, 't', :text, :path, 0, 'approved', true, 1, :t, :t, 'An', :t)"
                ),
                {"id": mid, "path": str(path) if path else None, "t": T,
                 "text": None if path else "Họp tổ"},
            )  # fmt: skip
        conn.execute(
            text(
                "INSERT INTO play_requests (id, message_id, blocks, requested_by, requested_at,"
                " status) VALUES (4, 1, '', 'Trưởng thôn', :t, 'done')"
            ),
            {"t": T},
        )
        rows = [
            ("xa-a/sang/2026-03-10/1", "xa-a", 1, "played"),
            ("xa-b/sang/2026-03-10/1", "xa-b", 1, "played"),  # the bug: aired twice
            ("Phường 1/Quận 3/sang/2026-03-10/2", "Phường 1/Quận 3", 2, "missed"),
            ("xa-a/play-now/4/1", "xa-a", 1, "played"),
            ("xa-a/sang/2026-03-10/1/r1", "xa-a", 1, "played"),
        ]
        for key, station, mid, status in rows:
            conn.execute(text(ROW), {"key": key, "station": station, "mid": mid,
                                     "status": status, "t": T})  # fmt: skip
    before = keys(engine)
    for revision in ("0014", "0017"):
        alembic(engine, revision)
        assert keys(engine) == before
    with engine.connect() as conn:
        taken = dict(conn.execute(text("SELECT message_id, recording_sha256 "
                                       "FROM message_versions")).all())  # fmt: skip
    assert taken[2] == hashlib.sha256(swapped.read_bytes()).hexdigest()  # 0017 trusted it
    alembic(engine, "0018")
    assert keys(engine) == [
        "sang/2026-03-10/1",
        "sang/2026-03-10/1/dup2",
        "sang/2026-03-10/2",
        "play-now/4/1",
        "sang/2026-03-10/1/r1",
    ]
    with engine.connect() as conn:
        shas = dict(conn.execute(text("SELECT message_id, recording_sha256 "
                                      "FROM message_versions")).all())  # fmt: skip
        links = conn.execute(
            text("SELECT message_version_id IS NOT NULL, play_request_id FROM airings ORDER BY id")
        ).all()
    assert shas == {1: digest, 2: None, 3: None}  # the swapped file is refused at air
    assert [tuple(r) for r in links] == [(True, None)] * 3 + [(True, 4), (True, None)]
    assert {"flagged"} <= columns(engine, "messages") and "underruns" in columns(engine, "airings")
    assert "recording_sha256" not in columns(engine, "messages")  # one truth: the versions
    assert "journal_marks" in inspect(engine).get_table_names()

    alembic(engine, "0017", down=True)
    back = keys(engine)
    assert back[0] == "xa-a/sang/2026-03-10/1"
    assert back[2] == "Phường 1/Quận 3/sang/2026-03-10/2"
    assert back[3] == "xa-a/play-now/4/1"
    assert "flagged" not in columns(engine, "messages")
    assert "underruns" not in columns(engine, "airings")
    assert "journal_marks" not in inspect(engine).get_table_names()
    alembic(engine, "0002", down=True)
    assert keys(engine)[0] == "xa-a/sang/2026-03-10/1"
    alembic(engine, "head")
    assert keys(engine)[0] == "sang/2026-03-10/1"
    engine.dispose()
