"""A real Icecast server for the tests and the bench (Debian's ``icecast2``), and ffmpeg feeders.

The server runs as its own user (``icecast2`` refuses root), listens on a free loopback
port, keeps its config and logs in a private folder, and drops a source after
``source-timeout`` seconds of silence from it. A feeder is ``ffmpeg -re -f lavfi -i sine=…``
encoding a steady tone (MP3, AAC or Ogg/Opus) to a mount point; killing it is the
upstream going away.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from missing import missing

PASSWORD = "loa-source-pw"
USER = "icecast2"

CONFIG = """<icecast>
  <limits>
    <clients>50</clients><sources>10</sources>
    <source-timeout>{timeout}</source-timeout>
    <burst-on-connect>1</burst-on-connect><burst-size>65536</burst-size>
  </limits>
  <authentication>
    <source-password>{password}</source-password>
    <admin-user>admin</admin-user><admin-password>{password}</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>{port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>0</fileserve>
  <paths>
    <basedir>/usr/share/icecast2</basedir><logdir>{folder}</logdir>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot>
    <pidfile>{folder}/icecast.pid</pidfile>
  </paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog>
    <loglevel>3</loglevel></logging>
  <security><chroot>0</chroot></security>
</icecast>
"""

# codec -> ffmpeg output options and the content type Icecast is told
FORMATS = {
    "mp3": (["-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3"], "audio/mpeg"),
    "aac": (["-c:a", "aac", "-b:a", "96k", "-f", "adts"], "audio/aac"),
    "opus": (["-c:a", "libopus", "-b:a", "64k", "-f", "ogg"], "application/ogg"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 1.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            answer.read(1)
            return answer.status
    except urllib.error.HTTPError as err:
        return err.code
    except (OSError, urllib.error.URLError):
        return 0


@dataclass
class Feeder:
    """ffmpeg sending a tone to a mount."""

    server: IcecastServer
    mount: str
    freq: float
    codec: str
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return self.server.url(self.mount)

    def start(self, wait: bool = True) -> Feeder:
        args, content_type = FORMATS[self.codec]
        self.proc = subprocess.Popen(
            ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-re",
             "-f", "lavfi", "-i", f"sine=frequency={self.freq}:sample_rate=48000",
             *args[:-2], "-content_type", content_type, *args[-2:],
             f"icecast://source:{PASSWORD}@127.0.0.1:{self.server.port}/{self.mount}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        if wait and not self.server.wait_mount(self.mount, 10):
            err = self.stop()
            _fail(f"the feeder of /{self.mount} did not come up: {err}")
        return self

    def kill(self) -> None:
        """The upstream goes away at once (SIGKILL: no goodbye to the server)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self) -> str:
        self.kill()
        err = ""
        if self.proc is not None and self.proc.stderr is not None:
            err = self.proc.stderr.read().decode(errors="replace")
            self.proc.stderr.close()
        return err


@dataclass
class IcecastServer:
    folder: Path
    port: int
    proc: subprocess.Popen
    feeders: list[Feeder] = field(default_factory=list)

    def url(self, mount: str) -> str:
        return f"http://127.0.0.1:{self.port}/{mount}"

    def mount_up(self, mount: str) -> bool:
        return _get(self.url(mount)) == 200

    def wait_mount(self, mount: str, timeout: float, up: bool = True) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.mount_up(mount) == up:
                return True
            time.sleep(0.05)
        return False

    def feed(self, mount: str, freq: float = 440.0, codec: str = "mp3") -> Feeder:
        feeder = Feeder(self, mount, freq, codec).start()
        self.feeders.append(feeder)
        return feeder

    def stop_feeders(self) -> None:
        for feeder in self.feeders:
            feeder.stop()
        self.feeders.clear()


def _fail(reason: str):
    import pytest  # the bench uses this module too: pytest only when a test fails

    pytest.fail(reason)


def _missing(reason: str):
    missing("relays against Icecast", reason)


def start_icecast(source_timeout: int = 2) -> IcecastServer:
    for program in ("icecast2", "ffmpeg"):
        if shutil.which(program) is None:
            _missing(f"{program} not found: apt-get install icecast2 ffmpeg")
    reason = ""
    for _attempt in range(3):  # a free port may be taken by another test run meanwhile
        server, reason = _try_icecast(source_timeout)
        if server is not None:
            return server
    _fail(reason)


def _try_icecast(source_timeout: int) -> tuple[IcecastServer | None, str]:
    folder = Path(tempfile.mkdtemp(prefix="loa-icecast-"))
    port = free_port()
    config = folder / "icecast.xml"
    config.write_text(
        CONFIG.format(timeout=source_timeout, password=PASSWORD, port=port, folder=folder),
        encoding="utf-8",
    )
    argv = ["icecast2", "-c", str(config)]
    if os.geteuid() == 0:  # icecast2 refuses to run as root: as its own user
        shutil.chown(folder, user=USER)
        shutil.chown(config, user=USER)
        argv = ["runuser", "-u", USER, "--", *argv]
    proc = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    server = IcecastServer(folder, port, proc)
    deadline = time.monotonic() + 10
    while True:
        up = _get(f"http://127.0.0.1:{port}/status-json.xsl") == 200
        if up:  # ours, not another run's on the same port: still alive a moment later
            time.sleep(0.3)
            if proc.poll() is None:
                return server, ""
        if proc.poll() is not None or time.monotonic() > deadline:
            log = (
                (folder / "error.log").read_text(errors="replace")[-1500:]
                if (folder / "error.log").exists()
                else ""
            )
            stop_icecast(server)
            return None, f"icecast2 did not start on port {port}: {log}"
        time.sleep(0.05)


def stop_icecast(server: IcecastServer) -> None:
    server.stop_feeders()
    if server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(5)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait()
    shutil.rmtree(server.folder, ignore_errors=True)
