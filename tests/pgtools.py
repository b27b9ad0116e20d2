"""A fresh PostgreSQL database on the test server, for tests that build stations by hand."""

from __future__ import annotations

import itertools
import os

from missing import missing

_counter = itertools.count()


def require_pg() -> str:
    """The test server's URL (LOA_TEST_PG_URL); without one, skipped (failed under CI)."""
    url = os.environ.get("LOA_TEST_PG_URL")
    if not url:
        missing("PostgreSQL", "no PostgreSQL server: set LOA_TEST_PG_URL or run ./scripts/test")
    return url


def fresh_pg_url() -> str:
    """A new, empty database on LOA_TEST_PG_URL's server; its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(os.environ["LOA_TEST_PG_URL"])
    name = f"loa_d{os.getpid()}_{next(_counter)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


class PrivateServer:
    """A PostgreSQL cluster of a test's own (``scripts/pg-throwaway``), which the test may
    stop and start again (a district's server going away), without touching the suite's
    shared server. ``url`` reaches its database ``loa_test``."""

    def __init__(self) -> None:
        import subprocess
        from pathlib import Path

        script = Path(__file__).resolve().parents[1] / "scripts" / "pg-throwaway"
        out = subprocess.run([str(script), "start"], capture_output=True, text=True, check=True)
        found = dict(
            line.removeprefix("export ").split("=", 1)
            for line in out.stdout.splitlines()
            if line.startswith("export ")
        )
        self.script = script
        self.dir = Path(found["PG_THROWAWAY_DIR"])
        self.url = found["LOA_TEST_PG_URL"].strip("'")
        self.bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version)[-1]

    def _pg_ctl(self, *args: str) -> None:
        import subprocess

        runas = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*runas, str(self.bindir / "pg_ctl"), "-D", str(self.dir / "data"), *args],
            capture_output=True,
            check=True,
        )

    def stop(self) -> None:
        """Gone at once, as a server that crashes or a link that drops."""
        self._pg_ctl("-m", "immediate", "stop")

    def start(self) -> None:
        self._pg_ctl(
            "-l", str(self.dir / "log"), "-w", "-o",
            f"-k {self.dir} -c listen_addresses='' -c fsync=off", "start",
        )  # fmt: skip

    def remove(self) -> None:
        import subprocess

        subprocess.run([str(self.script), "stop", str(self.dir)], capture_output=True)


def _version(path) -> tuple[int, ...]:
    return tuple(int(p) for p in path.parent.name.split(".") if p.isdigit())
