"""Two reviewers press the same button at the same moment (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from tests.console.conftest import verified_client
from tests.factories import Cast, make_user
from vetting.accounts.roles import Role
from vetting.applications.models import Application, ReviewDecision, State


@pytest.mark.postgres
def test_two_reviewers_passing_at_once_apply_one_decision_and_the_other_is_told(
    transactional_db, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cast = Cast()
    app = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    other = make_user(role=Role.EXPORT_CONTROL_REVIEWER, first_name="Dana", last_name="First")
    clients = [verified_client(cast.export), verified_client(other)]
    barrier = threading.Barrier(2)
    pages = []

    def press(client):
        try:
            barrier.wait()
            response = client.post(
                f"/admin/applications/application/{app.pk}/decide/pass/",
                {"no_conflict": "on", "step": "export_control", "rationale": "Checked."},
                follow=True,
            )
            pages.append(response.content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(pages) == 2
    assert sum("already decided by" in page for page in pages) == 1
    assert ReviewDecision.objects.filter(application=app, step="export_control").count() == 1
    assert Application.objects.get(pk=app.pk).state == State.SECTOR_REVIEW
