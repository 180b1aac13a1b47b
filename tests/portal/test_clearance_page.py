"""The clearance page of an organization, its printable certificate, and the status
tags and "until" wording of the dashboard and the clearances list."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import Cast, make_org, make_user
from vetting.accounts.models import User
from vetting.api import freshness, keys
from vetting.api.keys import gateway_key_create
from vetting.applications.models import State
from vetting.clearances.models import Clearance
from vetting.clearances.services import clearance_expire, clearance_revoke, clearance_suspend
from vetting.portal.templatetags.portal_status import TONE_CLASSES, tag_class


@pytest.fixture(autouse=True)
def fresh_check_memo():
    # The check keeps answers per worker for 0.5 s; ids are reused across tests.
    freshness.forget()
    keys._last_noted.clear()
    yield
    freshness.forget()


@pytest.fixture
def cast(db):
    cast = Cast()
    User.objects.filter(pk=cast.applicant.pk).update(email_verified_at=timezone.now())
    cast.applicant.refresh_from_db()
    return cast


@pytest.fixture
def clearance(cast):
    app = cast.walk_to(State.APPROVED)
    clearance = Clearance.objects.get(application=app)
    Clearance.objects.filter(pk=clearance.pk).update(conditions="Usage is logged.\nNo resale.")
    clearance.refresh_from_db()
    return clearance


@pytest.fixture
def member(client, cast):
    client.force_login(cast.applicant)
    return client


def text_of(html: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}"[^>]*>(.*?)</', html, re.S)
    assert match, f"no element {name}"
    return unescape(match.group(1)).strip()


def page(client, clearance) -> str:
    response = client.get(reverse("portal:clearance", args=[clearance.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_state_model_dates_conditions_and_reminders(member, clearance):
    html = page(member, clearance)
    expires = timezone.localtime(clearance.expires_at)
    assert clearance.gated_model.name in html and clearance.serial in html
    assert text_of(html, "expires") == f"{expires:%-d %b %Y %H:%M} UTC"
    assert f"until {expires:%-d %b %Y}" in html
    assert "Usage is logged.<br>No resale." in html
    # The reminder emails of vetting.clearances.reminders, 30, 7 and 1 days before.
    assert "30, 7 and 1 days before the expiry" in html
    for days in (30, 7, 1):
        assert (
            f"{timezone.localtime(clearance.expires_at - timedelta(days=days)):%-d %b %Y}" in html
        )
    assert reverse("portal:application_new") in html  # renewal is a new application


def test_the_gateway_ids_on_the_page_are_what_the_check_accepts(member, client, cast, clearance):
    html = page(member, clearance)
    organization, model = text_of(html, "gw-organization"), text_of(html, "gw-model")
    assert (organization, model) == (str(cast.org.pk), cast.model.slug)
    assert text_of(html, "gw-serial") == clearance.serial
    _, key = gateway_key_create(actor=cast.officer, name="Gateway", gated_model_ids=[cast.model.pk])
    client.logout()
    auth = {"Authorization": f"Bearer {key}"}
    answer = client.get(
        "/api/v1/check", {"organization": organization, "model": model}, headers=auth
    )
    assert answer.status_code == 200 and answer.json()["cleared"] is True
    assert answer.json()["serial"] == clearance.serial
    # The one-line example is a request the check answers as it is.
    url = re.search(r'"(https?://[^"]+)"', text_of(html, "gw-example")).group(1)
    parts = urlsplit(url)
    assert parts.path == "/api/v1/check"
    answer = client.get(f"{parts.path}?{parts.query}", headers=auth)
    assert answer.json()["cleared"] is True
    certificate = client.get(
        f"/api/v1/clearances/{text_of(html, 'gw-serial')}/certificate", headers=auth
    )
    assert certificate.status_code == 200


def test_another_organizations_clearance_is_a_404_like_every_portal_object(client, clearance):
    outsider = make_user(email_verified_at=timezone.now())
    make_org(admin=outsider)
    client.force_login(outsider)
    for name in ("portal:clearance", "portal:clearance_printable"):
        assert client.get(reverse(name, args=[clearance.pk])).status_code == 404
    assert client.get(reverse("portal:clearance", args=[clearance.pk + 1000])).status_code == 404
    client.logout()
    response = client.get(reverse("portal:clearance", args=[clearance.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_page_links_the_signed_certificate_download_and_the_printable_page(member, clearance):
    html = page(member, clearance)
    download = reverse("clearance_certificate", args=[clearance.pk])
    assert f'href="{download}"' in html
    response = member.get(download)
    assert response["Content-Type"] == "application/jwt"
    assert response.content.count(b".") == 2  # header.payload.signature
    printable = reverse("portal:clearance_printable", args=[clearance.pk])
    assert f'href="{printable}"' in html
    sheet = member.get(printable).content.decode()
    assert "Clearance certificate" in sheet and clearance.serial in sheet
    assert ">Print</button>" in sheet and "portal/clearance.css" in sheet
    assert 'data-testid="void"' not in sheet


def test_the_stylesheet_has_print_rules_that_hide_the_site_chrome():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("portal/clearance.css")).read_text()
    rules = css.split("@media print", 1)[1]
    for selector in (".usa-header", ".usa-footer", ".no-print"):
        assert selector in rules


def test_a_revoked_clearance_is_marked_not_valid_on_the_page_and_the_printout(
    member, cast, clearance
):
    clearance_revoke(
        actor=cast.officer, clearance_id=clearance.pk, reason="x", applicant_reason="Misuse."
    )
    html = page(member, clearance)
    assert "Not valid now." in html and "Misuse." in html
    assert "until" not in text_of(html, "standing") and "expires on" not in html
    sheet = member.get(reverse("portal:clearance_printable", args=[clearance.pk])).content.decode()
    assert "Not valid:" in sheet


def test_the_clearances_list_and_the_dashboard_link_the_clearance_page(member, clearance):
    link = f'href="{reverse("portal:clearance", args=[clearance.pk])}"'
    assert link in member.get(reverse("portal:clearances")).content.decode()
    assert link in member.get(reverse("portal:dashboard")).content.decode()
    detail = member.get(reverse("portal:application", args=[clearance.application_id]))
    assert link in detail.content.decode()


def _dashboard_line(client, clearance) -> str:
    html = client.get(reverse("portal:dashboard")).content.decode()
    items = re.search(r'data-testid="clearance-list">(.*?)</ul>', html, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", unescape(items)).split())


def test_only_an_active_clearance_says_until_on_the_dashboard(member, cast, clearance):
    name, expires = clearance.gated_model.name, timezone.localtime(clearance.expires_at)
    assert _dashboard_line(member, clearance) == f"{name} : Active until {expires:%-d %b %Y}"
    clearance_suspend(actor=cast.officer, clearance_id=clearance.pk, reason="x")
    today = f"{timezone.localtime():%-d %b %Y}"
    assert _dashboard_line(member, clearance) == f"{name} : Suspended since {today}"
    clearance_revoke(actor=cast.officer, clearance_id=clearance.pk, reason="x")
    assert _dashboard_line(member, clearance) == f"{name} : Revoked on {today}"


def test_an_expired_clearance_says_when_it_expired(member, cast, clearance):
    past = timezone.now() - timedelta(days=2)
    Clearance.objects.filter(pk=clearance.pk).update(expires_at=past)
    name, on = clearance.gated_model.name, f"{timezone.localtime(past):%-d %b %Y}"
    # Past its expiry before the daily job ran: already not cleared, so not "active".
    assert _dashboard_line(member, clearance) == f"{name} : Expired on {on}"
    clearance_expire(clearance_id=clearance.pk)
    assert Clearance.objects.get(pk=clearance.pk).state == "expired"
    assert _dashboard_line(member, clearance) == f"{name} : Expired on {on}"


TONES = {
    "approved": "success",
    "active": "success",
    "rejected": "error",
    "revoked": "error",
    "suspended": "warning",
    "information_requested": "warning",
    "draft": "neutral",
    "withdrawn": "neutral",
    "expired": "neutral",
    "submitted": "progress",
    "export_control_review": "progress",
    "sector_review": "progress",
    "government_review": "progress",
}


@pytest.mark.parametrize("state", sorted(TONES))
def test_each_state_has_the_tag_colour_of_its_meaning(state):
    assert tag_class(state) == TONE_CLASSES[TONES[state]]


def test_the_five_meanings_have_five_distinct_colours():
    assert len(set(TONE_CLASSES.values())) == 5


def _tag_of(html: str, state: str) -> str:
    match = re.search(rf'<span class="usa-tag ([^"]+)" data-state="{state}"[^>]*>([^<]+)<', html)
    assert match, f"no tag for {state}"
    return match.group(1), match.group(2)


def test_pages_show_coloured_tags_that_still_name_the_state(member, cast, clearance):
    cast.draft()
    rejected = cast.walk_to(State.REJECTED)
    dashboard = member.get(reverse("portal:dashboard")).content.decode()
    assert _tag_of(dashboard, "approved") == ("bg-success-darker", "Approved")
    assert _tag_of(dashboard, "rejected") == ("bg-error-dark", "Rejected")
    assert _tag_of(dashboard, "draft") == ("bg-base-lighter text-ink", "Draft")
    assert _tag_of(dashboard, "active") == ("bg-success-darker", "Active")
    status = member.get(reverse("portal:application", args=[rejected.pk])).content.decode()
    assert 'data-testid="status">Rejected<' in status
    assert _tag_of(status, "rejected")[0] == "bg-error-dark"
    assert _tag_of(page(member, clearance), "active")[1] == "Active"
    clearance_suspend(actor=cast.officer, clearance_id=clearance.pk, reason="x")
    listing = member.get(reverse("portal:clearances")).content.decode()
    assert _tag_of(listing, "suspended") == ("bg-warning text-ink", "Suspended")
