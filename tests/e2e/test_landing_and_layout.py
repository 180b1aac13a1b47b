"""The landing page and the layout every page shares, in Chromium: the USWDS
government banner and identifier on every kind of page, a header whose navigation
stays on one line at 1280 px, and no page of an applicant wider than a 390 px phone,
even with a 200-character name in it."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, SLOW_MACHINE_MS
from tests.factories import Cast, make_model
from vetting.accounts.models import User
from vetting.applications import services
from vetting.applications.models import State
from vetting.applications.timing import MIN_DECISIONS
from vetting.portal.views_apply import STEP_KEYS

SCREENSHOTS = ARTIFACTS / "screenshots"
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
LONG_NAME = "Maximiliana" + "x" * 189  # 200 characters, no space to break at
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


@pytest.fixture
def site(live_server, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return live_server.url


def new_page(browser, site, *, viewport, user=None):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(SLOW_MACHINE_MS)
    if user is not None:
        client = Client()
        client.force_login(user)
        host = urlsplit(site).hostname
        context.add_cookies(
            [
                {"name": k, "value": m.value, "domain": host, "path": "/"}
                for k, m in client.cookies.items()
            ]
        )
    return context.new_page()


def shot(page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)


def verified(user: User) -> User:
    User.objects.filter(pk=user.pk).update(email_verified_at=timezone.now())
    return User.objects.get(pk=user.pk)


def expect_banner_and_identifier(page):
    banner = page.get_by_test_id("gov-banner")
    expect(banner).to_contain_text("An official website of the United States government")
    expect(page.locator(".usa-identifier")).to_be_visible()
    expect(page.locator(".usa-identifier")).to_contain_text("Visit USA.gov")


def test_the_landing_page_shows_who_may_apply_and_the_measured_review_times(browser, site):
    model = make_model(name="Mythos 5", sectors=("energy", "water_wastewater"))
    cast = Cast(model)
    for _ in range(MIN_DECISIONS):
        cast.walk_to(State.SECTOR_REVIEW)  # the export-control step decided five times
    page = new_page(browser, site, viewport=DESKTOP)
    page.goto(f"{site}/")
    offer = page.get_by_test_id("open-model")
    expect(offer).to_contain_text("Mythos 5")
    expect(offer.get_by_test_id("admitted-sectors")).to_contain_text("Energy")
    expect(offer.get_by_test_id("admitted-sectors")).to_contain_text("Water and Wastewater")
    expect(offer.get_by_test_id("person-rules")).to_contain_text("foreign person")
    expect(page.get_by_test_id("timing-export_control")).to_contain_text("less than a day")
    expect(page.get_by_test_id("timing-export_control")).to_contain_text(str(MIN_DECISIONS))
    expect(page.get_by_test_id("timing-government")).to_contain_text("Not enough data yet")
    expect_banner_and_identifier(page)
    # The banner's accordion opens (USWDS's script runs under the page's CSP).
    page.get_by_role("button", name="Here’s how you know").click()
    expect(page.get_by_text("Official websites use .gov")).to_be_visible()
    page.get_by_role("button", name="Here’s how you know").click()
    shot(page, "landing-1280")

    phone = new_page(browser, site, viewport=PHONE)
    phone.goto(f"{site}/")
    expect(phone.get_by_test_id("open-model")).to_contain_text("Mythos 5")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "landing-390")


def test_banner_and_identifier_are_on_every_kind_of_page(browser, site):
    applicant = verified(Cast().applicant)
    anonymous = new_page(browser, site, viewport=DESKTOP)
    for path in ("/", "/accounts/login/", "/no/such/page/"):
        response = anonymous.goto(f"{site}{path}")
        assert response.status == (404 if path.startswith("/no/") else 200), path
        expect_banner_and_identifier(anonymous)
    expect(anonymous.get_by_test_id("error-title")).to_have_text("We cannot find that page")
    portal = new_page(browser, site, viewport=DESKTOP, user=applicant)
    for path in ("/apply/", "/apply/applications/999999/"):
        portal.goto(f"{site}{path}")
        expect_banner_and_identifier(portal)
    portal.goto(f"{site}/")
    portal.get_by_role("link", name="Go to your dashboard").click()
    expect(portal).to_have_url(f"{site}/apply/")


def test_at_1280_px_the_header_navigation_is_on_one_line(browser, site):
    cast = Cast()
    User.objects.filter(pk=cast.applicant.pk).update(
        email="a.very.long.address.for.a.security.lead@" + "grid" * 12 + ".example"
    )
    cast.walk_to(State.SUBMITTED)  # "we received your application": an unread message
    page = new_page(browser, site, viewport=DESKTOP, user=verified(cast.applicant))
    page.goto(f"{site}/apply/")
    expect(page.get_by_test_id("nav-inbox").locator(".usa-tag")).to_contain_text("unread")
    items = page.locator(".usa-nav__primary > .usa-nav__primary-item")
    expect(items).to_have_count(7)  # Dashboard ... Sign out: the signed-in menu
    boxes = [items.nth(i).bounding_box() for i in range(items.count())]
    tops = {round(box["y"]) for box in boxes}
    assert len(tops) == 1, boxes
    assert all(box["height"] < 60 for box in boxes), boxes  # no label wrapped inside
    logo = page.locator(".usa-logo").bounding_box()
    assert logo["y"] + logo["height"] > boxes[0]["y"], (logo, boxes[0])  # beside, not above
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    shot(page, "header-1280", full_page=False)


def applicant_pages(cast, draft, submitted, clearance) -> list[str]:
    org = cast.org.pk
    return [
        "/",
        "/apply/",
        f"/apply/organizations/{org}/",
        f"/apply/organizations/{org}/members/",
        f"/apply/organizations/{org}/domain/",
        *[f"/apply/applications/{draft.pk}/steps/{key}/" for key in STEP_KEYS],
        f"/apply/applications/{draft.pk}/personnel/new/",
        f"/apply/applications/{submitted.pk}/",
        "/apply/clearances/",
        reverse("portal:clearance", args=[clearance.pk]),
        "/accounts/security/",
        "/accounts/password/change/",
        "/apply/account/notifications/",
        reverse("notifications:inbox"),
    ]


def test_at_390_px_no_applicant_page_scrolls_sideways(browser, site):
    cast = Cast()
    cast.org.legal_name = "Tri-County" + "Power" * 38  # 200 characters, unbroken
    cast.org.save(update_fields=["legal_name"])
    submitted = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    clearance = cast.walk_to(State.APPROVED).clearance
    draft = cast.draft()
    services.personnel_save(
        actor=cast.applicant,
        application_id=draft.pk,
        legal_name=LONG_NAME,
        work_email=f"{'m' * 60}@{cast.org.domain}",
        role="Incident responder",
        work_country="US",
        us_person_status="us_citizen",
        citizenships=["US"],
    )
    page = new_page(browser, site, viewport=PHONE, user=verified(cast.applicant))
    too_wide = []
    for path in applicant_pages(cast, draft, submitted, clearance):
        response = page.goto(f"{site}{path}")
        assert response.status == 200, f"{path}: {response.status}"
        expect_banner_and_identifier(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{path}: {width} px")
        menu = page.get_by_role("button", name="Menu").bounding_box()
        assert menu["x"] >= 8 and menu["x"] + menu["width"] <= PHONE["width"] - 8, (path, menu)
    assert not too_wide, too_wide
    page.goto(f"{site}/apply/applications/{draft.pk}/steps/personnel/")
    table = page.locator("main table", has=page.locator("th", has_text=LONG_NAME))
    expect(table).to_be_visible()
    table = table.bounding_box()
    assert table["x"] + table["width"] <= PHONE["width"], table
    shot(page, "personnel-390")
