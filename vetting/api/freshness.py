"""How long the gateway API may reuse what it read: at most ``MAX_AGE`` seconds.

A worker keeps what it reads for the API (keys, the gated models, the deny list,
answers) in a memo that belongs to one window of its monotonic clock, WINDOW =
MAX_AGE / 2 long; the memo is read from during its window and the next, then
dropped whole. A request takes the memo of the window it starts in and reads only
after that, so nothing is served more than MAX_AGE after the database read it came
from, and an answer built from several kept facts ends with them.

A revocation, suspension or deny-list change is therefore a database write and
nothing else: no cache has to be told, so no cache, broker or publish that is down
can delay it. What a worker read before the commit is dropped within MAX_AGE of
that read, hence of the commit; what it reads after sees the commit. No failure
mode serves an answer more than MAX_AGE (0.5 s) after the commit that changed it.
The process that made a change drops its memo as the transaction commits
(``changed``), so it answers from the database at once.

Within its window a memo is what ``fetch`` answers from. In the next window only
the check's answers (``kept``) are taken from it, once each: the answer is then
recomputed into the new window's memo after the response has been sent (Django's
``request_finished``, which the WSGI server fires on closing the response), so a
gateway that keeps asking never waits on a read. Only what a window's own reads
produced goes into its memo: nothing taken from the previous one is copied forward.

The cost is a re-read per fact per worker every window: a few indexed queries a
second per worker, however many requests it serves, paid after a response (or, for
an ask not seen in the last two windows, by the request itself). Each process's
windows start at a random phase of its own, so the workers of one server do not all
re-read at the same instant.
"""

import logging
import os
import random
import threading
import time

from django.core.signals import request_finished
from django.db import DatabaseError, transaction

MAX_AGE = 0.5
WINDOW = MAX_AGE / 2  # a window's memo serves this window and, as previous, the next
MAX_ENTRIES = 100_000

log = logging.getLogger(__name__)


class _Memo:
    window: int = -1
    data: dict = {}
    previous: dict = {}  # the memo of window - 1 (empty if that window had none)
    pid: int | None = None  # the process the phase was drawn in (gunicorn forks)
    phase: float = 0.0


_memo = _Memo()
_lock = threading.Lock()
_after = threading.local()  # .pending: what to compute once the response is sent


def memo() -> dict:
    """The memo of the current window; take it before the reads whose results go in."""
    if _memo.pid != os.getpid():
        with _lock:
            _memo.phase, _memo.pid = random.uniform(0, WINDOW), os.getpid()  # noqa: S311
            _memo.data, _memo.previous, _memo.window = {}, {}, -1
    window = int((time.monotonic() + _memo.phase) / WINDOW)
    if _memo.window != window:
        with _lock:
            if _memo.window != window:
                follows = window == _memo.window + 1
                _memo.previous = _memo.data if follows else {}
                _memo.data, _memo.window = {}, window
    return _memo.data


def fetch(name, compute):
    """The value kept under ``name`` in this window, or ``compute()``'s, kept."""
    data = memo()
    value = data.get(name)
    if value is None:
        value = compute()
        put(data, name, value)
    return value


def kept(name, usable, refresh):
    """A request's answer kept under ``name``: this window's if ``usable``, else the
    previous window's if ``usable``, with ``refresh()`` (which takes the memo and
    ``put``s the answer in it) run after the response is sent; else None. For
    answers only: what ``refresh`` computes must not itself come from ``kept``."""
    value = memo().get(name)
    if value is not None and usable(value):
        return value
    value = _memo.previous.get(name)
    if value is not None and usable(value):
        _after.__dict__.setdefault("pending", {})[name] = refresh
        return value
    return None


def _compute_pending(**kwargs) -> None:
    pending = _after.__dict__.pop("pending", None) or {}
    for name, compute in pending.items():
        current = memo()
        # Served once at most: if the refresh fails or refuses, the next request
        # computes the answer itself (and meets the refusal, or fails closed).
        _memo.previous.pop(name, None)
        if name in current:
            continue
        try:
            compute()
        except DatabaseError:
            log.warning("refreshing %r after the response failed", name[0], exc_info=True)
        except Exception:
            log.exception("refreshing %r after the response failed", name[0])


request_finished.connect(_compute_pending, dispatch_uid="vetting.api.freshness")


def put(data: dict, name, value) -> None:
    if len(data) >= MAX_ENTRIES:
        data.clear()
    data[name] = value


def forget() -> None:
    """Drop this process's memo: the next request reads the database."""
    with _lock:
        _memo.data, _memo.previous, _memo.window = {}, {}, -1
    _after.__dict__.pop("pending", None)


def changed() -> None:
    """Call inside the transaction of any write that can change an API answer: this
    process forgets what it kept now and again as the write commits (what another
    thread read meanwhile is from before the commit); other processes' memos end
    within MAX_AGE on their own."""
    forget()
    transaction.on_commit(forget)
