import time
from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, make_user
from vetting.accounts.models import User
from vetting.notifications.models import Notification
from vetting.portal.account_services import verification_token

SIGNUP = {
    "first_name": "Grace",
    "last_name": "Hopper",
    "email": "Grace@Grid.example",
    "password": "grid-defender-2031!",
    "password_again": "grid-defender-2031!",
}


def test_signing_up_creates_an_unverified_account_and_queues_the_verification_email(client, db):
    response = client.post(reverse("signup"), SIGNUP)
    assert response.url == reverse("signup_sent")
    user = User.objects.get(email="grace@grid.example")
    assert user.email_verified_at is None and user.check_password(SIGNUP["password"])
    row = Notification.objects.get(template_key="account_verification")
    assert row.recipient_email == "grace@grid.example"
    assert row.context["url_path"].startswith("/accounts/verify/")
    assert "_auth_user_id" not in client.session  # signed in by the password, once verified
    assert "grace@grid.example" in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"password": "short", "password_again": "short"}, "password", "too short"),
        ({"password": "password1234", "password_again": "password1234"}, "password", "too common"),
        ({"password_again": "something-else-entirely"}, "password_again", "differ"),
        ({"email": "not-an-address"}, "email", "valid email"),
        ({"first_name": ""}, "first_name", "required"),
    ],
)
def test_a_signup_error_names_the_field_and_keeps_what_was_typed(
    client, db, change, field, message
):
    response = client.post(reverse("signup"), {**SIGNUP, **change})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    page = response.content.decode()
    assert f'href="#id_{field}"' in page  # error summary links the field
    form_data = response.context["form"].data
    assert (
        form_data["last_name"] == "Hopper" and form_data["email"] == {**SIGNUP, **change}["email"]
    )
    typed = {**SIGNUP, **change}
    for secret in {typed["password"], typed["password_again"]}:
        assert f'value="{secret}"' not in page  # a typed password is never written back
    assert not User.objects.exists()


def test_the_verification_link_verifies_and_a_bad_or_old_one_does_not(client, db, settings):
    user = make_user()
    response = client.get(reverse("verify_email", args=["garbage"]))
    assert response.status_code == 400
    settings.EMAIL_VERIFICATION_MAX_AGE = -1
    assert client.get(reverse("verify_email", args=[verification_token(user)])).status_code == 400
    settings.EMAIL_VERIFICATION_MAX_AGE = 3600
    response = client.get(reverse("verify_email", args=[verification_token(user)]))
    assert response.url == reverse("login")
    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_an_unverified_user_is_sent_to_verify_before_using_the_portal(client, db):
    client.force_login(make_user())
    assert client.get(reverse("portal:dashboard")).url == reverse("verify_pending")
    client.post(reverse("verify_resend"))
    assert Notification.objects.filter(template_key="account_verification").count() == 1


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    # "/" is the public landing page (tests/portal/test_landing.py); the portal is not.
    assert client.get("/apply/").url.startswith("/accounts/login/?next=")


def test_password_reset_goes_through_the_outbox(client, db, mailoutbox):
    user = make_user("pat@grid.example")
    response = client.post(reverse("password_reset"), {"email": "pat@grid.example"})
    assert response.status_code == 302
    row = Notification.objects.get(template_key="password_reset")
    assert row.recipient == user and row.context["url_path"].startswith("/accounts/reset/")
    assert mailoutbox == []  # nothing sent directly
    confirm = client.get(row.context["url_path"], follow=True)
    assert confirm.context["validlink"]


def test_password_change_checks_the_old_password(client, db):
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "another-long-pass-99",
            "new_password2": "another-long-pass-99",
        },
    )
    assert "old_password" in response.context["form"].errors
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-pass-99",
            "new_password2": "another-long-pass-99",
        },
    )
    assert response.url == reverse("password_change_done")


def login(client, email, password, ip):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_repeated_failures_lock_that_user_from_that_address_only_until_the_cool_off(
    client, db, settings
):
    settings.AXES_COOLOFF_TIME = 4 / 3600  # four seconds, in hours
    user = make_user("pat@grid.example")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, user.email, "wrong", "10.0.0.1").status_code == 200
    assert login(client, user.email, "wrong", "10.0.0.1").status_code == 429
    locked = login(client, user.email, PASSWORD, "10.0.0.1")
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    # The victim, elsewhere, still gets in: an attacker cannot lock them out.
    assert login(client.__class__(), user.email, PASSWORD, "10.0.0.2").status_code == 302
    time.sleep(4.2)
    assert login(client, user.email, PASSWORD, "10.0.0.1").status_code == 302


def test_a_newcomer_invited_by_email_lands_on_the_invitation_after_verifying(client, db):
    from tests.factories import make_org
    from vetting.organizations.services import member_invite

    admin = make_user()
    org = make_org(admin=admin)
    invitation = reverse(
        "portal:invitation",
        args=[member_invite(actor=admin, organization_id=org.pk, email="grace@grid.example")],
    )
    login_page = client.get(invitation, follow=True)
    assert f"?next={quote(invitation, safe='')}" in login_page.content.decode()
    client.post(f"{reverse('signup')}?next={invitation}", {**SIGNUP, "next": invitation})
    user = User.objects.get(email="grace@grid.example")
    response = client.get(reverse("verify_email", args=[verification_token(user)]))
    assert response.url == f"{reverse('login')}?next={quote(invitation, safe='')}"
    signed_in = client.post(
        response.url, {"username": user.email, "password": SIGNUP["password"], "next": invitation}
    )
    assert signed_in.url == invitation


def test_an_offsite_next_is_ignored_after_verification(client, db):
    client.post(reverse("signup"), {**SIGNUP, "next": "https://evil.example/"})
    user = User.objects.get(email="grace@grid.example")
    response = client.get(reverse("verify_email", args=[verification_token(user)]))
    assert response.url == reverse("login")


def test_new_passwords_are_hashed_with_argon2_and_old_pbkdf2_ones_upgraded(client, db, settings):
    from django.contrib.auth.hashers import make_password

    import vetting.settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS

    client.post(reverse("signup"), SIGNUP)
    assert User.objects.get(email="grace@grid.example").password.startswith("argon2$argon2id$")
    old = make_user("pat@grid.example")
    User.objects.filter(pk=old.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    assert login(client, old.email, PASSWORD, "10.0.0.3").status_code == 302
    old.refresh_from_db()
    assert old.password.startswith("argon2$")
