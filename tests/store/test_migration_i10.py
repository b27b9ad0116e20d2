"""Migration 0003_i10: occurrence keys lose the station's display name; approved
recordings get their sha256; the way back restores the keys."""

from __future__ import annotations

import hashlib

from sqlalchemy import text

from loabroadcast.store import db, schema

ROW = (
    "INSERT INTO airings (occurrence_key, station, message_id, status, blocks, zones,"
    " created_at) VALUES (:key, :station, 1, :status, '', '', '2026-03-09 23:00:00')"
)


def alembic(engine, revision: str, down: bool = False) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(schema.MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def test_keys_without_station_names_and_recordings_kept(settings, tmp_path):
    settings.home.mkdir(parents=True)
    recording = tmp_path / "rec.wav"
    recording.write_bytes(b"RIFF a recording")
    digest = hashlib.sha256(recording.read_bytes()).hexdigest()
    named = tmp_path / f"{digest[:16]}.wav"
    recording.rename(named)
    swapped = tmp_path / ("0" * 16 + ".wav")
    swapped.write_bytes(b"RIFF not what the name says")
    engine = db.make_engine(settings.database_url)
    alembic(engine, "0002")
    with engine.begin() as conn:
        for mid, path in ((1, named), (2, swapped), (3, None)):
            conn.execute(
                text(
                    "INSERT INTO messages (id, title, audio_path, priority, status, all_blocks,"
                    " repeat, created_at, updated_at) VALUES (:id, 't', :path, 0, 'approved',"
                    " false, 1, '2026-03-09 23:00:00', '2026-03-09 23:00:00')"
                ),
                {"id": mid, "path": str(path) if path else None},
            )
        rows = [
            ("xa-a/sang/2026-03-10/1", "xa-a", "played"),
            ("xa-b/sang/2026-03-10/1", "xa-b", "played"),  # the bug: aired twice
            ("Phường 1/Quận 3/sang/2026-03-10/2", "Phường 1/Quận 3", "missed"),
            ("xa-a/play-now/4/1", "xa-a", "played"),
            ("xa-a/sang/2026-03-10/1/r1", "xa-a", "played"),
        ]
        for key, station, status in rows:
            conn.execute(text(ROW), {"key": key, "station": station, "status": status})
    alembic(engine, "head")
    with engine.connect() as conn:
        keys = conn.execute(text("SELECT occurrence_key FROM airings ORDER BY id")).scalars()
        keys = list(keys)
        shas = dict(conn.execute(text("SELECT id, recording_sha256 FROM messages")).all())
    assert keys == [
        "sang/2026-03-10/1",
        "sang/2026-03-10/1/dup2",
        "sang/2026-03-10/2",
        "play-now/4/1",
        "sang/2026-03-10/1/r1",
    ]
    assert shas == {1: digest, 2: None, 3: None}
    alembic(engine, "0002", down=True)
    with engine.connect() as conn:
        back = list(conn.execute(text("SELECT occurrence_key FROM airings ORDER BY id")).scalars())
    assert back[0] == "xa-a/sang/2026-03-10/1"
    assert back[2] == "Phường 1/Quận 3/sang/2026-03-10/2"
    assert back[3] == "xa-a/play-now/4/1"
    engine.dispose()
