"""Every portal URL, requested with another organization's ids, answers 404."""

import re

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from tests.factories import Cast, complete_draft, make_model, make_org, make_user
from vetting.organizations.services import member_invite
from vetting.portal import urls as portal_urls

# URL patterns that take no ids of an organization's objects: nothing to leak.
UNSCOPED = {
    "dashboard",
    "organization_create",
    "organization_switch",
    "application_new",
    "clearances",
    "invitation",
}


@pytest.fixture
def foreign(db):
    """Another organization with a draft, a person, evidence and a member, and a
    third one with a clearance."""
    owner = make_user(email_verified_at=timezone.now())
    org = make_org(admin=owner)
    app = complete_draft(applicant=owner, org=org, model=make_model())
    member_invite(actor=owner, organization_id=org.pk, email="someone@elsewhere.example")
    return {
        "org_id": org.pk,
        "membership_id": org.memberships.get().pk,
        "invitation_id": org.invitations.get().pk,
        "pk": app.pk,
        "person_id": app.personnel.get().pk,
        "evidence_id": app.evidence.get().pk,
        "key": "organization",
        # Another organization's clearance (Cast makes its own organization).
        "clearance_id": Cast().walk_to("approved").clearance.pk,
    }


def scoped_patterns():
    return [
        p for p in portal_urls.urlpatterns if isinstance(p, URLPattern) and p.name not in UNSCOPED
    ]


def test_every_scoped_pattern_is_covered():
    names = {p.name for p in scoped_patterns()}
    assert "application" in names and "evidence_download" in names
    assert len(names) == len(scoped_patterns())


@pytest.mark.parametrize("pattern", scoped_patterns(), ids=lambda p: p.name)
def test_it_answers_404_for_another_organizations_objects(signed_in, foreign, pattern):
    params = re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))
    url = reverse(f"portal:{pattern.name}", kwargs={name: foreign[name] for name in params})
    assert signed_in.get(url).status_code in (404, 405)
    assert signed_in.post(url, {"role": "admin", "response": "x"}).status_code == 404


def test_a_signed_in_stranger_cannot_download_evidence_but_a_reviewer_can(client, foreign):
    from vetting.accounts.roles import Role

    url = reverse("portal:evidence_download", args=[foreign["evidence_id"]])
    client.force_login(make_user(email_verified_at=timezone.now()))
    assert client.get(url).status_code == 404
    client.force_login(make_user(role=Role.SECTOR_REVIEWER, email_verified_at=timezone.now()))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
