"""Columns other issues add (dead air, a message's content kind) are read when the database
has them, on SQLite and PostgreSQL: added by hand where no migration added them yet (issue
13's migration 0019 adds both)."""

from __future__ import annotations

from sqlalchemy import inspect, text

from loabroadcast.reports.rows import RELAY, Dimension
from loabroadcast.store import db

from .test_report_store import DECEMBER, reports_of


def test_without_the_columns_dead_air_is_zero_and_nothing_is_a_relay(month):
    log = reports_of(month.station).log(DECEMBER)
    assert log.breakdown(Dimension.DAY).total.dead_air_s == 0
    assert RELAY not in {r.key for r in log.breakdown(Dimension.CATEGORY).rows}


def test_dead_air_and_relays_when_the_columns_exist(month):
    st = month.station
    have = {
        table: {c["name"] for c in inspect(st.engine).get_columns(table)}
        for table in ("airings", "messages")
    }
    with db.write_session(st.engine) as s:
        if "dead_air_s" not in have["airings"]:
            s.execute(text("ALTER TABLE airings ADD COLUMN dead_air_s FLOAT"))
        if "content_kind" not in have["messages"]:
            s.execute(text("ALTER TABLE messages ADD COLUMN content_kind VARCHAR(20)"))
        s.execute(text("UPDATE airings SET dead_air_s = 2.4 WHERE status = 'played'"))
        s.execute(
            text("UPDATE messages SET content_kind = 'relay' WHERE id = :id"),
            {"id": month.ids["reform"]},
        )
    log = reports_of(st).log(DECEMBER)
    by_category = log.breakdown(Dimension.CATEGORY)
    rows = {r.key: r.figures for r in by_category.rows}
    played = sum(1 for a in log.aired if a.status == "played")
    assert by_category.total.dead_air_s == 2 * played  # 2.4 s rounded, per airing
    assert "CCHC" not in rows  # the relay's category is the relays' own
    assert rows[RELAY].airings > 0
    summary = log.summary()
    assert summary.relay_seconds == rows[RELAY].seconds_aired > 0
    assert summary.own_seconds + summary.relay_seconds == by_category.total.seconds_aired
