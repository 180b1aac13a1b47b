from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user
from vetting.notifications.models import Notification
from vetting.organizations.models import Membership, Organization, Sector
from vetting.organizations.services import member_invite

NEW_ORG = {
    "legal_name": "Harbor Water Authority",
    "uei": "JX7B4K2M9LZ1",
    "ein": "12-3456789",
    "cage": "",
    "domain": "harbor.example",
    "country": "US",
    "kind": "sltt_government",
}


def test_creating_an_organization_makes_the_creator_admin(client, applicant):
    client.force_login(applicant)
    sector = Sector.objects.get(slug="water_wastewater")
    response = client.post(
        reverse("portal:organization_create"), {**NEW_ORG, "sectors": [sector.pk]}
    )
    assert response.url == reverse("portal:dashboard")
    org = Organization.objects.get(legal_name="Harbor Water Authority")
    assert org.memberships.get().role == Membership.Role.ADMIN
    assert client.get(reverse("portal:dashboard")).context["org"] == org


def test_identifier_errors_are_shown_on_their_fields_and_nothing_typed_is_lost(client, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("portal:organization_create"),
        {**NEW_ORG, "uei": "0BAD", "ein": "00-0000000", "cage": "TOOLONG"},
    )
    errors = response.context["form"].errors
    assert {"uei", "ein", "cage", "sectors"} <= set(errors)
    assert "12 characters" in errors["uei"][0]
    html = response.content.decode()
    assert 'value="Harbor Water Authority"' in html and 'value="0BAD"' in html
    assert 'aria-describedby="id_uei-hint id_uei-error"' in html
    assert not Organization.objects.filter(legal_name="Harbor Water Authority").exists()


def test_an_admin_edits_the_profile_and_a_member_cannot(client, applicant, org):
    client.force_login(applicant)
    energy = Sector.objects.get(slug="energy")
    data = {**NEW_ORG, "legal_name": "Renamed Utility", "sectors": [energy.pk]}
    response = client.post(reverse("portal:organization_edit", args=[org.pk]), data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.legal_name == "Renamed Utility"
    member = make_user(email_verified_at=timezone.now())
    Membership.objects.create(user=member, organization=org)
    client.force_login(member)
    response = client.post(
        reverse("portal:organization_edit", args=[org.pk]), {**data, "legal_name": "Hijacked"}
    )
    assert "administrator" in str(response.context["form"].non_field_errors())
    org.refresh_from_db()
    assert org.legal_name == "Renamed Utility"


def test_inviting_a_colleague_queues_an_email_and_errors_keep_the_address(signed_in, org):
    url = reverse("portal:members", args=[org.pk])
    response = signed_in.post(url, {"email": "bo@", "role": "member"})
    assert "email" in response.context["form"].errors
    assert 'value="bo@"' in response.content.decode()
    signed_in.post(url, {"email": "bo@utility.example", "role": "member"})
    assert Notification.objects.get(template_key="organization_invitation").recipient_email == (
        "bo@utility.example"
    )


def test_accepting_an_invitation_joins_and_switches_to_that_organization(client, applicant, org):
    bo = make_user("bo@utility.example", email_verified_at=timezone.now())
    token = member_invite(actor=applicant, organization_id=org.pk, email=bo.email)
    client.force_login(bo)
    page = client.get(reverse("portal:invitation", args=[token]))
    assert org.legal_name in page.content.decode()
    client.post(reverse("portal:invitation", args=[token]))
    assert org.memberships.filter(user=bo, role="member").exists()
    assert client.get(reverse("portal:dashboard")).context["org"] == org
    assert client.get(reverse("portal:invitation", args=["forged"])).status_code == 400


def test_a_user_in_two_organizations_switches_between_them(signed_in, applicant, org):
    other = Organization.objects.create(
        legal_name="Second Co", domain="second.example", kind="private_company"
    )
    Membership.objects.create(user=applicant, organization=other)
    signed_in.post(reverse("portal:organization_switch"), {"organization": other.pk})
    assert signed_in.get(reverse("portal:dashboard")).context["org"] == other


def test_roles_change_and_members_are_removed_after_confirmation(signed_in, org):
    bo = make_user()
    row = Membership.objects.create(user=bo, organization=org)
    signed_in.post(reverse("portal:member_role", args=[org.pk, row.pk]), {"role": "admin"})
    row.refresh_from_db()
    assert row.role == "admin"
    url = reverse("portal:member_remove", args=[org.pk, row.pk])
    assert "Remove" in signed_in.get(url).content.decode()
    assert Membership.objects.filter(pk=row.pk).exists()  # a GET only asks
    signed_in.post(url)
    assert not Membership.objects.filter(pk=row.pk).exists()


def test_the_last_admin_cannot_be_removed_and_is_told_why(signed_in, applicant, org):
    own = org.memberships.get(user=applicant)
    response = signed_in.post(reverse("portal:member_remove", args=[org.pk, own.pk]), follow=True)
    assert "at least one administrator" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()
