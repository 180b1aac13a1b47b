"""How long the check's answers may be reused: the change generation.

Every write that can change a check answer (a clearance, a gated model, the deny
list, an organization, a gateway key) replaces a random token in the shared cache
(Redis in production): once inside the writing transaction, so a write fails (and
rolls back) if the cache is down, and once after commit, so nothing read before
the commit survives it. Each worker process re-reads the token at most every
``LOCAL_TTL`` seconds and drops its in-process answers when the token changed.

A change is therefore visible to every process within LOCAL_TTL (0.5 s) of its
commit, and at once in the process that made it. If the cache cannot be read,
``current()`` raises Unavailable and the check fails closed (503). In the
embedded default (no Redis, a per-process cache) the token is a file under
VAR_DIR, so the web server still sees the Celery worker's changes.
"""

import logging
import os
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

log = logging.getLogger(__name__)

GENERATION_KEY = "vetting:api:generation"
LOCAL_TTL = 0.5


class Unavailable(Exception):
    """The shared cache (or the database behind a cache miss) cannot be reached."""


class _Seen:
    """This process's view of the generation token and when it was read."""

    token: str | None = None
    read_at: float = 0.0


_local = _Seen()
_lock = threading.Lock()
# Answers and reference data computed under one generation; replaced when it changes.
_memo: dict = {"token": None, "data": {}}


def _token_file() -> Path:
    return Path(settings.VAR_DIR) / "api-generation"


def _process_local_cache() -> bool:
    """True for the embedded default (LocMemCache), which other processes (the
    Celery worker, a second web process) cannot see: the token then lives in a
    small file under VAR_DIR instead, shared by every process on the machine."""
    return isinstance(_backend(), LocMemCache)


def _backend():
    return caches[DEFAULT_CACHE_ALIAS]


def _fetch_from_file() -> str:
    path = _token_file()
    try:
        return path.read_text().strip() or _write_file()
    except FileNotFoundError:
        return _write_file()
    except OSError as exc:
        raise Unavailable("the clearance generation file is unreadable") from exc


def _write_file() -> str:
    token = uuid.uuid4().hex
    path = _token_file()
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(token)
    os.replace(tmp, path)  # atomic: readers see the old or the new token
    return token


def _fetch_token() -> str:
    if _process_local_cache():
        return _fetch_from_file()
    try:
        token = cache.get(GENERATION_KEY)
        if token is None:
            token = uuid.uuid4().hex
            # add: another process may have set one meanwhile; use whichever won.
            if not cache.add(GENERATION_KEY, token, timeout=None):
                token = cache.get(GENERATION_KEY)
    except Exception as exc:  # any cache-client error means "cannot know"
        raise Unavailable("the clearance cache is unavailable") from exc
    if token is None:
        raise Unavailable("the clearance cache is unavailable")
    return token


def current() -> str:
    """The generation token, re-read from the shared cache at most every LOCAL_TTL."""
    now = time.monotonic()
    if _local.token is None or now - _local.read_at >= LOCAL_TTL:
        _local.token = _fetch_token()
        _local.read_at = now
    return _local.token


def memo() -> dict:
    """The in-process memo for the current generation (emptied when it changes)."""
    token = current()
    if _memo["token"] != token:
        with _lock:
            if _memo["token"] != token:
                _memo["token"], _memo["data"] = token, {}
    return _memo["data"]


def _forget_locally() -> None:
    _local.token = None
    with _lock:
        _memo["token"], _memo["data"] = None, {}


def bump() -> None:
    """Start a new generation now (raises if the cache is down)."""
    if _process_local_cache():
        _write_file()
    else:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    _forget_locally()


def _bump_after_commit() -> None:
    try:
        bump()
    except Exception:
        # The in-transaction bump succeeded moments ago, so only answers computed
        # between it and the commit can be stale; say so loudly.
        log.exception("could not start a new check generation after commit")


def changed() -> None:
    """Call inside the transaction of any change that can alter a check answer."""
    bump()
    transaction.on_commit(_bump_after_commit)
