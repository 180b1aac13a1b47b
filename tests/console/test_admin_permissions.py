"""The permission matrix: each role × each console action, as DESIGN.md says."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from vetting.applications.models import Application, State
from vetting.clearances.models import Clearance
from vetting.gated_models.models import GatedModel

pytestmark = pytest.mark.django_db

ROLES = ["export", "sector", "government", "officer", "auditor"]
STEP_OF = {
    State.EXPORT_CONTROL_REVIEW: ("export_control", "pass", "export"),
    State.SECTOR_REVIEW: ("sector", "pass", "sector"),
    State.GOVERNMENT_REVIEW: ("government", "approve", "government"),
}


@pytest.mark.parametrize("state", list(STEP_OF))
@pytest.mark.parametrize("role", ROLES)
def test_only_the_steps_role_may_decide_it(cast, console, state, role):
    app = cast.walk_to(state)
    step, decision, allowed_role = STEP_OF[state]
    client = console(getattr(cast, role))
    page = client.get(f"/admin/applications/application/{app.pk}/change/").content.decode()
    response = client.post(
        f"/admin/applications/application/{app.pk}/decide/{decision}/",
        {"no_conflict": "on", "step": step, "rationale": "Checked."},
    )
    app.refresh_from_db()
    if role == allowed_role:
        assert f"decide/{decision}/" in page
        assert response.status_code == 302
        assert app.state != state
    else:
        assert "Not available to you" in page
        assert f"decide/{decision}/" not in page
        assert app.state == state


def test_a_reviewer_who_decided_one_step_is_told_why_they_cannot_decide_the_next(cast, console):
    from django.contrib.auth.models import Group

    from vetting.accounts.roles import Role

    cast.export.groups.add(Group.objects.get(name=Role.SECTOR_REVIEWER.value))
    app = cast.walk_to(State.SECTOR_REVIEW)
    client = console(cast.export)
    page = client.get(f"/admin/applications/application/{app.pk}/change/").content.decode()
    assert "someone else must decide this one" in page
    client.post(
        f"/admin/applications/application/{app.pk}/decide/pass/",
        {"no_conflict": "on", "step": "sector", "rationale": ""},
    )
    app.refresh_from_db()
    assert app.state == State.SECTOR_REVIEW


@pytest.fixture
def approved(cast):
    app = cast.walk_to(State.APPROVED)
    return Clearance.objects.get(application=app)


@pytest.mark.parametrize("role", ROLES)
def test_only_a_clearance_officer_may_revoke_a_clearance(cast, console, approved, role):
    client = console(getattr(cast, role))
    response = client.post(
        f"/admin/clearances/clearance/{approved.pk}/state/revoke/",
        {"reason": "Breach of conditions."},
    )
    approved.refresh_from_db()
    if role == "officer":
        assert response.status_code == 302
        assert approved.state == "revoked"
    else:
        assert response.status_code == 403
        assert approved.state == "active"


@pytest.mark.parametrize("role", ROLES)
def test_only_a_clearance_officer_may_suspend_a_model(cast, console, role):
    client = console(getattr(cast, role))
    response = client.post(
        f"/admin/gated_models/gatedmodel/{cast.model.pk}/suspend/",
        {"reason": "Export-control order.", "confirm": "on"},
    )
    status = GatedModel.objects.get(pk=cast.model.pk).access_status
    if role == "officer":
        assert response.status_code == 302
        assert status == "suspended"
    else:
        assert response.status_code == 403
        assert status == "open"


@pytest.mark.parametrize("role", ROLES)
def test_only_auditors_read_the_audit_trail(cast, console, role):
    response = console(getattr(cast, role)).get("/admin/audit/auditevent/")
    assert response.status_code == (200 if role == "auditor" else 403)


@pytest.mark.parametrize("role", ROLES)
def test_officers_and_auditors_export_the_partner_list(cast, console, approved, role):
    response = console(getattr(cast, role)).get("/admin/clearances/clearance/partner-list.csv")
    if role in {"officer", "auditor"}:
        assert response.status_code == 200
        assert approved.serial in b"".join(response.streaming_content).decode()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_citizenship_is_shown_only_to_export_control_reviewers_and_auditors(cast, console, role):
    app = cast.walk_to(State.SECTOR_REVIEW)
    page = (
        console(getattr(cast, role))
        .get(f"/admin/applications/application/{app.pk}/change/")
        .content.decode()
    )
    shown = "US citizen (including naturalized)" in page
    assert shown == (role in {"export", "auditor"})


def test_auditors_see_everything_and_change_nothing(cast):
    request = RequestFactory().get("/admin/")
    request.user = cast.auditor
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in {"auth", "otp_totp"}:
            continue
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
    assert admin.site._registry[Application].has_view_permission(request)


def test_superusers_cannot_change_applications_or_clearances_directly(db):
    from tests.factories import make_user

    request = RequestFactory().get("/admin/")
    request.user = make_user(is_superuser=True, is_staff=True)
    for model in (Application, Clearance):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
