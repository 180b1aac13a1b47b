"""Waiting for background work (a worker, beat, a server process): poll for the
state the test expects until a deadline generous enough for a loaded machine,
never a fixed sleep. ``BACKGROUND_DEADLINE_SECONDS`` (120 by default) is the
default deadline; a slow machine may raise it, a passing test never waits it out."""

import os
import time

DEADLINE = float(os.environ.get("BACKGROUND_DEADLINE_SECONDS", "120"))


def wait_for(predicate, timeout: float | None = None, interval: float = 0.2, what="condition"):
    """The predicate's first truthy result; AssertionError naming ``what`` at the deadline."""
    timeout = DEADLINE if timeout is None else max(timeout, DEADLINE)
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)
