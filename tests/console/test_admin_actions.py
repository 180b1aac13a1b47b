"""Decisions, clearance changes, model suspension and the audit trail, through the console."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from tests.factories import make_user
from vetting.accounts.roles import Role
from vetting.applications.models import Application, InformationRequest, State
from vetting.audit.models import AuditEvent
from vetting.clearances.models import Clearance

pytestmark = pytest.mark.django_db


def decide(client, app, decision, **data):
    return client.post(
        f"/admin/applications/application/{app.pk}/decide/{decision}/",
        {"no_conflict": "on", **data},
        follow=True,
    )


def test_the_second_of_two_reviewers_acting_at_once_is_told_who_decided_first(cast, console):
    app = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    other = make_user(role=Role.EXPORT_CONTROL_REVIEWER, first_name="Dana", last_name="First")
    first, second = console(other), console(cast.export)
    form = second.get(f"/admin/applications/application/{app.pk}/decide/pass/")
    assert 'value="export_control"' in form.content.decode()
    decide(first, app, "pass", step="export_control")
    late = decide(second, app, "pass", step="export_control").content.decode()
    assert "already decided by Dana First at" in late
    assert Application.objects.get(pk=app.pk).decisions.filter(outcome="passed").count() == 1


def test_a_rejection_without_rationale_is_refused_and_keeps_what_was_typed(cast, console):
    app = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    page = decide(
        console(cast.export),
        app,
        "reject",
        step="export_control",
        rationale="",
        message_to_applicant="We cannot grant access.",
    ).content.decode()
    assert "A rationale is required for this decision." in page
    assert "We cannot grant access." in page
    assert Application.objects.get(pk=app.pk).state == State.EXPORT_CONTROL_REVIEW


def test_a_request_for_information_asks_the_applicant_the_question(cast, console):
    app = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    client = console(cast.export)
    missing = decide(
        client, app, "request_information", step="export_control", question=""
    ).content.decode()
    assert "This field is required." in missing
    decide(
        client,
        app,
        "request_information",
        step="export_control",
        question="Which staff work from abroad?",
        rationale="Two names unclear.",
    )
    asked = InformationRequest.objects.get(application=app)
    assert asked.question == "Which staff work from abroad?"
    assert Application.objects.get(pk=app.pk).state == State.INFORMATION_REQUESTED


def test_government_denial_needs_a_rationale_and_closes_the_application(cast, console):
    app = cast.walk_to(State.GOVERNMENT_REVIEW)
    client = console(cast.government)
    decide(client, app, "deny", step="government", rationale="Not in the national interest.")
    assert Application.objects.get(pk=app.pk).state == State.REJECTED


@pytest.fixture
def clearance(cast):
    return Clearance.objects.get(application=cast.walk_to(State.APPROVED))


def test_an_officer_suspends_and_reinstates_with_both_reasons_recorded(cast, console, clearance):
    client = console(cast.officer)
    page = client.get(f"/admin/clearances/clearance/{clearance.pk}/change/").content.decode()
    assert "state/suspend/" in page and "state/revoke/" in page
    assert "state/reinstate/" not in page
    client.post(
        f"/admin/clearances/clearance/{clearance.pk}/state/suspend/",
        {"reason": "Incident 42", "applicant_reason": "Pending an investigation."},
    )
    clearance.refresh_from_db()
    assert (clearance.state, clearance.state_reason, clearance.applicant_reason) == (
        "suspended",
        "Incident 42",
        "Pending an investigation.",
    )
    client.post(
        f"/admin/clearances/clearance/{clearance.pk}/state/reinstate/",
        {"reason": "Cleared by investigation."},
    )
    clearance.refresh_from_db()
    assert clearance.state == "active"


def test_a_suspension_without_a_reason_is_refused(cast, console, clearance):
    page = console(cast.officer).post(
        f"/admin/clearances/clearance/{clearance.pk}/state/suspend/", {"reason": " "}
    )
    assert "A reason is required." in page.content.decode()
    clearance.refresh_from_db()
    assert clearance.state == "active"


def test_bulk_suspension_applies_one_reason_to_every_selected_clearance(cast, console):
    clearances = [Clearance.objects.get(application=cast.walk_to(State.APPROVED)) for _ in range(2)]
    client = console(cast.officer)
    ids = [str(c.pk) for c in clearances]
    confirm = client.post(
        "/admin/clearances/clearance/", {"action": "bulk_suspend", "_selected_action": ids}
    )
    assert "Suspend these 2 clearances" in confirm.content.decode()
    client.post(
        "/admin/clearances/clearance/",
        {
            "action": "bulk_suspend",
            "_selected_action": ids,
            "apply": "1",
            "reason": "Model-wide review.",
        },
    )
    assert set(Clearance.objects.values_list("state_reason", flat=True)) == {"Model-wide review."}
    assert set(Clearance.objects.values_list("state", flat=True)) == {"suspended"}


def test_partner_list_lists_active_clearances_with_the_signer(cast, console, clearance):
    cast.government.first_name, cast.government.last_name = "Gil", "Official"
    cast.government.save()
    body = b"".join(
        console(cast.auditor).get("/admin/clearances/clearance/partner-list.csv").streaming_content
    ).decode()
    header, row = body.splitlines()[:2]
    assert header.startswith("organization,uei,ein,cage")
    assert cast.org.legal_name in row and clearance.serial in row and "Gil Official" in row


@pytest.mark.parametrize("lapse", ["expired", "denied", "model_suspended"])
def test_the_partner_list_csv_leaves_out_who_is_not_cleared_now(cast, console, clearance, lapse):
    """The API's partner list's rule (vetting.api.decision.clearing_now): an active
    clearance past its expiry, of a denied organization or of a suspended model is
    not on the list a lab shares."""
    from datetime import timedelta

    from django.utils import timezone

    from vetting.gated_models.services import gated_model_suspend
    from vetting.screening.models import DeniedParty

    def listed() -> bool:
        url = "/admin/clearances/clearance/partner-list.csv"
        body = b"".join(console(cast.auditor).get(url).streaming_content).decode()
        return clearance.serial in body

    assert listed()
    if lapse == "expired":
        Clearance.objects.filter(pk=clearance.pk).update(expires_at=timezone.now() - timedelta(1))
    elif lapse == "denied":
        DeniedParty.objects.create(
            kind=DeniedParty.Kind.ORGANIZATION, legal_name=cast.org.legal_name, reason="Listed."
        )
    else:
        gated_model_suspend(actor=cast.officer, gated_model_id=cast.model.pk, reason="Order.")
    assert Clearance.objects.get(pk=clearance.pk).state == "active"
    assert not listed()


def test_emergency_suspension_states_how_many_organizations_lose_access(cast, console, clearance):
    client = console(cast.officer)
    url = f"/admin/gated_models/gatedmodel/{cast.model.pk}/suspend/"
    page = client.get(url).content.decode()
    assert 'id="affected-count">1<' in page and cast.org.legal_name in page
    refused = client.post(url, {"reason": "", "confirm": "on"}).content.decode()
    assert "A reason is required." in refused
    client.post(url, {"reason": "Export-control order.", "confirm": "on"})
    cast.model.refresh_from_db()
    assert cast.model.access_status == "suspended"


def test_restoration_can_be_limited_to_chosen_sectors(cast, console, clearance):
    from vetting.gated_models.models import PolicyChange
    from vetting.gated_models.services import gated_model_suspend
    from vetting.organizations.models import Sector

    gated_model_suspend(actor=cast.officer, gated_model_id=cast.model.pk, reason="Order.")
    energy = Sector.objects.get(slug="energy")
    proposed = console(cast.officer).post(
        f"/admin/gated_models/gatedmodel/{cast.model.pk}/restore/",
        {
            "reason": "Order lifted for energy.",
            "sectors": [energy.pk],
            "access_status": "closed_to_new_applications",
        },
    )
    change = PolicyChange.objects.get()
    assert proposed["Location"] == f"/admin/gated_models/policychange/{change.pk}/change/"
    cast.model.refresh_from_db()
    assert cast.model.access_status == "suspended"  # a second person must approve

    console(cast.government).post(
        f"/admin/gated_models/policychange/{change.pk}/approve/", {"rationale": "Agreed."}
    )
    cast.model.refresh_from_db()
    assert cast.model.access_status == "closed_to_new_applications"
    assert list(cast.model.restored_sectors.all()) == [energy]


def test_the_audit_admin_refuses_add_change_and_delete_even_to_a_superuser(db):
    root = make_user(is_superuser=True, is_staff=True)
    request = RequestFactory().get("/admin/")
    request.user = root
    audit_admin = admin.site._registry[AuditEvent]
    assert audit_admin.has_view_permission(request)
    assert not audit_admin.has_add_permission(request)
    assert not audit_admin.has_change_permission(request)
    assert not audit_admin.has_delete_permission(request)


def test_verify_chain_reports_an_intact_chain_and_export_gives_csv(cast, console, clearance):
    client = console(cast.auditor)
    verified = client.post("/admin/audit/auditevent/verify/", follow=True).content.decode()
    count = AuditEvent.objects.count()
    assert f"Audit chain verified: {count} events, intact; no signed checkpoint yet." in verified
    body = b"".join(
        client.get("/admin/audit/auditevent/export.csv?action=clearance.issued").streaming_content
    ).decode()
    lines = body.strip().splitlines()
    assert len(lines) == 2 and "clearance.issued" in lines[1]


def test_the_dashboard_counts_waiting_applications_and_shows_my_queue(cast, console):
    app = cast.walk_to(State.SECTOR_REVIEW)
    cast.walk_to(State.SECTOR_REVIEW)
    page = console(cast.sector).get("/admin/").content.decode()
    assert 'class="waiting">2<' in page
    assert "My queue" in page and app.number in page
    assert cast.model.name in page and "0 / 100" in page


def test_editing_a_models_configuration_is_recorded_in_the_audit_trail(cast, console):
    response = console(cast.officer).post(
        f"/admin/gated_models/gatedmodel/{cast.model.pk}/change/",
        {
            "name": cast.model.name,
            "slug": cast.model.slug,
            "description": "The strongest model.",
            "cap": "120",  # a policy field: read-only in the form, so ignored
        },
    )
    assert response.status_code == 302
    cast.model.refresh_from_db()
    assert (cast.model.description, cast.model.cap) == ("The strongest model.", 100)
    event = AuditEvent.objects.filter(action="gatedmodel.changed_in_admin").get()
    assert event.actor_id == cast.officer.pk and event.data["fields"] == ["description"]


def test_the_case_file_links_to_the_applications_screening_hits(cast, console):
    from vetting.applications import services
    from vetting.screening.services import application_screen

    app = cast.draft()
    services.application_submit(actor=cast.applicant, application_id=app.pk)
    assert application_screen(application_id=app.pk) is not None
    page = console(cast.export).get(f"/admin/applications/application/{app.pk}/change/")
    html = page.content.decode()
    assert 'id="case-screening"' in html
    assert f"?run__application__id__exact={app.pk}" in html
