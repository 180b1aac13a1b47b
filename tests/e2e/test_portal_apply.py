"""Browser tests of the applicant portal (Playwright + Debian's Chromium).

The first walks a newcomer from sign-up to a submitted application: the
verification and invitation emails are delivered by a real Celery worker to an
aiosmtpd server on loopback, and the test follows the link in the delivered
email. The second answers a reviewer's request for information with a file."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS as E2E_ARTIFACTS
from tests.e2e.conftest import choose_country, link_in, tick_country
from tests.factories import PASSWORD, Cast, make_model
from tests.waiting import wait_for
from vetting.accounts.models import User
from vetting.applications.models import Application, State

ARTIFACTS = E2E_ARTIFACTS / "portal"
ARTIFACTS.mkdir(parents=True, exist_ok=True)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
# The worker needs committed rows; serialized rollback keeps the sectors and role
# groups that data migrations created.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def site(live_server, settings, tmp_path):
    settings.BASE_URL = live_server.url  # links in emails point at this server
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return live_server.url


def shot(page, name):
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def sign_up_and_verify(page, site, inbox, email):
    page.goto(f"{site}/")  # the landing page: who may apply, what to prepare
    page.get_by_role("link", name="Create an account to apply").click()
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Hopper")
    page.get_by_label("Work email address").fill(email)
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password again").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("too short")
    expect(page.get_by_label("Work email address")).to_have_value(email)  # nothing lost
    shot(page, "01-signup-error")
    page.get_by_label("Password", exact=True).fill("grid-defender-2031!")
    page.get_by_label("Password again").fill("grid-defender-2031!")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    shot(page, "02-verify-pending")
    expect(page.get_by_text(email)).to_be_visible()
    page.goto(link_in(inbox.wait_for(email, "Verify your email")))
    expect(page.get_by_text("Your email address is verified.")).to_be_visible()
    # Signing up signs nobody in (the page says the same for an address with an
    # account): the password does, once the address is verified.
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("grid-defender-2031!")
    page.get_by_role("button", name="Sign in").click()


def create_organization(page):
    page.get_by_role("link", name="Set up your organization").click()
    page.get_by_label("Legal name").fill("Tri-County Power Cooperative")
    page.get_by_label("UEI").fill("JX7B4K2M9LZ1")
    page.get_by_label("EIN").fill("12-3456789")
    page.get_by_label("Web domain").fill("tricounty.example")
    page.get_by_label("Kind").select_option("private_company")
    page.locator("label", has_text="Energy").click()  # USWDS styles the label, not the box
    shot(page, "03-organization")
    page.get_by_role("button", name="Create organization").click()
    expect(page.get_by_role("heading", name="Tri-County Power Cooperative")).to_be_visible()


def fill_first_half(page, model_name):
    page.get_by_role("link", name="Start an application").click()
    page.get_by_label("Model you apply for").select_option(label=model_name)
    page.get_by_role("button", name="Start").click()
    page.get_by_label("Sector you claim").select_option(label="Energy")
    shot(page, "05-step-organization")
    page.get_by_role("button", name="Save and continue").click()
    page.locator("#id_file").set_input_files(
        {"name": "nerc-registration.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("textbox", name="Description").fill("NERC registration")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("evidence-list")).to_contain_text("nerc-registration.pdf")
    shot(page, "06-step-evidence")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Legal name").fill("Alan Analyst")
    page.get_by_label("Work email").fill("alan@tricounty.example")
    page.get_by_label("Role in the organization").fill("SOC lead")
    choose_country(page, "Country they work from", "United States of America")
    page.get_by_label("US-person status").select_option("us_citizen")
    tick_country(page, "Citizenships", "United States of America")
    shot(page, "07-person")
    page.get_by_role("button", name="Save person").click()
    expect(page.get_by_role("cell", name="SOC lead")).to_be_visible()
    shot(page, "08-step-personnel")


def finish_and_submit(page):
    page.get_by_label("Use case").fill("Hunt for vulnerabilities in our substation gateways.")
    page.get_by_label("Systems in scope").fill("Substation gateways, SCADA historian")
    page.get_by_label("Seats you need").fill("4")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Officer's name").fill("Margaret Hamilton")
    page.get_by_label("Officer's title").fill("CISO")
    page.locator("label", has_text="We keep a technology control plan").click()
    page.locator("label", has_text="We accept the conditions of use").click()
    shot(page, "10-step-attestation")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_test_id("missing")).to_have_count(0)
    shot(page, "11-review")
    page.get_by_role("button", name="Submit the application").click()


def test_a_newcomer_signs_up_sets_up_an_organization_and_submits_an_application(
    site, inbox, worker, browser
):
    model = make_model(name="Frontier Cyber 1")
    page = browser.new_context().new_page()
    sign_up_and_verify(page, site, inbox, "grace@tricounty.example")
    create_organization(page)
    shot(page, "04-dashboard-empty")

    page.get_by_role("link", name="Members and invitations").click()
    page.get_by_label("Colleague's email address").fill("alan@tricounty.example")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to alan@tricounty.example")).to_be_visible()
    assert "/apply/invitations/" in link_in(inbox.wait_for("alan@tricounty.example", "invites"))
    page.goto(f"{site}/apply/")

    fill_first_half(page, model.name)
    page.get_by_role("link", name="Leave; come back later").click()  # no form on this step
    page.context.close()

    # Days later, in a fresh browser: sign in and pick up where they left off.
    page = browser.new_context().new_page()
    page.goto(f"{site}/apply/")
    page.get_by_label("Email address").fill("grace@tricounty.example")
    page.get_by_label("Password").fill("grid-defender-2031!")
    page.get_by_role("button", name="Sign in").click()
    shot(page, "09-dashboard-draft")
    page.get_by_role("link", name=re.compile(r"APP-\d+ \(Frontier Cyber 1\)")).click()
    expect(page.get_by_role("heading", name=re.compile("Use case and seats"))).to_be_visible()
    finish_and_submit(page)

    expect(page.get_by_text("is submitted")).to_be_visible()
    application = Application.objects.get(gated_model=model)
    # The worker starts the review; the status page then names the first step.
    wait_for(
        lambda: Application.objects.get(pk=application.pk).state != State.SUBMITTED,
        what="the review started by the worker",
    )
    page.reload()
    expect(page.get_by_test_id("status")).to_have_text("Export-control review")
    expect(page.get_by_test_id("timeline")).to_contain_text("Submitted")
    shot(page, "12-status")
    assert inbox.wait_for("grace@tricounty.example", "received")


def test_an_applicant_answers_a_request_for_information_with_a_file_without_javascript(
    site, browser
):
    cast = Cast()
    User.objects.filter(pk=cast.applicant.pk).update(email_verified_at=timezone.now())
    application = cast.walk_to(State.INFORMATION_REQUESTED)
    # Without JavaScript, on a phone-sized screen: the portal must still work.
    page = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}
    ).new_page()
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Email address").fill(cast.applicant.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("a reviewer asked for information")).to_be_visible()
    shot(page, "20-dashboard-question")
    page.get_by_role("link", name=re.compile(application.number)).first.click()
    expect(page.get_by_test_id("question")).to_contain_text("technology control plan")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("Your answer")
    page.get_by_label("Your answer").fill("Our TCP is attached; it lists all four analysts.")
    # USWDS's file input gives the input its own aria-label, so find it by id.
    page.locator("#id_file").set_input_files(
        {"name": "tcp.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    shot(page, "21-answer")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_test_id("status")).to_have_text("Export-control review")
    expect(page.get_by_test_id("timeline")).to_contain_text("You answered")
    shot(page, "22-status-after-answer")
    application.refresh_from_db()
    assert application.state == State.EXPORT_CONTROL_REVIEW
    assert application.evidence.filter(original_name="tcp.pdf").exists()
