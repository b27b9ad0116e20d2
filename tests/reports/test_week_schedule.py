"""``loa schedule --week --out``: the week to post, as A4 PDF and HTML, with the holiday
(Tết Dương lịch, Friday 1 January 2027), a quiet day and a one-off session marked."""

from __future__ import annotations

import json
import subprocess
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
import time_machine
from click.testing import CliRunner

from loabroadcast.cli import cli
from loabroadcast.domain import Priority
from loabroadcast.services import MessageDraft
from loabroadcast.usecases.calendar import CalendarBook

from .conftest import TZ
from .test_report_cli import not_blank_png

pytestmark = pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)
STORM = "Thông báo khẩn về cơn bão số 4"


@pytest.fixture
def loa(station, env_for):
    st = station
    st.add_block("K1", "Khối 1", 1)
    st.add_slot("sang", "06:00", "06:30", name="Buổi sáng")
    st.add_slot("chieu", "17:00", "17:15", days="mon-fri", name="Buổi chiều")
    book = CalendarBook(st)
    book.add_off(date(2026, 12, 30), reason="Sửa chữa thiết bị")
    book.add_extra(date(2026, 12, 29), "hop-dan", "19:00", "19:30", "Họp dân")
    for title, slots, priority in (
        ("Lịch tiêm chủng mở rộng", "sang,chieu", Priority.NORMAL),
        ("Mời họp dân khu phố", "hop-dan", Priority.NORMAL),
        (STORM, "sang", Priority.EMERGENCY),
    ):
        draft = MessageDraft(
            title=title,
            text="Kính mời bà con.",
            blocks=["all"],
            slots=slots.split(","),
            priority=priority,
            valid_from=date(2026, 12, 28),
            valid_until=date(2027, 1, 3),
        )
        st.approve(st.add_message(draft).message.id, "Chủ tịch UBND")
    runner = CliRunner(mix_stderr=False)

    def run(*args, lang="en"):
        env = env_for(LOA_LANG=lang, LOA_TIMEZONE="Asia/Ho_Chi_Minh")
        with time_machine.travel(datetime(2026, 12, 20, 9, tzinfo=TZ), tick=False):
            return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    return run


class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def test_the_week_as_html(loa, tmp_path):
    out = tmp_path / "lich-phat-thanh.html"
    result = loa("schedule", "--week", "--date", "2026-12-31", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    assert "size: A4" in html
    parser = Text()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    assert "Week from 28/12/2026 to 03/01/2027" in text
    assert "Friday, 01/01/2027 — Tết Dương lịch" in text  # the holiday, named
    assert "No broadcast (Tết Dương lịch); emergencies only" in text
    assert "No broadcast (Sửa chữa thiết bị); emergencies only" in text  # the quiet day
    assert "19:00 – 19:30 Họp dân (special session)" in text
    assert f"EMERGENCY: {STORM}" in text  # airs on the holiday too
    assert text.count("Lịch tiêm chủng mở rộng") == 5 + 3  # mornings and weekday afternoons
    assert html.count('class="day holiday quiet"') == 1
    assert "<script" not in html


def test_the_week_as_pdf_in_vietnamese(loa, tmp_path):
    out = tmp_path / "lich-phat-thanh.pdf"
    result = loa("schedule", "--week", "--date", "2027-01-01", "--out", str(out), lang="vi")
    assert result.exit_code == 0, result.stderr
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    flat = " ".join(text.split())
    for words in ("LỊCH PHÁT THANH", "Tuần từ 28/12/2026 đến 03/01/2027",
                  "Thứ Sáu, 01/01/2027 — Tết Dương lịch",
                  "Không phát (Tết Dương lịch); chỉ phát tin khẩn cấp",
                  "Không phát (Sửa chữa thiết bị)", "Họp dân (buổi phát đặc biệt)",
                  f"KHẨN CẤP: {STORM}", "Chủ nhật, 03/01/2027",
                  "ĐÀI TRUYỀN THANH CƠ SỞ"):  # fmt: skip
        assert words in flat, words
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert "pts (A4)" in info
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-singlefile", str(out),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    not_blank_png(tmp_path / "page.png")


def test_the_week_on_screen_is_monday_to_sunday(loa):
    result = loa("schedule", "--week", "--date", "2026-12-31", "--json")
    assert result.exit_code == 0, result.stderr
    days = sorted({p["date"] for p in json.loads(result.stdout)["programmes"]})
    assert days[0] == "2026-12-28" and days[-1] == "2027-01-03"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--out", "lich.pdf"], "add --week"),
        (["--week", "--out", "lich.txt"], "must end in .pdf or .html"),
        (["--week", "--days", "3"], "leave out --days"),
        (["--week", "--json", "--out", "lich.pdf"], "cannot be used together"),
    ],
)
def test_schedule_usage_errors(loa, args, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = loa("schedule", *args)
    assert result.exit_code == 2, result.stdout
    assert words in result.stderr
    assert list(tmp_path.glob("lich*")) == []
