"""List pages and the dashboard run the same number of queries whatever the row count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vetting.applications import review, services
from vetting.applications.models import State

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/",
    "/admin/applications/application/",
    "/admin/clearances/clearance/",
    "/admin/audit/auditevent/",
    "/admin/notifications/notification/",
    "/admin/organizations/organization/",
    "/admin/applications/reviewdecision/",
    "/admin/gated_models/gatedmodel/",
    "/admin/applications/informationrequest/",
    "/admin/applications/personneldeclaration/",
    "/admin/organizations/membership/",
    "/admin/accounts/user/",
]
MIX = [
    State.EXPORT_CONTROL_REVIEW,
    State.SECTOR_REVIEW,
    State.GOVERNMENT_REVIEW,
    State.APPROVED,
    State.INFORMATION_REQUESTED,
    State.REJECTED,
]


@pytest.mark.parametrize("role", ["auditor", "officer", "sector"])
def test_list_pages_and_dashboard_use_a_fixed_number_of_queries(cast, console, role):
    client = console(getattr(cast, role))
    auditor_only = ("audit", "notification", "accounts")
    pages = [p for p in PAGES if role == "auditor" or not any(a in p for a in auditor_only)]
    for state in MIX:
        cast.walk_to(state)
    few = _counts(client, pages)
    for _ in range(3):
        for state in MIX:
            cast.walk_to(state)
    many = _counts(client, pages)
    assert few == many


def test_an_applications_case_file_uses_a_fixed_number_of_queries(cast, console):
    client = console(cast.auditor)
    small = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    big = cast.walk_to(State.INFORMATION_REQUESTED)
    for n in range(3):  # more decisions, questions and audit events on the same page
        services.application_respond(
            actor=cast.applicant, application_id=big.pk, response=f"Answer {n}"
        )
        review.application_request_information(
            no_conflict=True,
            actor=cast.export,
            application_id=big.pk,
            step="export_control",
            question=f"Follow-up {n}?",
        )
    services.application_respond(actor=cast.applicant, application_id=big.pk, response="Done")
    client.get(f"/admin/applications/application/{small.pk}/change/")  # warm caches
    counts = []
    for app in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            assert (
                client.get(f"/admin/applications/application/{app.pk}/change/").status_code == 200
            )
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def _counts(client, pages):
    counts = {}
    for page in pages:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page)
        assert response.status_code == 200, page
        counts[page] = len(ctx.captured_queries)
    return counts


def test_a_list_longer_than_the_cap_says_more_than_instead_of_counting(cast, console, monkeypatch):
    from vetting.console import admin_tools

    monkeypatch.setattr(admin_tools, "COUNT_CAP", 2)
    for _ in range(4):
        cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    page = console(cast.auditor).get("/admin/applications/application/").content.decode()
    assert "More than 2 applications" in page
