"""``loa status``: is a daemon alive, what is on air, what is next, what went wrong.

The instance lock answers at once for this station folder (a killed daemon lets go of it
instantly), the daemon's status file tells what it knows even when it cannot write to the
database (a full disk), and the heartbeats in the database tell of daemons elsewhere.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta
from pathlib import Path

from .domain import AiringStatus
from .i18n.records import shown


def station_status(station, horizon: int = 5) -> dict:
    """Is a daemon alive, what is on air, what is next, what went wrong.

    The instance lock answers at once for this station folder (a killed daemon lets
    go of it instantly), the daemon's status file tells what it knows even when it
    cannot write to the database (a full disk), and the heartbeats in the database
    tell of daemons elsewhere.
    """
    from .store.airings import airings_on, daemon_rows
    from .store.models import AiringRow

    now = station.now()
    here = presence_here(station.settings.home)
    rows = daemon_rows(station.engine)
    live = [r for r in rows if _alive(r, now, here)]
    mine = next((r for r in live if here["lock"].held and r.pid == here["lock"].pid), None)
    # this folder's daemon (even before its heartbeat is in), else the newest one
    newest = mine if here["lock"].held else live[0] if live else rows[0] if rows else None
    file = here["file"] if here["lock"].held else None
    heartbeat = newest.heartbeat_at if newest else None
    if file and file.get("updated_at"):
        heartbeat = max(filter(None, (heartbeat, _instant(file["updated_at"]))))
    daemon = {
        "running": bool(live) or here["lock"].held,
        "pid": newest.pid if newest else here["lock"].pid,
        "host": newest.host if newest else (file or {}).get("host"),
        "sink": newest.sink if newest else (file or {}).get("sink"),
        "started_at": newest.started_at if newest else None,
        "heartbeat_at": heartbeat,
        "lock_held": here["lock"].held,
        "journal_backlog": (file or {}).get("journal_backlog", 0),
        "problems": (file or {}).get("problems", {}),
    }
    now_playing = None
    if file and file.get("now_playing"):
        np_ = file["now_playing"]
        now_playing = {
            "message_id": np_.get("message_id"),
            "title": np_.get("title"),
            "slot": np_.get("slot"),
            "blocks": np_.get("blocks", []),
            "started_at": _instant(np_.get("started_at")),
        }
    elif live and not file:
        playing = airings_on(
            station.engine, None, station.tz, AiringRow.status == AiringStatus.PLAYING.value
        )
        if playing:
            a = playing[-1]
            now_playing = {
                "message_id": a.message_id,
                "title": a.title,
                "slot": a.slot,
                "blocks": list(a.blocks),
                "started_at": a.started_at,
            }
    upcoming = []
    for programme in station.schedule(station.today(), 2):
        for item in programme.items:
            if item.start >= now and len(upcoming) < horizon:
                upcoming.append(
                    {
                        "message_id": item.message_id,
                        "title": item.title,
                        "slot": programme.slot.code,
                        "start": item.start,
                        "blocks": list(item.blocks),
                    }
                )
    last_error = None
    if file is not None:
        if file.get("last_error"):
            err = file["last_error"]
            last_error = {"text": shown(err.get("text")), "at": _instant(err.get("at"))}
    elif newest and newest.last_error:
        last_error = {"text": shown(newest.last_error), "at": newest.last_error_at}
    daemon["problems"] = {name: shown(text) for name, text in daemon["problems"].items()}
    return {
        "daemon": daemon,
        "now_playing": now_playing,
        "next": upcoming,
        "last_error": last_error,
        "flagged": [
            {"message_id": mid, "title": title, "reason": shown(reason)}
            for mid, title, reason in station.flagged()
        ],
    }


def presence_here(home: Path) -> dict:
    """This folder's daemon without the database: the lock probe and its status file."""
    from .presence import probe, read_status

    lock = probe(home)
    return {"lock": lock, "file": read_status(home) if lock.held else None}


def _alive(row, now: datetime, here: dict) -> bool:
    """A daemon row is alive: on this host, when its process lives (and, for this folder,
    holds the lock); elsewhere, when its heartbeat is recent."""
    if row.stopped_at is not None:
        return False
    fresh = now - row.heartbeat_at <= timedelta(seconds=2 * row.tick_s)
    if row.host != socket.gethostname():
        return fresh
    if here["lock"].held and row.pid == here["lock"].pid:
        return True
    return fresh and _pid_alive(row.pid)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _instant(value) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else None
