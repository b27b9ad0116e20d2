"""The approved recording's sha256 lives on its version (``message_versions``): approval
refuses a recording changed since it was added, a version without a sha256 (from before
it was kept) gets the one it is approved with, a render of an approved version verifies
the file against its version's sha256, and a flag the daemon raised stays until a version
is approved again (SQLite and PostgreSQL)."""

from __future__ import annotations

import math
import struct
import wave
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import update

from loabroadcast.errors import AudioChanged, Conflict
from loabroadcast.rendering import Renderer
from loabroadcast.services import MessageDraft, Station, init_station
from loabroadcast.store import db
from loabroadcast.store.models import MessageVersionRow


def tone_wav(path: Path, freq: float, seconds: float = 0.5, rate: int = 22050) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / rate)))
            for i in range(int(rate * seconds))
        ))  # fmt: skip
    return path


@pytest.fixture
def town(settings, clock):
    settings = replace(settings, speech=replace(settings.speech, render_on_approve=False))
    init_station(settings)
    st = Station.open(settings, clock)
    st.add_block("K1", "Khối 1", 1)
    st.add_slot("sang", "06:00", "06:30")
    yield st
    st.close()


def recorded(st, tmp_path, freq=440.0) -> int:
    audio = tone_wav(tmp_path / f"ghi-am-{freq:g}.wav", freq)
    draft = MessageDraft(title="Ghi âm", audio=audio, blocks=["K1"], slots=["sang"])
    return st.add_message(draft).message.id


def test_approval_refuses_a_recording_changed_since_it_was_added(town, tmp_path):
    mid = recorded(town, tmp_path)
    [v1] = town.versions(mid)
    path = Path(town.message(mid).audio_path)
    assert v1.recording_sha256 is not None and path.name.startswith(v1.recording_sha256[:16])
    original = path.read_bytes()
    tone_wav(path, 880.0)  # the copy in recordings/ replaced
    with pytest.raises(Conflict, match=f"message {mid}: the recording .* changed since it was "
                                       "added"):  # fmt: skip
        town.approve(mid)
    assert town.message(mid).status.value == "draft"
    path.write_bytes(original)
    assert town.approve(mid).message.status.value == "approved"


def test_a_version_without_a_sha256_gets_the_one_it_is_approved_with(town, tmp_path):
    mid = recorded(town, tmp_path)
    sha = town.versions(mid)[0].recording_sha256
    with db.write_session(town.engine) as s:  # as a version from before 0017 kept none
        s.execute(update(MessageVersionRow).values(recording_sha256=None))
    town.approve(mid)
    assert town.versions(mid)[0].recording_sha256 == sha


def test_a_render_verifies_the_approved_versions_recording_and_the_flag_stays_until_approval(
    town, tmp_path
):
    mid = recorded(town, tmp_path)
    town.approve(mid)
    renderer = Renderer(town)
    approved = town.approved_message(mid)
    assert renderer.render(approved).duration_s > 0
    path = Path(approved.audio_path)
    original = path.read_bytes()
    tone_wav(path, 880.0)
    with pytest.raises(AudioChanged, match="changed since it was approved"):
        renderer.render(approved, force=True)
    town.flag(mid, "the recording changed")
    assert town.flagged() == [(mid, "Ghi âm", "the recording changed")]
    # an edit waiting for approval does not clear it: the approved version is still refused
    town.edit_message(mid, MessageDraft(audio=tone_wav(tmp_path / "moi.wav", 660.0)))
    assert town.flagged() == [(mid, "Ghi âm", "the recording changed")]
    assert town.render_info(mid, 1)["flagged"] == "the recording changed"
    path.write_bytes(original)
    town.approve(mid)  # version 2 airs now
    assert town.flagged() == []
    assert [v.recording_sha256 is not None for v in town.versions(mid)] == [True, True]
