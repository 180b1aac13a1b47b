"""Exactly one Celery beat sends the schedule, however many are started.

``celery beat`` takes a lock before it sends anything and holds it for as long as it
runs; a second beat started meanwhile (a second host, an operator's mistake, a
restart overlapping the old process) waits as a standby and takes over when the
holder's lock goes: when that process exits or its host dies.

The lock lives where every beat can see it:
- PostgreSQL: a session advisory lock on a connection of its own, released by the
  server the moment that connection closes (the process died or lost its network);
- SQLite (the embedded default, one machine): an exclusive ``flock`` on a file beside
  the database, released by the kernel when the process exits.
"""

import fcntl
import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)

# pg_try_advisory_lock's key: "vetting beat" as a 64-bit number, fixed forever.
ADVISORY_KEY = 0x76657474696E6762
_held = []  # what keeps the lock alive for the process's lifetime


def _postgres_lock():
    """A database connection of our own (Django's settings: host, SSL, options)
    holding the advisory lock, or None if another process has it."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    with wrapper.connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
        got = cursor.fetchone()[0]
    if got:
        return wrapper
    wrapper.close()
    return None


def _file_lock():
    path = Path(settings.VAR_DIR) / "celerybeat.lock"
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def try_acquire():
    """Take the lock if it is free; returns whether this process now holds it."""
    if _held:
        return True
    vendor = connections["default"].vendor
    holder = _postgres_lock() if vendor == "postgresql" else _file_lock()
    if holder is not None:
        _held.append(holder)
    return holder is not None


def acquire(poll_seconds: float | None = None) -> None:
    """Block until this process holds the lock, saying so in the log."""
    poll = settings.BEAT_LOCK_POLL_SECONDS if poll_seconds is None else poll_seconds
    if try_acquire():
        log.info("beat lock taken: this beat sends the schedule")
        return
    log.warning("another beat holds the lock: standing by, retrying every %ss", poll)
    while not try_acquire():
        time.sleep(poll)
    log.warning("beat lock taken over: this beat now sends the schedule")


def release() -> None:
    while _held:
        _held.pop().close()
