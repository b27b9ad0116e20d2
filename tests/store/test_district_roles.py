"""The README's GRANTs for a station's own database role, run on PostgreSQL: with them a
station does all its work (blocks, slots, calendar, messages, renders, play-now, its
daemon's as-run rows and heartbeats, the overview) and cannot add or change a station."""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from loabroadcast.errors import StoreError
from loabroadcast.services import MessageDraft, Station, init_station
from loabroadcast.store.airings import AsRun
from loabroadcast.store.reader import Reader
from loabroadcast.usecases.audit import AuditTrail
from loabroadcast.usecases.calendar import CalendarBook
from loabroadcast.usecases.district import District, overview

README = Path(__file__).resolve().parents[2] / "README.md"
_roles = itertools.count()
README_ROLE = "loa_huong_phung"


def readme_grants() -> list[str]:
    """The GRANT statements of the README's role block, one per statement."""
    block = next(
        b for b in re.findall(r"```sql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
        if "GRANT SELECT ON ALL TABLES" in b
    )  # fmt: skip
    text_ = re.sub(r"--[^\n]*", "", block)
    statements = [" ".join(s.split()) for s in text_.split(";")]
    return [s for s in statements if s.startswith("GRANT ")]


@pytest.fixture
def station_role(pg_settings):
    """The district's database (owner: the test server's superuser) with a station xa-b
    whose folder connects as its own role, granted what the README grants."""
    settings = replace(pg_settings, speech=replace(pg_settings.speech, render_on_approve=False))
    init_station(settings)
    office = Station.open(settings)
    District(office).add("xa-b", "Xã B")
    office.close()
    url = make_url(settings.db_url)
    role = f"loa_t{os.getpid()}_{next(_roles)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    grants = readme_grants()
    assert len(grants) >= 6
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        for grant in grants:
            grant = grant.replace(README_ROLE, role)
            conn.execute(text(grant.replace("DATABASE loa ", f'DATABASE "{url.database}" ')))
    mine = replace(settings, db_url=url.set(username=role).render_as_string(False),
                   station_code="xa-b")  # fmt: skip
    yield mine
    with admin.connect() as conn:
        conn.execute(text(f'REVOKE ALL ON DATABASE "{url.database}" FROM {role}'))
        conn.execute(text(f"DROP OWNED BY {role}"))
        conn.execute(text(f"DROP ROLE {role}"))
    admin.dispose()


def test_a_station_role_with_the_readme_grants_does_its_work(station_role, clock):
    st = Station.open(station_role, clock)
    st.add_block("K1", "Thôn 1", 1)
    st.add_block("K2", "Thôn 2", 2)
    st.add_slot("sang", "06:00", "06:30")
    book = CalendarBook(st)
    session = book.add_extra(st.today() + timedelta(days=1),
                             "bau-cu", "15:00", "15:30").entry  # fmt: skip
    book.add_off(st.today() + timedelta(days=2), reason="Quốc tang")
    book.remove(session.id)
    draft = MessageDraft(title="Họp", text="Họp thôn lúc 19 giờ.", blocks=["K1"], slots=["sang"])
    mid = st.add_message(draft).message.id
    st.approve(mid, "Trưởng thôn")
    from loabroadcast.rendering import Renderer

    Renderer(st).render(st.approved_message(mid))  # a render row, and the version's sha256
    assert st.schedule(st.today(), 1)[0].items
    request = st.play_now(mid, by="Trưởng thôn")
    asrun = AsRun(st.engine, "Xã B", "pc:1:x", station_id=st.station_id)
    now = clock.now()
    asrun.heartbeat(now, host="pc", pid=1, sink="null", tick_s=10.0)
    assert asrun.poll_state()[1] is True
    assert asrun.take_play_request(now).id == request
    rid = asrun.claim(f"sang/{st.today()}/{mid}", now=now, message_id=mid, slot_code="sang")
    asrun.update(rid, status="played", started_at=now, ended_at=now)
    asrun.finish_play_request(request, "done", now)
    asrun.recover(now, timedelta(seconds=30))
    st.edit_message(mid, MessageDraft(title="Họp (sửa)"))
    st.cancel(mid)
    st.expire()
    st.remove_block("K2")
    assert [e.command for e in AuditTrail(st).entries()][-1] == "block remove"
    with Reader.open(station_role.database_url) as reader:
        assert reader.rows("SELECT count(*) FROM stations")[0][0] == 2
    assert [v.station.code for v in overview(st.listings.reading, now)] == ["default", "xa-b"]
    # what only the district's office may do
    with pytest.raises(StoreError, match="permission denied"):
        District(st).add("xa-c", "Xã C")
    with pytest.raises(StoreError, match="permission denied"), st.work("test") as uow:
        uow.session.execute(text("UPDATE stations SET name = 'x'"))
    st.close()
