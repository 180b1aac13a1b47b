"""How long the gateway API may reuse what it read: at most ``MAX_AGE`` seconds.

A worker keeps what it reads for the API (keys, the gated models, the deny list,
answers) in a memo that belongs to one window of MAX_AGE seconds of its monotonic
clock; when the window ends the memo is dropped whole. A request takes the memo of
the window it starts in and reads only after that, so nothing is kept more than
MAX_AGE after the database read it came from, and an answer built from several
kept facts ends with them.

A revocation, suspension or deny-list change is therefore a database write and
nothing else: no cache has to be told, so no cache, broker or publish that is down
can delay it. What a worker read before the commit is dropped within MAX_AGE of
that read, hence of the commit; what it reads after sees the commit. No failure
mode serves an answer more than MAX_AGE (0.5 s) after the commit that changed it.
The process that made a change drops its memo as the transaction commits
(``changed``), so it answers from the database at once.

The cost is one re-read per fact per worker every MAX_AGE: a few indexed queries a
second per worker, however many requests it serves, paid by the window's first
request. Each process's windows start at a random phase of its own, so the workers
of one server do not all pay it at the same instant.
"""

import os
import random
import threading
import time

from django.db import transaction

MAX_AGE = 0.5
MAX_ENTRIES = 100_000


class _Memo:
    window: int = -1
    data: dict = {}
    pid: int | None = None  # the process the phase was drawn in (gunicorn forks)
    phase: float = 0.0


_memo = _Memo()
_lock = threading.Lock()


def memo() -> dict:
    """The memo of the current window; take it before the reads whose results go in."""
    if _memo.pid != os.getpid():
        with _lock:
            _memo.phase, _memo.pid = random.uniform(0, MAX_AGE), os.getpid()  # noqa: S311
            _memo.data, _memo.window = {}, -1
    window = int((time.monotonic() + _memo.phase) / MAX_AGE)
    if _memo.window != window:
        with _lock:
            if _memo.window != window:
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


def put(data: dict, name, value) -> None:
    if len(data) >= MAX_ENTRIES:
        data.clear()
    data[name] = value


def forget() -> None:
    """Drop this process's memo: the next request reads the database."""
    with _lock:
        _memo.data, _memo.window = {}, -1


def changed() -> None:
    """Call inside the transaction of any write that can change an API answer: this
    process forgets what it kept now and again as the write commits (what another
    thread read meanwhile is from before the commit); other processes' memos end
    within MAX_AGE on their own."""
    forget()
    transaction.on_commit(forget)
