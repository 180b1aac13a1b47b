"""Issue 19's draft-page findings, in Chromium: Back after Submit, 'Save and leave',
the country pickers (a USWDS combo box, a filterable checkbox list)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import choose_country, tick_country
from tests.factories import PASSWORD, complete_draft, make_model, make_org, make_user
from vetting.applications.models import Application

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def applicant_page(live_server, browser, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    user = make_user(email_verified_at=timezone.now())
    org = make_org(admin=user)
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/apply/")
    return page, user, org, live_server.url


def test_back_after_submit_shows_where_the_application_stands_not_a_live_submit(applicant_page):
    page, user, org, site = applicant_page
    app = complete_draft(applicant=user, org=org, model=make_model())
    page.goto(f"{site}/apply/applications/{app.pk}/steps/review/")
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_text("is submitted")).to_be_visible()
    page.go_back()
    expect(page).to_have_url(f"{site}/apply/applications/{app.pk}/")
    expect(page.get_by_text("can no longer be changed")).to_be_visible()
    expect(page.get_by_role("button", name="Submit the application")).to_have_count(0)


def test_save_and_leave_keeps_what_was_typed(applicant_page):
    page, user, org, site = applicant_page
    app = complete_draft(applicant=user, org=org, model=make_model())
    Application.objects.filter(pk=app.pk).update(use_case="")
    page.goto(f"{site}/apply/applications/{app.pk}/steps/use/")
    page.get_by_label("Use case").fill("Find flaws in our substation gateways.")
    page.get_by_role("button", name="Save and leave; come back later").click()
    expect(page).to_have_url(f"{site}/apply/")
    expect(page.get_by_text("is saved as a draft")).to_be_visible()
    page.goto(f"{site}/apply/applications/{app.pk}/steps/use/")
    expect(page.get_by_label("Use case")).to_have_value("Find flaws in our substation gateways.")


def test_countries_are_picked_by_typing(applicant_page):
    page, user, org, site = applicant_page
    app = complete_draft(applicant=user, org=org, model=make_model())
    page.goto(f"{site}/apply/applications/{app.pk}/personnel/new/")
    page.get_by_label("Legal name").fill("Marie Curie")
    page.get_by_label("Work email").fill(f"marie@{org.domain}")
    page.get_by_label("Role in the organization").fill("Researcher")
    choose_country(page, "Country they work from", "Germany")
    page.get_by_label("US-person status").select_option("foreign_person")
    filter_box = page.get_by_label("Find a country for “Citizenships”")
    filter_box.fill("fran")
    group = page.get_by_role("group", name="Citizenships")
    expect(group.locator("[data-choice]:visible")).to_have_count(1)  # France only
    tick_country(page, "Citizenships", "France")
    tick_country(page, "Citizenships", "Poland")
    expect(group.locator("[data-chosen]")).to_have_text("Chosen: France, Poland")
    filter_box.press("Enter")  # narrows; does not submit the form
    expect(page).to_have_url(f"{site}/apply/applications/{app.pk}/personnel/new/")
    page.get_by_label("Export authorization type").select_option("none")
    page.get_by_role("button", name="Save person").click()
    expect(page.get_by_role("cell", name="Marie Curie")).to_be_visible()
    person = app.personnel.get(legal_name="Marie Curie")
    assert person.work_country == "DE"
    assert sorted(c.code for c in person.citizenships) == ["FR", "PL"]
