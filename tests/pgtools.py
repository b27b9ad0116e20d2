"""A fresh PostgreSQL database on the test server, for tests that build stations by hand."""

from __future__ import annotations

import itertools
import os

_counter = itertools.count()


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
