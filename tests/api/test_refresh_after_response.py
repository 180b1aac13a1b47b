"""A repeated ask in the window after its answer was computed is answered from the
previous window's memo with no read, and recomputed after the response is sent
(vetting.api.freshness ``kept``): never from a read older than MAX_AGE."""

import time

from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vetting.api import check, freshness
from vetting.api.models import GatewayKey


def _next_window(memo: dict) -> dict | None:
    """The memo of the window after the one ``memo`` belongs to; None if this thread
    woke too late and a window went by unseen (a loaded machine), so ``memo`` is not
    the new window's previous one."""
    while (current := freshness.memo()) is memo:
        time.sleep(0.002)
    return current if freshness._memo.previous is memo else None


def _response_sent() -> None:
    """What the WSGI server fires when a response is closed, with the test database
    left open (Django's test client does the same: close_old_connections would close
    the connection the test's transaction lives in)."""
    request_finished.disconnect(close_old_connections)
    try:
        request_finished.send(sender=None)
    finally:
        request_finished.connect(close_old_connections)


def _in_consecutive_windows(steps):
    """Run ``steps(first_memo)``, whose first ask is kept in one window and whose
    other asks fall in the next: retried until the machine was quick enough."""
    for _ in range(20):
        freshness.forget()
        result = steps()
        if result is not None:
            return result
    raise AssertionError("no run fitted in two consecutive freshness windows")


def _ask(cleared, cast, key):
    request = RequestFactory().get(
        check.CHECK_PATH,
        {"organization": cleared.organization_id, "model": cast.model.slug},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    return check.check_view(request)


def test_the_next_window_answers_with_no_read_and_refreshes_after(cleared, cast, gateway_key):
    def steps():
        first = _ask(cleared, cast, gateway_key)
        memo = freshness.memo()
        if not memo:  # the window changed while it was computed
            return None
        following = _next_window(memo)
        if following is None:
            return None
        with CaptureQueriesContext(connection) as served:
            again = _ask(cleared, cast, gateway_key)
        with CaptureQueriesContext(connection) as after:
            _response_sent()
        with CaptureQueriesContext(connection) as third:
            last = _ask(cleared, cast, gateway_key)
        if freshness.memo() is not following:
            return None
        return first, again, last, served, after, third, following

    first, again, last, served, after, third, following = _in_consecutive_windows(steps)
    assert first.status_code == again.status_code == last.status_code == 200
    assert again.content == first.content == last.content
    assert '"cleared": true' in again.content.decode()
    assert served.captured_queries == []  # the previous window's answer, no read
    assert len(after.captured_queries) >= 1  # recomputed once the response was sent
    assert third.captured_queries == []  # the refreshed answer, in this window's memo
    assert any(name[0] == "reply" for name in following)


def test_the_refresh_reads_what_changed_meanwhile(client, cleared, cast, gateway_key):
    """A write no signal reports (another process's): the kept allow may be served in
    the next window, within MAX_AGE of its read; the refresh after that response
    reads the suspension, and the next ask denies without a read."""
    headers = {"Authorization": f"Bearer {gateway_key}"}
    params = {"organization": cleared.organization_id, "model": cast.model.slug}

    def steps():
        first = client.get(check.CHECK_PATH, params, headers=headers).json()
        memo = freshness.memo()
        if not memo:
            return None
        type(cleared).objects.filter(pk=cleared.pk).update(state="suspended")
        following = _next_window(memo)
        if following is None:
            type(cleared).objects.filter(pk=cleared.pk).update(state="active")
            return None
        kept = client.get(check.CHECK_PATH, params, headers=headers).json()
        with CaptureQueriesContext(connection) as queries:
            then = client.get(check.CHECK_PATH, params, headers=headers).json()
        if freshness.memo() is not following:
            type(cleared).objects.filter(pk=cleared.pk).update(state="active")
            return None
        return first, kept, then, queries

    first, kept, then, queries = _in_consecutive_windows(steps)
    assert first["cleared"] is True and kept["cleared"] is True
    assert (then["cleared"], then["reason"]) == (False, "suspended")
    assert queries.captured_queries == []


def test_a_key_revoked_meanwhile_is_refused_after_the_refresh(client, cleared, cast, gateway_key):
    headers = {"Authorization": f"Bearer {gateway_key}"}
    params = {"organization": cleared.organization_id, "model": cast.model.slug}

    def steps():
        first = client.get(check.CHECK_PATH, params, headers=headers)
        memo = freshness.memo()
        if not memo:
            return None
        GatewayKey.objects.update(revoked_at=timezone.now())  # no signal: another process
        following = _next_window(memo)
        if following is None:
            GatewayKey.objects.update(revoked_at=None)
            return None
        kept = client.get(check.CHECK_PATH, params, headers=headers)
        then = client.get(check.CHECK_PATH, params, headers=headers)
        if freshness.memo() is not following:
            GatewayKey.objects.update(revoked_at=None)
            return None
        return first, kept, then

    first, kept, then = _in_consecutive_windows(steps)
    assert first.status_code == kept.status_code == 200
    assert then.status_code == 401


def test_nothing_is_answered_from_a_memo_two_windows_old(cleared, cast, gateway_key):
    first = _ask(cleared, cast, gateway_key)
    assert first.status_code == 200
    type(cleared).objects.filter(pk=cleared.pk).update(state="suspended")
    time.sleep(freshness.MAX_AGE)  # two windows: the answer's read is MAX_AGE old
    with CaptureQueriesContext(connection) as queries:
        later = _ask(cleared, cast, gateway_key)
    assert '"reason": "suspended"' in later.content.decode()
    assert len(queries.captured_queries) >= 1
