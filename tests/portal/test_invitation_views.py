"""Invitation links and the members page, through the test client (the real HTTP stack)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_org, make_user
from vetting.notifications.models import Notification
from vetting.organizations.models import Invitation, Membership
from vetting.portal.scoping import SESSION_ORG


def verified(email=None, **extra):
    return make_user(email, email_verified_at=timezone.now(), **extra)


def signed_in_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def invite_through_the_page(client, org, email, role="member") -> str:
    """Send an invitation from the members page; the link's token, as the email has it."""
    response = client.post(reverse("portal:members", args=[org.pk]), {"email": email, "role": role})
    assert response.status_code == 302, response.content.decode()
    row = Notification.objects.filter(template_key="organization_invitation").latest("pk")
    path = row.context["url_path"]
    assert path.startswith("/apply/invitations/") and path.endswith("/")
    return path.removeprefix("/apply/invitations/").removesuffix("/")


def link(token) -> str:
    return reverse("portal:invitation", args=[token])


def remove(client, org, membership):
    url = reverse("portal:member_remove", args=[org.pk, membership.pk])
    assert client.post(url).status_code == 302


def revoke_url(org, invitation) -> str:
    return reverse("portal:invitation_revoke", args=[org.pk, invitation.pk])


def test_regression_a_used_link_does_not_rejoin_after_the_member_was_removed(
    signed_in, applicant, org
):
    """The security review's finding: invite → accept → removed → the link again."""
    token = invite_through_the_page(signed_in, org, "bo@utility.example", role="admin")
    bo = verified("bo@utility.example")
    bo_client = signed_in_as(bo)
    assert bo_client.get(link(token)).status_code == 200
    assert bo_client.post(link(token)).status_code == 302
    membership = org.memberships.get(user=bo)
    assert membership.role == Membership.Role.ADMIN

    remove(signed_in, org, membership)

    again = bo_client.post(link(token))
    assert again.status_code == 400
    assert "already used" in again.content.decode()
    page = bo_client.get(link(token))
    assert page.status_code == 400
    assert "already used" in page.content.decode()
    assert not Membership.objects.filter(user=bo, organization=org).exists()


def test_the_removed_member_loses_the_organizations_pages_at_once(signed_in, org):
    token = invite_through_the_page(signed_in, org, "bo@utility.example")
    bo_client = signed_in_as(verified("bo@utility.example"))
    bo_client.post(link(token))
    members = reverse("portal:members", args=[org.pk])
    assert bo_client.get(members).status_code == 200
    assert bo_client.session[SESSION_ORG] == org.pk

    remove(signed_in, org, org.memberships.get(user__email="bo@utility.example"))

    assert bo_client.session[SESSION_ORG] == org.pk  # the session still names the org
    assert bo_client.get(members).status_code == 404
    assert bo_client.get(reverse("portal:organization_edit", args=[org.pk])).status_code == 404
    assert bo_client.get(reverse("portal:dashboard")).context.get("org") is None


def test_a_link_works_once(signed_in, org):
    token = invite_through_the_page(signed_in, org, "bo@utility.example")
    bo = verified("bo@utility.example")
    bo_client = signed_in_as(bo)
    assert bo_client.post(link(token)).status_code == 302
    second = bo_client.post(link(token))
    assert second.status_code == 400
    assert "already used" in second.content.decode()
    assert org.memberships.filter(user=bo).count() == 1


def test_an_expired_link_answers_400_with_the_reason(signed_in, org):
    token = invite_through_the_page(signed_in, org, "bo@utility.example")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    bo_client = signed_in_as(verified("bo@utility.example"))
    for response in (bo_client.get(link(token)), bo_client.post(link(token))):
        assert response.status_code == 400
        assert "expired" in response.content.decode()
    assert not org.memberships.filter(user__email="bo@utility.example").exists()


def test_the_invitation_page_says_who_invited_as_what_until_when(signed_in, applicant, org):
    token = invite_through_the_page(signed_in, org, "bo@utility.example", role="admin")
    html = signed_in_as(verified("bo@utility.example")).get(link(token)).content.decode()
    assert org.legal_name in html
    assert applicant.display_name in html
    assert "as administrator" in html and "bo@utility.example" in html
    assert "expires on" in html


def test_the_wrong_address_is_refused_and_the_link_stays_usable(signed_in, org):
    token = invite_through_the_page(signed_in, org, "bo@utility.example")
    eve = signed_in_as(verified("eve@utility.example"))
    response = eve.post(link(token))
    assert response.status_code == 400
    assert "sign in with that address" in response.content.decode()
    assert signed_in_as(verified("bo@utility.example")).post(link(token)).status_code == 302


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        "A" * 43,
        "A" * 5000,
        "%00" * 20,
        "%ff%fe" * 10,
        "%F0%9F%92%A5" * 12,
        "..%5c..%5cetc%5cpasswd",
        "<script>alert(1)<%5cscript>",
        "'%20OR%201=1--",
        "eyJvcmciOjF9:1rT5gH:abc",  # shaped like a signed link of the old scheme
    ],
)
def test_tampered_tokens_answer_400_never_500(signed_in, org, token):
    path = f"/apply/invitations/{token}/"
    for response in (signed_in.get(path), signed_in.post(path)):
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    assert not Invitation.objects.filter(accepted_at__isnull=False).exists()


def test_a_token_with_a_slash_matches_no_url(signed_in):
    assert signed_in.get("/apply/invitations/..%2f..%2fetc/").status_code == 404


# --- the members page: states and revoking ------------------------------------------


def _four_states(signed_in, org):
    tokens = {
        state: invite_through_the_page(signed_in, org, f"{state}@utility.example")
        for state in Invitation.State
    }
    rows = {state: Invitation.objects.get(email=f"{state}@utility.example") for state in tokens}
    signed_in_as(verified("accepted@utility.example")).post(link(tokens["accepted"]))
    signed_in.post(revoke_url(org, rows["revoked"]))
    Invitation.objects.filter(pk=rows["expired"].pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    return rows


def test_admins_see_every_invitation_with_its_state_and_revoke_the_pending(signed_in, org):
    rows = _four_states(signed_in, org)
    html = signed_in.get(reverse("portal:members", args=[org.pk])).content.decode()
    for state in ("Pending", "Accepted", "Revoked", "Expired"):
        assert f'<span class="usa-tag">{state}</span>' in html
    assert "until " in html  # a pending one shows its expiry
    for state, row in rows.items():
        assert (revoke_url(org, row) in html) == (state == "pending")


def test_members_see_the_invitations_but_no_revoke_button(signed_in, org):
    rows = _four_states(signed_in, org)
    member = verified()
    Membership.objects.create(user=member, organization=org)
    html = signed_in_as(member).get(reverse("portal:members", args=[org.pk])).content.decode()
    assert "pending@utility.example" in html and "Expired" in html
    assert revoke_url(org, rows["pending"]) not in html
    assert ">Revoke<" not in html


def test_an_admin_revokes_and_the_link_stops_working(signed_in, org):
    token = invite_through_the_page(signed_in, org, "bo@utility.example")
    invitation = Invitation.objects.get()
    response = signed_in.post(revoke_url(org, invitation), follow=True)
    assert "was revoked" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.REVOKED
    refused = signed_in_as(verified("bo@utility.example")).post(link(token))
    assert refused.status_code == 400
    assert "revoked" in refused.content.decode()


def test_revoking_is_post_only(signed_in, org):
    invite_through_the_page(signed_in, org, "bo@utility.example")
    invitation = Invitation.objects.get()
    assert signed_in.get(revoke_url(org, invitation)).status_code == 405
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.PENDING


def test_a_member_who_is_not_admin_cannot_revoke_and_is_told_why(signed_in, org):
    token = invite_through_the_page(signed_in, org, "bo@utility.example")
    invitation = Invitation.objects.get()
    member = verified()
    Membership.objects.create(user=member, organization=org)
    response = signed_in_as(member).post(revoke_url(org, invitation), follow=True)
    assert response.status_code == 200
    assert "Only an administrator" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.PENDING
    assert signed_in_as(verified("bo@utility.example")).post(link(token)).status_code == 302


def test_another_organizations_invitation_is_404(signed_in, org):
    owner = verified()
    other = make_org(admin=owner)
    invite_through_the_page(signed_in_as(owner), other, "bo@other.example")
    foreign = Invitation.objects.get(organization=other)
    # through the other organization's URL (not a member there) ...
    assert signed_in.post(revoke_url(other, foreign)).status_code == 404
    # ... and through our own organization's URL (not one of our invitations)
    assert signed_in.post(revoke_url(org, foreign)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == Invitation.State.PENDING


def test_removing_a_member_revokes_their_invitations_through_the_pages(signed_in, org):
    sam = verified("sam@utility.example")
    sam_row = Membership.objects.create(user=sam, organization=org, role="admin")
    sam_client = signed_in_as(sam)
    sent_by_sam = invite_through_the_page(sam_client, org, "friend@utility.example", role="admin")
    kept = invite_through_the_page(signed_in, org, "kept@utility.example")

    remove(signed_in, org, sam_row)

    refused = signed_in_as(verified("friend@utility.example")).post(link(sent_by_sam))
    assert refused.status_code == 400
    assert "revoked" in refused.content.decode()
    assert not org.memberships.filter(user__email="friend@utility.example").exists()
    assert signed_in_as(verified("kept@utility.example")).post(link(kept)).status_code == 302
