"""Files the officer names: --out writes only a new regular file outside the station,
--text-file and --audio read only regular files, bounded, without control characters."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli_checks import one_error_line
from loabroadcast.cli import cli
from loabroadcast.errors import InvalidInput
from loabroadcast.userfiles import find_control, read_text_file

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX files: FIFOs, devices")

TEXT = "Trạm Y tế thông báo lịch tiêm chủng."
LOA = [sys.executable, "-c", "from loabroadcast.cli import main; main()"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def town(loa):
    assert loa("block", "add", "K1", "Khối 1", "--zone", "1").exit_code == 0
    assert loa("slot", "add", "sang", "06:00", "06:30").exit_code == 0
    return loa


def add(town, *content: str) -> object:
    return town("msg", "add", "--title", "T", *content, "--blocks", "K1", "--slots", "sang")


@pytest.fixture
def approved(town):
    result = add(town, "--text", TEXT)
    assert result.exit_code == 0, result.stderr
    assert town("msg", "approve", "1").exit_code == 0
    return town


def render_path(town, message_id: int = 1) -> Path:
    shown = json.loads(town("msg", "show", str(message_id), "--json").stdout)
    return Path(shown["render"]["path"])


def no_part_files(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if p.name.endswith((".part", ".tmp"))]


# -- --out -------------------------------------------------------------------------------------


@pytest.fixture
def on_sqlite(tmp_path):
    """An approved message on a station whose database is an SQLite file (whatever db_kind),
    here in a folder of its own outside the station folder: ``run.db`` is that file."""
    runner = CliRunner(mix_stderr=False)
    home, db = tmp_path / "sqlite-home", tmp_path / "elsewhere" / "station.db"
    db.parent.mkdir()
    env = {"LOA_HOME": str(home), "LOA_DB_URL": f"sqlite:///{db}",
           "LOA_SPEECH_ENGINE": "espeak", "LOA_TIMEZONE": "Asia/Ho_Chi_Minh"}  # fmt: skip

    def run(*args):
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    steps = [
        ("init",),
        ("block", "add", "K1", "Khối 1"),
        ("slot", "add", "s", "06:00", "06:30"),
        ("msg", "add", "--title", "T", "--text", TEXT, "--blocks", "K1", "--slots", "s"),
        ("msg", "approve", "1"),
    ]
    for args in steps:
        assert run(*args).exit_code == 0, args
    run.home, run.db = home, db
    return run


def test_out_never_replaces_the_station_database(on_sqlite, tmp_path):
    db = on_sqlite.db
    before = sha(db)
    line = one_error_line(on_sqlite("preview", "1", "--out", str(db), "--force"))
    assert line == f"loa: error: --out {db} is the station's own database"
    for twin in (tmp_path / "twin.wav", on_sqlite.home / "loa.db"):  # a hard link, anywhere
        os.link(db, twin)
        line = one_error_line(on_sqlite("preview", "1", "--out", str(twin), "--force"))
        assert "is the station's own database" in line or "inside the station folder" in line
    assert sha(db) == before
    assert on_sqlite("msg", "list").exit_code == 0


def test_out_never_replaces_the_database_in_the_station_folder(approved):
    target = approved.home / "loa.db"  # the SQLite default (a name only, on PostgreSQL)
    before = sha(target) if target.exists() else None
    line = one_error_line(approved("preview", "1", "--out", str(target), "--force"))
    assert line == (
        f"loa: error: --out {target} is inside the station folder: write it somewhere else"
    )
    assert (sha(target) if target.exists() else None) == before
    assert approved("msg", "list").exit_code == 0


@pytest.mark.parametrize("inside", ["loa.toml", "cache/new.wav", "recordings/x.wav", "x.wav"])
def test_out_never_writes_into_the_station_folder(approved, inside):
    target = approved.home / inside
    target.parent.mkdir(exist_ok=True)
    line = one_error_line(approved("preview", "1", "--out", str(target), "--force"))
    assert line.endswith("is inside the station folder: write it somewhere else")
    assert no_part_files(approved.home)


def test_out_through_a_linked_folder_into_the_station(approved, tmp_path):
    link = tmp_path / "innocent"
    link.symlink_to(approved.home)
    line = one_error_line(approved("preview", "1", "--out", str(link / "loa.db"), "--force"))
    assert "is inside the station folder" in line


def test_out_refuses_an_existing_file_without_force(approved, tmp_path):
    out = tmp_path / "tiem-chung.wav"
    out.write_text("the officer's notes", encoding="utf-8")
    line = one_error_line(approved("preview", "1", "--out", str(out)))
    assert line == f"loa: error: --out {out} exists; give --force to replace it"
    assert out.read_text(encoding="utf-8") == "the officer's notes"
    result = approved("preview", "1", "--out", str(out), "--force")
    assert result.exit_code == 0, result.stderr
    assert sha(out) == sha(render_path(approved))
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == [out.name]


def test_out_writes_a_new_file(approved, tmp_path):
    out = tmp_path / "tiem-chung.wav"
    result = approved("preview", "1", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"wrote {out} (")
    assert sha(out) == sha(render_path(approved))
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_out_replaces_a_symbolic_link_never_what_it_points_to(approved, tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me", encoding="utf-8")
    link = tmp_path / "out.wav"
    link.symlink_to(precious)
    line = one_error_line(approved("preview", "1", "--out", str(link)))
    assert "exists (a symbolic link); give --force to replace the link" in line
    assert approved("preview", "1", "--out", str(link), "--force").exit_code == 0
    assert not link.is_symlink() and sha(link) == sha(render_path(approved))
    assert precious.read_text(encoding="utf-8") == "keep me"


def test_out_never_writes_a_fifo(approved, tmp_path):
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    for force in ((), ("--force",)):
        line = one_error_line(approved("preview", "1", "--out", str(fifo), *force))
        assert line == (
            f"loa: error: --out {fifo} is a FIFO (named pipe): only a regular file can be written"
        )
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert no_part_files(tmp_path)


def test_out_never_replaces_a_device(approved, tmp_path):
    """As root the old code replaced a device node by a regular file (/dev/full)."""
    devices = [Path("/dev/null")]
    if os.geteuid() == 0:
        node = tmp_path / "full"
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # what /dev/full is
        devices += [node, Path("/dev/full")]
    for device in devices:
        before = os.lstat(device)
        line = one_error_line(approved("preview", "1", "--out", str(device), "--force"))
        assert line == f"loa: error: --out {device} is a device: only a regular file can be written"
        after = os.lstat(device)
        assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert no_part_files(tmp_path)
    assert not list(Path("/dev").glob("*.part"))


def test_out_in_a_missing_folder(approved, tmp_path):
    out = tmp_path / "nope" / "x.wav"
    line = one_error_line(approved("preview", "1", "--out", str(out)))
    assert line == f"loa: error: cannot write {out}: the folder {out.parent} does not exist"


def _limited(env: dict[str, str], limit: int, *args: str) -> subprocess.CompletedProcess:
    """``loa ARGS`` with files limited to ``limit`` bytes (EFBIG, as a full disk fails)."""
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from loabroadcast.cli import main\n"
        f"sys.argv = ['loa', *{list(args)!r}]\n"
        "main()\n"
    )
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    full_env.update({k: v for k, v in env.items() if v})
    return subprocess.run(
        [sys.executable, "-c", code], env=full_env, capture_output=True, text=True, timeout=120
    )


def test_out_that_cannot_be_written_leaves_nothing(approved, env_for, tmp_path):
    out = tmp_path / "big.wav"
    done = _limited(env_for(LOA_SPEECH_ENGINE="espeak"), 100_000, "preview", "1", "--out", str(out))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"loa: error: cannot write {out}: File too large\n"
    assert not out.exists() and no_part_files(tmp_path)


def test_approve_when_the_cache_cannot_be_written(town, env_for, settings):
    """A full disk at approval: approved (one transaction), the audio left for later, no
    traceback and no partial render."""
    assert add(town, "--text", TEXT).exit_code == 0
    # the same speech is already in the cache (espeak-ng, a child process, would be killed by
    # SIGXFSZ rather than see the error): only the programme (~700 KB) is written
    assert add(town, "--text", TEXT, "--repeat", "2").exit_code == 0
    assert town("msg", "approve", "2").exit_code == 0
    cached = {p for p in (settings.home / "cache").rglob("*") if p.is_file()}
    done = _limited(env_for(LOA_SPEECH_ENGINE="espeak"), 400_000, "msg", "approve", "1")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "approved message 1"
    assert lines[1].startswith("audio not rendered yet (cannot write the render cache ")
    assert "File too large); `loa render` or the daemon will retry" in lines[1]
    assert "Traceback" not in done.stderr
    after = {p for p in (settings.home / "cache").rglob("*") if p.is_file()}
    assert after == cached  # nothing new, nothing partial
    result = town("render")  # space is back: it renders
    assert result.exit_code == 0 and result.stdout.startswith("message 1: ")


# -- --text-file -------------------------------------------------------------------------------


def test_text_file_that_is_a_device(town):
    line = one_error_line(add(town, "--text-file", "/dev/zero"))
    assert line == "loa: error: text file /dev/zero is a device, not a regular file"


def test_text_file_that_is_a_fifo_does_not_hang(town, env_for, tmp_path):
    fifo = tmp_path / "tb.txt"
    os.mkfifo(fifo)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env.update({k: v for k, v in env_for().items() if v})
    args = ["msg", "add", "--title", "T", "--text-file", str(fifo), "--blocks", "K1"]
    done = subprocess.run(
        [*LOA, *args, "--slots", "sang"], env=env, capture_output=True, text=True, timeout=30
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"loa: error: text file {fifo} is a FIFO (named pipe), not a regular file\n"
    )


def test_text_file_linked_to_a_device(town, tmp_path):
    link = tmp_path / "tb.txt"
    link.symlink_to("/dev/zero")
    line = one_error_line(add(town, "--text-file", str(link)))
    assert line.endswith("is a device, not a regular file")


def test_text_file_with_nul_bytes(town, tmp_path):
    path = tmp_path / "tb.txt"
    path.write_bytes("Thông báo\nhọp\x00 tổ".encode())
    line = one_error_line(add(town, "--text-file", str(path)))
    assert line == (
        f"loa: error: text file {path} holds a control character (U+0000) at line 2, column 4: "
        "only text, newlines and tabs can be read aloud"
    )
    assert town("msg", "list", "--json").stdout == "[]\n"


def test_text_with_an_escape_character(town):
    line = one_error_line(add(town, "--text", "Họp tổ \x1b[31mgấp"))
    assert "holds a control character (U+001B) at line 1, column 8" in line


def test_a_huge_text_file_is_refused_without_reading_it(town, tmp_path):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(4 * 1024**3)  # 4 GiB, sparse: reading it all would exhaust memory
    line = one_error_line(add(town, "--text-file", str(huge)))
    assert line == (
        f"loa: error: text file {huge} is longer than 20,000 characters: split it into two messages"
    )


def test_read_text_file_limits_and_line_ends(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("a" * 20_000, encoding="utf-8")
    assert len(read_text_file(path)) == 20_000
    path.write_text("ă" * 20_001, encoding="utf-8")
    with pytest.raises(InvalidInput, match="has 20,001 characters; the limit is 20,000"):
        read_text_file(path)
    path.write_bytes("\ufeffDòng 1\r\nDòng\t2\r\n".encode())
    assert read_text_file(path) == "Dòng 1\nDòng\t2\n"
    path.write_bytes(b"lone\rreturn")
    with pytest.raises(InvalidInput, match=r"\(U\+000D\) at line 1, column 5"):
        read_text_file(path)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("ok\tok\nok", None),
        ("a\x00", (1, 2, "\x00")),
        ("x\ny\x7f", (2, 2, "\x7f")),
        ("\x85", (1, 1, "\x85")),
        ("Khối 1", None),
    ],
)
def test_find_control(text, found):
    assert find_control(text) == found


# -- --audio -----------------------------------------------------------------------------------


def test_audio_that_is_a_fifo_or_a_device(town, tmp_path):
    fifo = tmp_path / "ghi-am.wav"
    os.mkfifo(fifo)
    line = one_error_line(add(town, "--audio", str(fifo)))
    assert line == f"loa: error: audio file {fifo} is a FIFO (named pipe), not a regular file"
    link = tmp_path / "zero.mp3"
    link.symlink_to("/dev/zero")
    line = one_error_line(add(town, "--audio", str(link)))
    assert line == f"loa: error: audio file {link} is a device, not a regular file"
    assert (
        not list((town.home / "recordings").glob("*"))
        if (town.home / "recordings").exists()
        else True
    )


# -- a read-only station folder ----------------------------------------------------------------


def _daemon_in(home: Path, prefix: list[str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env["LOA_HOME"] = str(home)
    env["LOA_LANG"] = "en"
    return subprocess.run(
        [*prefix, *LOA, "daemon", "--sink", "null"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_daemon_in_a_read_only_station_folder(tmp_path):
    from loabroadcast.config import load_settings
    from loabroadcast.services import init_station

    home = tmp_path / "home"
    init_station(load_settings(home, env={}))
    prefix = []
    if os.geteuid() == 0:  # root ignores file modes unless it gives up that power
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    home.chmod(0o500)
    try:
        done = _daemon_in(home, prefix)
    finally:
        home.chmod(0o700)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"loa: error: cannot open the daemon's lock file {home / 'daemon.lock'}: "
        "Permission denied\n"
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="a read-only mount needs root")
def test_daemon_on_a_read_only_file_system(tmp_path):
    """EROFS, as on a station PC whose disk was remounted read-only after errors."""
    from loabroadcast.config import load_settings
    from loabroadcast.services import init_station

    home = tmp_path / "home"
    init_station(load_settings(home, env={}))
    script = f'mount --bind "{home}" "{home}" && mount -o remount,bind,ro "{home}" && exec "$@"'
    done = _daemon_in(home, ["unshare", "--mount", "sh", "-c", script, "sh"])
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"loa: error: cannot open the daemon's lock file {home / 'daemon.lock'}: "
        "Read-only file system\n"
    )


# -- a full disk (a real ENOSPC: a tiny tmpfs in a private mount namespace) --------------------

FULL_DISK = r"""
set -u
mount -t tmpfs -o size=3m tmpfs "$T"
export LOA_HOME="$T/home"
step() {  # run loa, print "== <exit status>" and its stderr after its stdout
  "$@" > "$LOGS/out" 2> "$LOGS/err"; status=$?  # the logs are not on the full disk
  echo "== $status"; cat "$LOGS/out"; echo "-- stderr"; cat "$LOGS/err"
}
loa init > /dev/null && loa block add K1 "Khối 1" > /dev/null
loa slot add sang 06:00 06:30 > /dev/null
loa msg add --title T --text "Trạm Y tế thông báo lịch tiêm chủng cho trẻ em." \
    --blocks K1 --slots sang > /dev/null
avail=$(df -k --output=avail "$T" | tail -1)
dd if=/dev/zero of="$T/filler" bs=1k count=$((avail - 200)) 2> /dev/null
step loa msg approve 1
step loa msg add --title T2 --text "Họp tổ dân phố." --blocks K1 --slots sang
step loa msg list
step loa preview 1 --out "$T/out.wav"
dd if=/dev/zero of="$T/filler2" bs=1k 2> /dev/null  # the last block too
step loa msg approve 2
step loa msg list
rm -f "$T/filler" "$T/filler2"
step loa render
find "$T/home" \( -name "*.tmp" -o -name "*.part" -o -name ".assemble-*" -o -name ".incoming-*" \) \
    -printf "LEFT %p\n"
umount "$T"
"""


def _namespace_prefix() -> list[str] | None:
    for prefix in (["unshare", "--mount"], ["unshare", "--map-root-user", "--mount"]):
        try:
            ok = subprocess.run([*prefix, "true"], capture_output=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if ok.returncode == 0:
            return prefix
    return None


@pytest.mark.slow
def test_a_full_disk_is_one_line_per_command_and_leaves_nothing_half_written(tmp_path):
    prefix = _namespace_prefix()
    if prefix is None:
        pytest.skip("no mount namespace here for a tiny tmpfs (the file-size tests stand in)")
    disk, logs = tmp_path / "disk", tmp_path / "logs"
    disk.mkdir()
    logs.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env.update(
        T=str(disk),
        LOGS=str(logs),
        LOA_LANG="en",
        LOA_SPEECH_ENGINE="espeak",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    done = subprocess.run(
        [*prefix, "bash", "-c", FULL_DISK], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    steps = done.stdout.split("== ")[1:]
    assert len(steps) == 7, done.stdout
    for step in steps:
        status, rest = step.split("\n", 1)
        out, err = rest.split("-- stderr\n", 1)
        problems = [line for line in err.splitlines() if not line.startswith("warning: ")]
        assert "Traceback" not in err, step
        if status == "0":
            assert problems == [], step
        else:
            assert status == "1" and len(problems) == 1, step
            assert problems[0].startswith("loa: error: "), step
    approve, _, _, preview, approve_full, _, render = steps
    assert approve.startswith("0\napproved message 1\naudio not rendered yet (cannot write the "
                              "render cache ")  # fmt: skip
    assert "No space left on device" in approve
    assert preview.startswith("1\n")
    assert "No space left on device" in preview or "is not rendered" in preview
    assert "database" in approve_full  # the database cannot grow: one line, nothing changed
    assert render.startswith("0\nmessage 1: "), render  # space is back: it renders
    assert "LEFT " not in done.stdout


@pytest.mark.parametrize(
    "args",
    [("msg", "list"), ("msg", "approve", "1"), ("schedule",), ("status",), ("log",),
     ("preview", "1", "--out", "x.wav"), ("play-now", "1")],
    ids=" ".join,
)  # fmt: skip
def test_the_database_gone_is_one_line(on_sqlite, args):
    """(A PostgreSQL server that is gone is tested with the reader.) ``loa status`` still
    says first what the station folder knows without the database: no daemon holds it."""
    for path in on_sqlite.db.parent.glob("station.db*"):
        path.unlink()
    result = on_sqlite(*args)
    line = "loa: error: no station database here: run `loa init` first"
    if args == ("status",):
        assert (result.exit_code, result.stdout, result.stderr) == (
            1, "daemon: NOT running\n", line + "\n")  # fmt: skip
    else:
        assert one_error_line(result) == line
