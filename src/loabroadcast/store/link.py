"""A station's link to a district's PostgreSQL server: how soon it gives up.

A commune on 4G loses its link now and then. libpq would wait for a server out of reach
as long as TCP does (minutes), and notice a link that died silently only after a quarter
of an hour; meanwhile a read or a write would hang. Unless the database URL says
otherwise, every connection of loabroadcast (the engine's pool, the plain reads, the
daemon's wake-up listener) gives up within seconds; the daemon airs on from what it holds.
"""

from __future__ import annotations

#: libpq settings a station's link to a district's server gets unless its URL says
#: otherwise: a server out of reach (a commune on 4G) fails a connection within seconds,
#: and a link that dies silently is noticed in about half a minute, not after TCP's
#: quarter of an hour; the daemon airs from what it holds meanwhile.
LINK_DEFAULTS = {
    "connect_timeout": 5,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 20_000,  # ms
}


def link_options(url: str) -> dict[str, int]:
    """The :data:`LINK_DEFAULTS` that the query of ``url`` does not set."""
    from urllib.parse import parse_qs, urlsplit

    given = parse_qs(urlsplit(url).query)
    return {key: value for key, value in LINK_DEFAULTS.items() if key not in given}
