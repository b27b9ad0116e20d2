"""``loa report`` end to end over a month of as-run log: table, CSV, JSON, XLSX, PDF and the
chart, read back and compared; bad input gets one line and the right exit status.

The station's clock is the system clock here, moved to 2 January 2027 with time-machine.
The command-line tests run on SQLite (the store tests cover PostgreSQL).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import zipfile

import pytest
import time_machine
from click.testing import CliRunner

from cli_checks import one_error_line
from loabroadcast.cli import cli

from .conftest import CHAIR, ORDERED_BY, REPORT_TIME, STORM

pytestmark = pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)
PLACE = {"name": "Đài Truyền thanh thị trấn Khe Sanh", "commune": "Thị trấn Khe Sanh",
         "district": "Huyện Hướng Hóa", "province": "Tỉnh Quảng Trị"}  # fmt: skip


@pytest.fixture
def loa(month, env_for):
    """``loa ARGS…`` against the December station, on 2 January 2027."""
    home = month.station.settings.home
    config = home / "loa.toml"
    lines = "\n".join(f'{k} = "{v}"' for k, v in PLACE.items() if k != "name")
    config.write_text(config.read_text(encoding="utf-8").replace(
        'name = "default"', f'name = "default"\n{lines}'), encoding="utf-8")  # fmt: skip
    runner = CliRunner(mix_stderr=False)

    def run(*args, lang="en"):
        env = env_for(LOA_LANG=lang, LOA_TIMEZONE="Asia/Ho_Chi_Minh")
        with time_machine.travel(REPORT_TIME, tick=False):
            return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    run.month = month
    return run


def json_report(loa, *args) -> dict:
    result = loa("report", "--month", "2026-12", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_the_table_by_category(loa):
    result = loa("report", "--month", "2026-12")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Loudspeaker station of Thị trấn Khe Sanh: month 12/2026"
    assert lines[1].split()[:3] == ["Category", "Airings", "Minutes"]
    data = json_report(loa)
    total = data["total"]
    assert lines[-1].split() == [
        "Total", str(total["airings"]), f"{total['seconds_aired'] / 60:.1f}",
        f"{total['seconds_requested'] / 60:.1f}", str(total["missed"]), str(total["failed"]),
        str(total["preempted"]), str(total["interrupted"]), "0",
    ]  # fmt: skip


def test_json_keys_and_sums(loa):
    data = json_report(loa, "--by", "day")
    assert data["by"] == "day" and data["period"] == {"from": "2026-12-01", "until": "2026-12-31"}
    assert set(data["rows"][0]) == {
        "key", "name", "airings", "minutes_aired", "seconds_aired", "minutes_requested",
        "seconds_requested", "missed", "failed", "preempted", "interrupted", "dead_air_s",
    }  # fmt: skip
    for name in ("airings", "seconds_aired", "seconds_requested", "missed", "failed"):
        assert sum(r[name] for r in data["rows"]) == data["total"][name]
    assert data["station"]["commune"] == "Thị trấn Khe Sanh"
    urgent = data["summary"]["emergencies"]
    assert [(e["play_now"], e["ordered_by"]) for e in urgent] == [
        (True, ORDERED_BY), (False, CHAIR), (False, CHAIR)]  # fmt: skip
    assert urgent[0]["at"].startswith("2026-12-10T14:00:04+07:00")


def test_csv_reads_back_as_the_json(loa, tmp_path):
    out = tmp_path / "bao-cao.csv"
    result = loa("report", "--month", "2026-12", "--by", "block", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    data = json_report(loa, "--by", "block")
    assert rows[0][:3] == ["Key", "Block", "Airings"]
    assert [r[0] for r in rows[1:-1]] == [r["key"] for r in data["rows"]] == ["K1", "K2", "KS"]
    assert rows[2][1] == "Khối 2 (K2)"
    keys = list(data["total"])
    for line, row in zip(rows[1:-1], data["rows"], strict=True):
        assert [float(v) for v in line[2:]] == [float(row[k]) for k in keys]
    assert [float(v) for v in rows[-1][2:]] == [float(data["total"][k]) for k in keys]
    assert rows[-1][:2] == ["", "Total (each airing once)"]


def test_csv_headers_follow_the_interface_language(loa):
    result = loa("report", "--month", "2026-12", "--format", "csv", lang="vi")
    assert result.exit_code == 0, result.stderr
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert header[1] == "Chuyên mục" and "Lượt phát" in header


def test_xlsx_reads_back(loa, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "bao-cao.xlsx"
    result = loa("report", "--month", "2026-12", "--by", "slot", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    book = load_workbook(out)
    assert len(book.sheetnames) == 3
    data = json_report(loa, "--by", "slot")
    detail = book.worksheets[1]
    values = list(detail.iter_rows(values_only=True))
    assert values[0][:2] == ("Slot", "Airings")
    shown = [
        r[1]
        for r in csv.reader(
            io.StringIO(
                loa("report", "--month", "2026-12", "--by", "slot", "--format", "csv").stdout
            )
        )
    ]
    assert [v[0] for v in values[1:]] == shown[1:]  # the same labels as the CSV
    assert shown[1:] == ["Buổi sáng (sang)", "Buổi chiều (chieu)", "Play-now (phát ngay)", "Total"]
    assert [r["name"] for r in data["rows"]] == ["Buổi sáng", "Buổi chiều", None]
    for line, row in zip(values[1:], [*data["rows"], data["total"]], strict=True):
        assert line[1] == row["airings"]
        assert line[2] == pytest.approx(row["seconds_aired"] / 60)
        assert line[3] == pytest.approx(row["seconds_requested"] / 60)
        assert line[4:8] == (row["missed"], row["failed"], row["preempted"], row["interrupted"])
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "Loudspeaker station of Thị trấn Khe Sanh" in cells and STORM in cells
    assert ORDERED_BY in [c for r in book.worksheets[2].iter_rows(values_only=True) for c in r]


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip


def not_blank_png(path, size=None) -> None:
    from PIL import Image

    with Image.open(path) as image:
        if size:
            assert image.size == size
        grey = image.convert("L")
        low, high = grey.getextrema()
        assert high - low > 100  # ink on paper
        dark = sum(grey.histogram()[:128])
        assert 0.002 < dark / (grey.width * grey.height) < 0.5


def test_the_pdf_report_in_vietnamese(loa, tmp_path):
    out, chart = tmp_path / "bao-cao.pdf", tmp_path / "bieu-do.png"
    result = loa("report", "--month", "2026-12", "--format", "pdf", "--out", str(out),
                 "--chart", str(chart), lang="vi")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    text = pdf_text(out)
    for words in (STORM, "Thông báo khẩn về cơn bão số 4", ORDERED_BY, CHAIR,
                  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                  "BÁO CÁO KẾT QUẢ PHÁT THANH", "Tháng 12/2026", "Huyện Hướng Hóa",
                  "Khối 1", "Thôn Khe Sanh", "CCHC", "Y tế", "Theo chuyên mục",
                  "ngày 02 tháng 01 năm 2027"):  # fmt: skip
        assert words in " ".join(text.split()), words
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert "Pages:           1" in info  # one A4 page
    assert "pts (A4)" in info
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", str(out),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    not_blank_png(tmp_path / "page.png")
    not_blank_png(chart, (1600, 800))


def test_an_empty_month_says_so(loa, tmp_path):
    result = loa("report", "--month", "2026-10")
    assert result.exit_code == 0, result.stderr
    assert "nothing in the as-run log and nothing planned in this period" in result.stdout
    out = tmp_path / "trong.pdf"
    result = loa("report", "--month", "2026-10", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "Nothing aired and nothing was planned in this period." in pdf_text(out)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--by", "colour"], "Invalid value for '--by'"),
        (["--month", "2026-13"], "there is no month 13"),
        (["--month", "tháng 12"], "is not a month"),
        (["--month", "2026-12", "--from", "2026-12-01"], "--month cannot be used with"),
        (["--until", "2026-12-01"], "--until needs --from"),
        (["--from", "2026-12-02", "--until", "2026-12-01"], "is before --from"),
        (["--format", "pdf"], "add --out FILE"),
        (["--format", "yaml"], "Invalid value for '--format'"),
    ],
)
def test_usage_errors(loa, args, words):
    result = loa("report", *args)
    assert result.exit_code == 2, result.stdout
    assert words in result.stderr


def test_an_unwritable_out_is_one_line(loa, tmp_path):
    for path in ("/proc/bao-cao.csv", tmp_path / "no" / "such" / "bao-cao.csv"):
        line = one_error_line(loa("report", "--out", str(path)))
        assert "cannot write" in line
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if not os.access(folder, os.W_OK):  # root writes anywhere: /proc stood in above
            line = one_error_line(loa("report", "--out", str(folder / "x.csv")))
            assert "cannot write" in line
    finally:
        folder.chmod(0o700)
    assert list(tmp_path.rglob("*.csv")) == []


def test_out_never_replaces_without_force(loa, tmp_path):
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "bao-cao.xlsx"
    out.write_bytes(b"the officer's own file")
    line = one_error_line(loa("report", "--month", "2026-12", "--out", str(out)))
    assert "exists: add --force" in line
    assert out.read_bytes() == b"the officer's own file"
    assert loa("report", "--month", "2026-12", "--out", str(out), "--force").exit_code == 0
    assert zipfile.is_zipfile(out)
    assert [p.name for p in out.parent.iterdir()] == ["bao-cao.xlsx"]  # no temp file left
    result = loa("report", "--out", str(tmp_path), "--format", "csv", "--force")
    assert result.exit_code == 2 and "is a directory" in result.stderr
    fifo = out.parent / "pipe.csv"
    os.mkfifo(fifo)
    line = one_error_line(loa("report", "--out", str(fifo), "--force"))
    assert "is not a regular file" in line
    line = one_error_line(loa("report", "--out", "/dev/null", "--format", "csv", "--force"))
    assert "is not a regular file" in line


def test_from_until_range(loa):
    data = json_report(loa)
    args = ("--from", "2026-12-01", "--until", "31/12/2026", "--format", "json")
    result = loa("report", *args)
    assert json.loads(result.stdout)["total"] == data["total"]
    half = json.loads(loa("report", "--from", "2026-12-16", "--until", "2026-12-31",
                          "--format", "json").stdout)  # fmt: skip
    assert 0 < half["total"]["airings"] < data["total"]["airings"]
