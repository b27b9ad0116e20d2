"""Is a daemon running for this folder, and what does it say, without the database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from loabroadcast.errors import LoaError
from loabroadcast.presence import (
    STATUS_SIZE,
    InstanceLock,
    LockState,
    StatusFile,
    probe,
    read_status,
)
from missing import missing

HOLDER = """
import sys, time
from pathlib import Path
from loabroadcast.presence import InstanceLock
InstanceLock(Path(sys.argv[1])).acquire()
print("locked", flush=True)
time.sleep(60)
"""


def test_probe_sees_a_live_holder_and_not_a_killed_one(tmp_path):
    assert probe(tmp_path) == LockState(False, None)  # no lock file: nobody
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "locked"
        state = probe(tmp_path)
        assert state.held and state.pid == proc.pid
        with pytest.raises(LoaError, match=f"already running for this station \\(pid {proc.pid}"):
            InstanceLock(tmp_path).acquire()
        proc.send_signal(signal.SIGKILL)
        proc.wait(5)
        began = time.monotonic()
        assert not probe(tmp_path).held  # at once: the kernel dropped the lock
        assert time.monotonic() - began < 0.1
        InstanceLock(tmp_path).acquire().release()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_probe_does_not_keep_a_daemon_from_starting(tmp_path):
    lock = InstanceLock(tmp_path).acquire()
    lock.release()
    for _ in range(50):
        probe(tmp_path)
    lock = InstanceLock(tmp_path).acquire()
    assert probe(tmp_path).held and probe(tmp_path).pid == os.getpid()
    lock.release()


def test_the_status_file_is_overwritten_in_place(tmp_path):
    status = StatusFile(tmp_path).open()
    inode = os.stat(status.path).st_ino
    assert os.path.getsize(status.path) == STATUS_SIZE
    assert status.write({"pid": 12, "now_playing": {"title": "Bão số 4"}})
    assert read_status(tmp_path) == {"pid": 12, "now_playing": {"title": "Bão số 4"}}
    assert status.write({"pid": 12, "last_error": {"text": "x" * 20000}})  # trimmed to fit
    assert len(read_status(tmp_path)["last_error"]["text"]) == 300
    assert os.path.getsize(status.path) == STATUS_SIZE
    assert os.stat(status.path).st_ino == inode
    status.close(final={"stopped": True})
    assert read_status(tmp_path) == {"stopped": True}


def test_the_status_file_is_written_on_a_full_disk(tmp_path):
    """Its blocks are allocated when the daemon starts: later writes need none."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                      capture_output=True).returncode:  # fmt: skip
        missing("a full disk", "cannot mount a tmpfs here (needs root)")
    try:
        status = StatusFile(mount).open()
        with open(mount / "filler", "wb") as filler, pytest.raises(OSError):
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        assert status.write({"pid": 1, "last_error": {"text": "disk full"}})
        assert read_status(mount)["last_error"]["text"] == "disk full"
        status.close()
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
