"""Twenty reviewers press the same button at the same moment (PostgreSQL row locks):
exactly one decision is made, everyone else is told it was already decided, and
the audit trail and the outbox hold exactly one record of it."""

import threading

import pytest
from django.db import connection

from tests.factories import Cast, make_user
from vetting.accounts.models import User
from vetting.accounts.roles import Role
from vetting.applications import review
from vetting.applications.models import Application, ReviewDecision, State
from vetting.audit.models import AuditEvent
from vetting.audit.services import audit_verify_chain
from vetting.clearances.models import Clearance
from vetting.errors import AlreadyDecided
from vetting.notifications.models import Notification

THREADS = 20


def _pass_export_control(actor, application_id):
    review.application_pass_step(
        no_conflict=True, actor=actor, application_id=application_id, step="export_control"
    )


def _approve(actor, application_id):
    review.application_approve(no_conflict=True, actor=actor, application_id=application_id)


# decision: (service call, state it needs, role, audit action, outbox templates it writes)
DECISIONS = {
    "pass_export_control": (
        _pass_export_control,
        State.EXPORT_CONTROL_REVIEW,
        Role.EXPORT_CONTROL_REVIEWER,
        "application.step_passed",
        {"step_passed", "review_waiting"},
    ),
    "approve": (
        _approve,
        State.GOVERNMENT_REVIEW,
        Role.GOVERNMENT_OFFICIAL,
        "application.approved",
        {"application_approved"},
    ),
}


def _race(call, application_id: int, actor_ids: list[int]) -> list:
    """Run ``call`` in one thread per actor, all released at once by a barrier."""
    barrier = threading.Barrier(len(actor_ids))
    results: list = [None] * len(actor_ids)

    def worker(slot: int, actor_id: int) -> None:
        try:
            actor = User.objects.get(pk=actor_id)
            barrier.wait(timeout=60)
            call(actor, application_id)
            results[slot] = "decided"
        except Exception as exc:  # noqa: BLE001 - the test inspects every outcome
            results[slot] = exc
        finally:
            connection.close()  # each thread opened its own connection

    threads = [
        threading.Thread(target=worker, args=(slot, actor_id))
        for slot, actor_id in enumerate(actor_ids)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("reviewers", ["different", "same"])
@pytest.mark.parametrize("name", list(DECISIONS))
def test_of_twenty_simultaneous_decisions_exactly_one_is_made(name, reviewers):
    call, state, role, action, templates = DECISIONS[name]
    cast = Cast()
    app = cast.walk_to(state)
    if reviewers == "different":
        actor_ids = [make_user(role=role).pk for _ in range(THREADS)]
    else:
        actor_ids = [make_user(role=role).pk] * THREADS
    outbox_before = Notification.objects.count()

    results = _race(call, app.pk, actor_ids)

    assert results.count("decided") == 1, results
    losers = [r for r in results if r != "decided"]
    assert all(isinstance(r, AlreadyDecided) for r in losers), losers
    assert all("This step was already decided by" in str(r) for r in losers)
    step = "export_control" if name == "pass_export_control" else "government"
    assert ReviewDecision.objects.filter(application=app, step=step).count() == 1
    event = AuditEvent.objects.get(action=action, object_id=str(app.pk))
    written = Notification.objects.filter(dedupe_key__contains=f":audit{event.pk}:")
    assert {row.template_key for row in written} == templates
    assert Notification.objects.count() - outbox_before == written.count()
    assert Application.objects.get(pk=app.pk).state != state
    if name == "approve":
        assert Clearance.objects.filter(application=app).count() == 1
    assert audit_verify_chain().ok
