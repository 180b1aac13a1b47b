import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import complete_draft, make_model, make_user, small_pdf
from vetting.applications import services
from vetting.applications.models import Application, State
from vetting.organizations.models import Membership, Sector

PERSON = {
    "legal_name": "Alex Analyst",
    "work_email": "alex@utility.example",
    "role": "SOC lead",
    "work_country": "US",
    "us_person_status": "us_citizen",
    "citizenships": ["US"],
}


@pytest.fixture
def draft(applicant, org, model):
    return services.application_create_draft(
        actor=applicant, organization_id=org.pk, gated_model_id=model.pk
    )


def step(app, key):
    return reverse("portal:step", args=[app.pk, key])


def test_only_open_models_are_offered_and_starting_creates_a_draft(signed_in, model):
    closed = make_model(access_status="closed_to_new_applications")
    response = signed_in.get(reverse("portal:application_new"))
    offered = list(response.context["form"].fields["gated_model"].queryset)
    assert model in offered and closed not in offered
    response = signed_in.post(reverse("portal:application_new"), {"gated_model": closed.pk})
    assert "gated_model" in response.context["form"].errors
    response = signed_in.post(reverse("portal:application_new"), {"gated_model": model.pk})
    app = Application.objects.get()
    assert response.url == step(app, "organization") and app.state == State.DRAFT


def test_the_sector_step_offers_only_admitted_sectors_and_saves(signed_in, draft):
    water = Sector.objects.get(slug="water_wastewater")
    response = signed_in.post(step(draft, "organization"), {"sector": water.pk})
    assert "sector" in response.context["form"].errors
    response = signed_in.post(
        step(draft, "organization"), {"sector": Sector.objects.get(slug="energy").pk}
    )
    assert response.url == step(draft, "evidence")
    draft.refresh_from_db()
    assert draft.sector.slug == "energy"


def test_the_evidence_step_uploads_refuses_fakes_and_removes(signed_in, draft):
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    response = signed_in.post(
        step(draft, "evidence"), {"file": fake, "description": "x", "upload": ""}
    )
    assert "Only PDF, PNG and JPEG" in response.context["form"].errors["file"][0]
    assert 'value="x"' in response.content.decode()  # the description is kept
    response = signed_in.post(step(draft, "evidence"), {"file": small_pdf(), "continue": ""})
    assert response.url == step(draft, "personnel")
    evidence = draft.evidence.get()
    signed_in.post(reverse("portal:evidence_remove", args=[draft.pk, evidence.pk]))
    assert not draft.evidence.exists()
    assert signed_in.post(step(draft, "evidence"), {"continue": ""}).url == step(draft, "personnel")


def test_people_are_added_edited_and_removed(signed_in, draft):
    response = signed_in.post(reverse("portal:person_new", args=[draft.pk]), PERSON)
    assert response.url == step(draft, "personnel")
    person = draft.personnel.get()
    signed_in.post(
        reverse("portal:person_edit", args=[draft.pk, person.pk]),
        {**PERSON, "role": "Threat hunter"},
    )
    person.refresh_from_db()
    assert person.role == "Threat hunter"
    assert "SOC" not in signed_in.get(step(draft, "personnel")).content.decode()
    signed_in.post(reverse("portal:person_remove", args=[draft.pk, person.pk]))
    assert not draft.personnel.exists()


def test_a_foreign_person_without_authorization_details_is_refused_keeping_the_form(
    signed_in, draft
):
    data = {
        **PERSON,
        "us_person_status": "foreign_person",
        "citizenships": ["FR", "DE"],
        "export_authorization_type": "bis_license",
    }
    response = signed_in.post(reverse("portal:person_new", args=[draft.pk]), data)
    errors = response.context["form"].errors
    assert "export_authorization_number" in errors and "export_authorization_expires" in errors
    html = response.content.decode()
    assert 'value="Alex Analyst"' in html
    assert re.search(r'name="citizenships" value="FR" id="id_citizenships_\d+" checked>', html)
    assert not draft.personnel.exists()


def test_the_use_step_requires_every_field_and_keeps_what_was_typed(signed_in, draft):
    response = signed_in.post(
        step(draft, "use"),
        {"use_case": "Hunt bugs", "systems_in_scope": "", "requested_seats": "0"},
    )
    errors = response.context["form"].errors
    assert set(errors) == {"systems_in_scope", "requested_seats"}
    assert "Hunt bugs" in response.content.decode()
    response = signed_in.post(
        step(draft, "use"),
        {"use_case": "Hunt bugs", "systems_in_scope": "SCADA", "requested_seats": "3"},
    )
    assert response.url == step(draft, "attestation")


def test_the_attestation_step_needs_both_acknowledgements(signed_in, draft, applicant):
    data = {"attested_by_name": "Pat Officer", "attested_by_title": "CISO"}
    response = signed_in.post(step(draft, "attestation"), data)
    errors = response.context["form"].errors
    assert errors["tcp_acknowledged"] == ["Acknowledge the technology control plan."]
    assert 'value="Pat Officer"' in response.content.decode()
    signed_in.post(
        step(draft, "attestation"), {**data, "tcp_acknowledged": "on", "terms_accepted": "on"}
    )
    draft.refresh_from_db()
    assert draft.terms_accepted and draft.attested_by == applicant


def test_the_review_page_links_each_missing_item_to_its_step_and_submit_is_refused(
    signed_in, draft
):
    response = signed_in.get(step(draft, "review"))
    links = {url for _, _, url in response.context["missing"]}
    assert links == {
        step(draft, key) for key in ["organization", "evidence", "personnel", "use", "attestation"]
    }
    response = signed_in.post(reverse("portal:submit", args=[draft.pk]), follow=True)
    assert "not complete yet" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_a_complete_draft_is_submitted_by_an_admin_but_not_a_member(client, applicant, org, model):
    app = complete_draft(applicant=applicant, org=org, model=model)
    member = make_user(email_verified_at=timezone.now())
    Membership.objects.create(user=member, organization=org)
    client.force_login(member)
    response = client.post(reverse("portal:submit", args=[app.pk]), follow=True)
    assert "Only an administrator" in response.content.decode()
    client.force_login(applicant)
    response = client.post(reverse("portal:submit", args=[app.pk]))
    assert response.url == reverse("portal:application", args=[app.pk])
    app.refresh_from_db()
    assert app.state == State.SUBMITTED


def test_resuming_goes_to_the_first_step_that_still_lacks_something(signed_in, draft):
    signed_in.post(step(draft, "organization"), {"sector": Sector.objects.get(slug="energy").pk})
    signed_in.post(step(draft, "evidence"), {"file": small_pdf(), "continue": ""})
    assert signed_in.get(reverse("portal:resume", args=[draft.pk])).url == step(draft, "personnel")


def test_a_draft_is_deleted_only_after_confirmation(signed_in, draft):
    url = reverse("portal:draft_delete", args=[draft.pk])
    assert signed_in.get(url).status_code == 200
    assert Application.objects.filter(pk=draft.pk).exists()
    signed_in.post(url)
    assert not Application.objects.filter(pk=draft.pk).exists()


def test_a_submitted_application_can_no_longer_be_edited(signed_in, applicant, org, model):
    app = complete_draft(applicant=applicant, org=org, model=model)
    services.application_submit(actor=applicant, application_id=app.pk)
    status_page = reverse("portal:application", args=[app.pk])
    for url in (step(app, "use"), step(app, "review"), reverse("portal:resume", args=[app.pk])):
        response = signed_in.get(url)
        assert response.status_code == 302 and response.url == status_page
    response = signed_in.post(step(app, "use"), {"use_case": "changed"}, follow=True)
    assert "can no longer be changed" in response.content.decode()
    app.refresh_from_db()
    assert app.use_case != "changed"


def test_the_progress_bar_marks_only_finished_steps_complete(signed_in, draft):
    signed_in.post(step(draft, "organization"), {"sector": Sector.objects.get(slug="energy").pk})
    response = signed_in.get(step(draft, "use"))
    assert response.context["incomplete"] == {"evidence", "personnel", "use", "attestation"}
    assert 'Organization and sector<span class="usa-sr-only"> complete' in (
        response.content.decode()
    )
