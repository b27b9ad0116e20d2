"""``loa status`` tells the truth from the station folder when the database cannot."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from loabroadcast.cli import cli
from loabroadcast.i18n import NP_, said
from loabroadcast.i18n.records import keep
from loabroadcast.presence import StatusFile

HOLDER = """
import sys, time
from pathlib import Path
from loabroadcast.presence import InstanceLock
InstanceLock(Path(sys.argv[1])).acquire()
print("locked", flush=True)
time.sleep(60)
"""

GONE = "postgresql+psycopg://loa@/nowhere?host=/nonexistent-socket-dir&connect_timeout=2"


def run(home, *args, lang="en"):
    env = {"LOA_HOME": str(home), "LOA_DB_URL": GONE, "LOA_LANG": lang}
    return CliRunner(mix_stderr=False).invoke(cli, list(args), env=env)


def test_a_database_that_is_gone_still_gets_a_status(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    stopped = run(home, "status")
    assert stopped.exit_code == 1
    assert stopped.stdout == "daemon: NOT running\n"
    assert stopped.stderr.startswith("loa: error: ") and stopped.stderr.count("\n") == 1
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(home)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        status = StatusFile(home).open()
        status.write(
            {"now_playing": {"title": "Bão số 4", "message_id": 7},
             "last_error": {"text": "the database has taken no as-run writes for 9 s"}}
        )  # fmt: skip
        running = run(home, "status")
        assert running.exit_code == 1
        assert running.stdout.splitlines() == [
            f"daemon: running (pid {holder.pid})",
            "on air: Bão số 4 (7)",
            "last error: the database has taken no as-run writes for 9 s",
        ]
        as_json = json.loads(run(home, "status", "--json").stdout)
        assert as_json["daemon"] == {"running": True, "pid": holder.pid, "lock_held": True}
        assert as_json["status_file"]["now_playing"]["message_id"] == 7
        # as the daemon keeps it (i18n.records): in the reader's words, --json in English
        late = said(
            NP_(
                "the database has taken no as-run writes for {s} s ({n} line waits in the journal)",
                "the database has taken no as-run writes for {s} s ({n} lines wait in the journal)",
            ),
            s="9",
            n=2,
        )
        status.write({"now_playing": None, "last_error": {"text": keep(late)}})
        assert run(home, "status", lang="vi").stdout.splitlines()[1:] == [
            "đang phát: không có gì",
            "lỗi gần nhất: cơ sở dữ liệu đã 9 giây không nhận ghi nhật ký phát thanh "
            "(2 dòng đang chờ)",
        ]
        as_json = json.loads(run(home, "status", "--json", lang="vi").stdout)
        assert as_json["status_file"]["last_error"]["text"] == (
            "the database has taken no as-run writes for 9 s (2 lines wait in the journal)"
        )
        status.close()
    finally:
        holder.kill()
        holder.wait()
