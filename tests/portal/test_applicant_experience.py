"""What a new applicant met on the landed main (issue 19, findings 1-9), each pinned:
the web domain stored as typed, a submitted application's pages a 404, 'Save and
leave' losing what was typed, the domain proof unreachable and unchecked, seats
without a limit, names cut silently, country pickers, and wording."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.console.conftest import verified_client
from tests.factories import complete_draft, make_user, small_pdf
from vetting.applications import review, services
from vetting.applications.completeness import missing_items
from vetting.applications.models import Application, State
from vetting.errors import Incomplete
from vetting.gated_models.policy import policy_change_propose
from vetting.organizations.models import Membership, Organization, Sector
from vetting.screening.models import DomainChallenge

from .test_organization_views import NEW_ORG


@pytest.fixture
def draft(applicant, org, model):
    return services.application_create_draft(
        actor=applicant, organization_id=org.pk, gated_model_id=model.pk
    )


def step(app, key):
    return reverse("portal:step", args=[app.pk, key])


def _verify_domain(org):
    DomainChallenge.objects.create(
        organization=org,
        domain=org.domain,
        token_hash="0" * 64,
        expires_at=timezone.now() + timedelta(days=7),
        verified_at=timezone.now(),
    )


# 1. The web domain is the bare domain, whatever address was typed.


@pytest.mark.parametrize(
    "typed",
    [
        "https://www.midplainspower.test/",
        "HTTP://MidPlainsPower.test:443/about?x=1",
        "midplainspower.test.",
    ],
)
def test_a_typed_web_address_is_stored_as_the_bare_domain(client, applicant, typed):
    client.force_login(applicant)
    energy = Sector.objects.get(slug="energy")
    response = client.post(
        reverse("portal:organization_create"), {**NEW_ORG, "domain": typed, "sectors": [energy.pk]}
    )
    assert response.status_code == 302
    assert Organization.objects.get(legal_name=NEW_ORG["legal_name"]).domain == (
        "midplainspower.test"
    )


@pytest.mark.parametrize("typed", ["localhost", "10.0.0.1", "mid plains.test", "https://"])
def test_a_domain_that_is_no_domain_is_refused_on_its_field_and_kept(client, applicant, typed):
    client.force_login(applicant)
    energy = Sector.objects.get(slug="energy")
    response = client.post(
        reverse("portal:organization_create"), {**NEW_ORG, "domain": typed, "sectors": [energy.pk]}
    )
    assert "example.com" in response.context["form"].errors["domain"][0]
    assert f'value="{typed}"' in response.content.decode()
    assert not Organization.objects.filter(legal_name=NEW_ORG["legal_name"]).exists()


# 2. After Submit: no cached live Submit button, no 404 on the user's own pages.


def test_draft_pages_are_never_kept_by_the_browser(signed_in, draft):
    for key in ("organization", "evidence", "personnel", "use", "attestation", "review"):
        assert "no-store" in signed_in.get(step(draft, key))["Cache-Control"]


def test_submitting_twice_says_it_is_submitted_and_another_orgs_draft_stays_404(
    signed_in, applicant, org, model
):
    app = complete_draft(applicant=applicant, org=org, model=model)
    submit = reverse("portal:submit", args=[app.pk])
    assert signed_in.post(submit).url == reverse("portal:application", args=[app.pk])
    response = signed_in.post(submit, follow=True)
    assert response.status_code == 200
    assert "can no longer be changed" in response.content.decode()
    stranger = make_user(email_verified_at=timezone.now())
    signed_in.force_login(stranger)
    assert signed_in.get(step(app, "review")).status_code == 404
    assert signed_in.post(submit).status_code == 404


# 3. 'Save and leave' keeps what was typed on the step.


def test_save_and_leave_keeps_a_half_filled_step(signed_in, draft):
    response = signed_in.post(
        step(draft, "use"),
        {
            "use_case": "Triage grid alarms",
            "systems_in_scope": "",
            "requested_seats": "",
            "leave": "1",
        },
    )
    assert response.url == reverse("portal:dashboard")
    draft.refresh_from_db()
    assert draft.use_case == "Triage grid alarms" and draft.systems_in_scope == ""
    # Continuing (not leaving) still asks for every field.
    response = signed_in.post(step(draft, "use"), {"use_case": "Triage grid alarms"})
    assert {"systems_in_scope", "requested_seats"} <= set(response.context["form"].errors)


def test_save_and_leave_refuses_what_is_malformed_and_keeps_it_on_the_page(signed_in, draft):
    response = signed_in.post(
        step(draft, "use"), {"use_case": "Triage", "requested_seats": "twelve", "leave": "1"}
    )
    assert response.status_code == 200
    assert "requested_seats" in response.context["form"].errors
    assert "twelve" in response.content.decode() and "Triage" in response.content.decode()
    draft.refresh_from_db()
    assert draft.use_case == ""


def test_save_and_leave_on_the_evidence_step_uploads_the_chosen_file(signed_in, draft):
    response = signed_in.post(
        step(draft, "evidence"), {"file": small_pdf(), "description": "NERC", "leave": "1"}
    )
    assert response.url == reverse("portal:dashboard")
    assert draft.evidence.get().description == "NERC"


def test_the_leave_control_submits_the_steps_form(signed_in, draft):
    html = signed_in.get(step(draft, "use")).content.decode()
    assert 'id="step-form"' in html
    assert 'form="step-form" name="leave"' in html


# 4. The domain proof is linked for the applicant and checked at the sector step.


def test_the_organization_page_and_step_link_the_domain_proof(signed_in, org, draft):
    domain_page = reverse("screening:domain", args=[org.pk])
    profile = signed_in.get(reverse("portal:organization_edit", args=[org.pk])).content.decode()
    assert domain_page in profile and "Not verified" in profile
    assert domain_page in signed_in.get(step(draft, "organization")).content.decode()
    _verify_domain(org)
    profile = signed_in.get(reverse("portal:organization_edit", args=[org.pk])).content.decode()
    assert "Verified" in profile and "Not verified" not in profile


def _to_sector_review(cast):
    app = cast.walk_to(State.SECTOR_REVIEW)
    return app, f"/admin/applications/application/{app.pk}/decide/pass/"


def test_the_sector_reviewer_sees_the_domain_check_on_the_case_page(cast):
    app, _ = _to_sector_review(cast)
    page = verified_client(cast.sector).get(f"/admin/applications/application/{app.pk}/change/")
    html = page.content.decode()
    assert 'id="case-checklist"' in html
    assert 'data-check="Domain ownership verified"' in html and "Not met" in html


def test_the_sector_step_does_not_pass_on_an_unverified_domain_without_a_rationale(cast):
    app, url = _to_sector_review(cast)
    reviewer = verified_client(cast.sector)
    form = {"step": "sector", "no_conflict": "on", "rationale": ""}
    response = reviewer.post(url, form)
    assert response.status_code == 400
    assert "not verified" in str(response.context["form"].errors["rationale"])
    assert Application.objects.get(pk=app.pk).state == State.SECTOR_REVIEW
    response = reviewer.post(url, {**form, "rationale": "Registrar confirmed by phone."})
    assert response.status_code == 302
    assert Application.objects.get(pk=app.pk).state == State.GOVERNMENT_REVIEW


def test_a_verified_domain_needs_no_rationale(cast):
    app, _ = _to_sector_review(cast)
    _verify_domain(cast.org)
    review.application_pass_step(
        no_conflict=True, actor=cast.sector, application_id=app.pk, step="sector"
    )
    assert Application.objects.get(pk=app.pk).state == State.GOVERNMENT_REVIEW


# 5. Seats: the model's limit is said, and held by the service.


def test_seats_over_the_models_limit_are_refused_with_the_limit(signed_in, draft, model):
    model.max_seats = 40
    model.save()
    page = signed_in.get(step(draft, "use")).content.decode()
    assert "at most 40 seats" in page
    response = signed_in.post(
        step(draft, "use"),
        {"use_case": "Triage", "systems_in_scope": "SCADA", "requested_seats": "5000"},
    )
    assert "at most 40 seats" in response.context["form"].errors["requested_seats"][0]
    assert 'value="5000"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.requested_seats is None


def test_lowering_the_limit_later_keeps_an_oversized_draft_from_submitting(applicant, org, model):
    app = complete_draft(applicant=applicant, org=org, model=model)
    Application.objects.filter(pk=app.pk).update(requested_seats=90)
    model.max_seats = 50
    model.save()
    with pytest.raises(Incomplete):
        services.application_submit(actor=applicant, application_id=app.pk)
    fresh = Application.objects.get(pk=app.pk)
    assert any("at most 50 seats" in text for _, text in missing_items(fresh))


def test_the_seat_limit_is_policy_and_raising_it_is_loosening(cast):
    change = policy_change_propose(
        actor=cast.government, gated_model_id=cast.model.pk, rationale="Bigger grids", max_seats=500
    )
    assert change.changes == {"max_seats": [100, 500]} and change.loosening


# 6. Long input is refused by the server with its count, never cut by the browser.


def test_a_long_name_is_refused_with_its_length_not_cut(signed_in, draft):
    url = reverse("portal:person_new", args=[draft.pk])
    assert "maxlength" not in signed_in.get(url).content.decode()
    name = "A" * 420
    response = signed_in.post(
        url,
        {
            "legal_name": name,
            "work_email": "a@utility.example",
            "role": "Ops",
            "work_country": "US",
            "us_person_status": "us_citizen",
            "citizenships": ["US"],
        },
    )
    assert "at most 200 characters (it has 420)" in response.context["form"].errors["legal_name"][0]
    assert name in response.content.decode()


# 8. Country pickers and the sector default.


def test_country_fields_are_usable_pickers(signed_in, draft):
    html = signed_in.get(reverse("portal:person_new", args=[draft.pk])).content.decode()
    combo = 'data-default-value=""><select name="work_country"'
    assert f'{combo} class="usa-select"' in html
    assert "multiple" not in html.split('name="citizenships"')[0].rsplit("<", 1)[-1]
    assert 'type="checkbox" name="citizenships"' in html and "data-filter-input" in html
    assert "Ctrl" not in html


def test_the_sector_defaults_to_the_organizations_own(signed_in, draft):
    form = signed_in.get(step(draft, "organization")).context["form"]
    assert form["sector"].value() == Sector.objects.get(slug="energy").pk


# 9. Wording.


def test_only_a_member_who_cannot_submit_is_told_so(signed_in, applicant, org, draft):
    assert (
        'data-testid="submit-refusal"' not in signed_in.get(step(draft, "review")).content.decode()
    )
    member = make_user(email_verified_at=timezone.now())
    Membership.objects.create(user=member, organization=org)
    signed_in.force_login(member)
    html = signed_in.get(step(draft, "review")).content.decode()
    assert "Only an administrator of the organization may do this." in html
    assert "Submit the application" not in html


def test_export_authorizations_are_named_in_full_and_in_us_spelling(signed_in, draft):
    html = signed_in.get(reverse("portal:person_new", args=[draft.pk])).content.decode()
    assert "Export license from the Commerce Department (BIS)" in html
    assert "licence" not in html.lower()


def test_an_error_summary_line_has_no_stray_stop_before_the_colon(signed_in, draft):
    response = signed_in.post(step(draft, "attestation"), {"attested_by_name": "Ada"})
    html = response.content.decode()
    assert "their nationality: Acknowledge the technology control plan." in html
    assert ".:" not in html


def test_saving_the_profile_stays_on_the_profile(signed_in, org):
    energy = Sector.objects.get(slug="energy")
    url = reverse("portal:organization_edit", args=[org.pk])
    response = signed_in.post(url, {**NEW_ORG, "sectors": [energy.pk]})
    assert response.url == url
