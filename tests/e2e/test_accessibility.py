"""Every page type of the public site and the applicant portal, in Chromium, checked by
axe-core (axe-playwright-python) against WCAG 2.1 A and AA: empty, with the errors of
an empty or invalid submission shown, and filled. Zero violations is the bar; a
failure lists each violation's rule, impact, help text and the elements it found.

Each test walks its pages in one browser context (one live server, one data set), so
the whole walk takes about as long as one page load per state."""

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, SLOW_MACHINE_MS, choose_country, tick_country
from tests.factories import PASSWORD, Cast, make_user, small_pdf
from vetting.accounts.mfa import ensure_totp_device
from vetting.accounts.models import User
from vetting.applications.models import Application, State
from vetting.notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
WCAG21AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe's best practices too (every content in a landmark, one h1, heading order, unique
# landmark names): the pages meet them, so they stay met.
RULE_TAGS = [*WCAG21AA, "best-practice"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": RULE_TAGS},
    "resultTypes": ["violations", "incomplete"],
}
# What axe could not decide fails too, except contrast where it cannot compute the
# background: text over USWDS's pseudo-element checkboxes, the select's gradient arrow
# and the current nav link's underline (USWDS's own colour tokens, which axe passes
# wherever it can compute them).
UNDECIDABLE = {"color-contrast"}
# WCAG 2.1's 4.1.1 (parsing), which axe 4.12 no longer checks: an id given twice makes a
# label, an error link or aria-describedby point at the wrong element.
DUPLICATE_IDS = """() => {
    const seen = {};
    document.querySelectorAll("[id]").forEach((el) => { seen[el.id] = (seen[el.id] || 0) + 1; });
    return Object.keys(seen).filter((id) => seen[id] > 1);
}"""
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
SCREENSHOTS = ARTIFACTS / "screenshots"


class Audit:
    """Runs axe on each page state it is shown and keeps every violation, so one run
    reports all of them rather than the first."""

    def __init__(self, site: str):
        self.site, self.axe, self.checked, self.found = site, Axe(), [], []
        self.visited: dict[str, int] = {}  # path: status, for the walk again on a phone

    def check(self, page, state: str) -> None:
        page.wait_for_load_state("load")
        path = urlsplit(page.url).path
        self.checked.append(f"{path} ({state})")
        results = self.axe.run(page, options=AXE_OPTIONS).response
        undecided = [
            {**result, "id": f"{result['id']} (axe could not decide)"}
            for result in results["incomplete"]
            if result["id"] not in UNDECIDABLE
        ]
        for violation in results["violations"] + undecided:
            targets = [" > ".join(_flat(node["target"])) for node in violation["nodes"]]
            self.found.append(
                f"{path} ({state}): {violation['id']} [{violation['impact']}] "
                f"{violation['help']}\n    " + "\n    ".join(targets)
            )
        for duplicate in page.evaluate(DUPLICATE_IDS):
            self.found.append(f"{path} ({state}): duplicate-id: id={duplicate!r} is given twice")

    def visit(self, page, path: str, state: str, *, status: int = 200) -> None:
        response = page.goto(f"{self.site}{path}")
        assert response.status == status, f"{path}: {response.status}"
        self.check(page, state)
        self.visited[path] = status

    def again_on_a_phone(self, page) -> None:
        """The pages opened so far, at 390 px: the header collapses into a menu and
        the tables stack, so the markup axe sees differs."""
        page.set_viewport_size(PHONE)
        for path, status in list(self.visited.items()):
            response = page.goto(f"{self.site}{path}")
            assert response.status == status, f"{path}: {response.status}"
            self.check(page, "390 px")
        page.set_viewport_size(DESKTOP)

    def assert_clean(self) -> None:
        assert self.checked
        assert not self.found, (
            f"{len(self.found)} WCAG 2.1 AA violations on {len(self.checked)} page states:\n"
            + "\n".join(self.found)
        )


def _flat(target) -> list[str]:
    # A selector inside a shadow root or frame is itself a list.
    return [t if isinstance(t, str) else " >>> ".join(t) for t in target]


@pytest.fixture
def site(live_server, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return live_server.url


def verified(user: User) -> User:
    User.objects.filter(pk=user.pk).update(email_verified_at=timezone.now())
    return User.objects.get(pk=user.pk)


def signed_in_context(browser, site, user, *, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(SLOW_MACHINE_MS)
    client = Client()
    client.force_login(user)
    host = urlsplit(site).hostname
    context.add_cookies(
        [
            {"name": k, "value": m.value, "domain": host, "path": "/"}
            for k, m in client.cookies.items()
        ]
    )
    return context


def submit(page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state("load")


def expect_errors(page) -> None:
    expect(page.get_by_test_id("error-summary")).to_be_visible()


def walk_sign_in_and_sign_up(page, audit, member) -> None:
    audit.visit(page, "/accounts/login/", "empty")
    submit(page, "Sign in")
    expect_errors(page)
    audit.check(page, "errors: nothing entered")
    page.get_by_label("Email address").fill(member.email)
    page.get_by_label("Password").fill("not-the-password")
    submit(page, "Sign in")
    expect_errors(page)
    audit.check(page, "errors: wrong password")

    audit.visit(page, "/accounts/signup/", "empty")
    submit(page, "Create account")
    expect_errors(page)
    audit.check(page, "errors: nothing entered")
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Hopper")
    page.get_by_label("Work email address").fill("grace@tricounty.example")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password again").fill("short")
    submit(page, "Create account")
    expect_errors(page)
    audit.check(page, "errors: filled, password too short")
    page.get_by_label("Password", exact=True).fill("grid-defender-2031!")
    page.get_by_label("Password again").fill("grid-defender-2031!")
    submit(page, "Create account")
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    audit.check(page, "signed up: check your email")


def walk_the_password_reset(page, audit, member) -> None:
    audit.visit(page, "/accounts/password/reset/", "empty")
    submit(page, "Send the link")
    expect_errors(page)
    audit.check(page, "errors: nothing entered")
    page.locator("#id_email").fill(member.email)
    submit(page, "Send the link")
    audit.check(page, "sent")
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    token = default_token_generator.make_token(member)
    page.goto(f"{audit.site}/accounts/reset/{uid}/{token}/")  # on to the set-password form
    audit.check(page, "choose a new password: empty")
    submit(page, "Save password")
    expect_errors(page)
    audit.check(page, "choose a new password: errors")
    page.get_by_label("New password", exact=True).fill("grid-defender-2031!")
    page.get_by_label("New password confirmation").fill("grid-defender-2031!")
    submit(page, "Save password")
    audit.check(page, "password reset: done")
    audit.visit(page, "/accounts/reset/MQ/not-a-token/", "link no longer valid")


def test_the_public_pages_meet_wcag_21_aa(browser, site):
    audit = Audit(site)
    member = make_user()
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(SLOW_MACHINE_MS)
    page = context.new_page()
    audit.visit(page, "/", "landing")
    walk_sign_in_and_sign_up(page, audit, member)
    walk_the_password_reset(page, audit, member)
    audit.visit(page, "/accounts/verify/not-a-token/", "verification failed", status=400)
    audit.visit(page, "/no/such/page/", "404", status=404)
    audit.again_on_a_phone(page)

    unverified = signed_in_context(browser, site, make_user()).new_page()
    audit.visit(unverified, "/accounts/verify/pending/", "verify pending")
    audit.assert_clean()


def test_the_second_step_of_signing_in_meets_wcag_21_aa(browser, site):
    audit = Audit(site)
    user = verified(make_user())
    device = ensure_totp_device(user, "3132333435363738393031323334353637383930")
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.set_default_timeout(SLOW_MACHINE_MS)
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, "Sign in")
    expect(page.get_by_role("heading", name="Second step")).to_be_visible()
    audit.check(page, "second step: empty")
    submit(page, "Verify the code")
    expect_errors(page)
    audit.check(page, "second step: errors, no code")
    page.get_by_label("Six-digit code").fill(code_for(device))
    submit(page, "Verify the code")
    expect(page).to_have_url(f"{site}/apply/")
    audit.visit(page, "/accounts/security/", "sign-in security: an authenticator app")
    submit(page, "Make new backup codes")
    expect(page.locator("#backup-codes li")).to_have_count(10)
    audit.check(page, "sign-in security: backup codes shown")
    audit.assert_clean()


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_an_applicant_without_an_organization_meets_wcag_21_aa(browser, site):
    audit = Audit(site)
    page = signed_in_context(browser, site, verified(make_user())).new_page()
    audit.visit(page, "/apply/", "dashboard: no organization yet")
    audit.visit(page, "/apply/organizations/new/", "empty")
    submit(page, "Create organization")
    expect_errors(page)
    audit.check(page, "errors: nothing entered")
    page.get_by_label("Legal name").fill("Tri-County Power Cooperative")
    page.get_by_label("Web domain").fill("https://not a domain/")
    page.locator("label", has_text="Energy").click()
    submit(page, "Create organization")
    expect_errors(page)
    audit.check(page, "errors: filled, domain invalid")
    page.get_by_label("Web domain").fill("tricounty.example")
    page.get_by_label("Kind").select_option("private_company")
    submit(page, "Create organization")
    expect(page.get_by_role("heading", name="Tri-County Power Cooperative")).to_be_visible()
    audit.check(page, "dashboard: organization just created")
    audit.assert_clean()


def fill_person(page, name: str, domain: str) -> None:
    page.get_by_label("Legal name").fill(name)
    page.get_by_label("Work email").fill(f"marie@{domain}")
    page.get_by_label("Role in the organization").fill("Researcher")
    choose_country(page, "Country they work from", "Germany")
    page.get_by_label("US-person status").select_option("foreign_person")
    tick_country(page, "Citizenships", "France")
    page.get_by_label("Export authorization type").select_option("none")


def walk_a_new_draft(page, audit, cast) -> int:
    """Start a draft through the form and check each step empty, with errors, filled."""
    audit.visit(page, "/apply/applications/new/", "empty")
    submit(page, "Start")
    expect_errors(page)
    audit.check(page, "errors: no model chosen")
    page.get_by_label("Model you apply for").select_option(label=cast.model.name)
    submit(page, "Start")
    audit.check(page, "organization step: sector preset")
    pk = int(page.url.rstrip("/").split("/")[-3])
    page.get_by_label("Sector you claim").select_option("")
    submit(page, "Save and continue")
    expect_errors(page)
    audit.check(page, "organization step: errors, no sector")
    page.get_by_label("Sector you claim").select_option(label="Energy")
    submit(page, "Save and continue")
    audit.visit(page, f"/apply/applications/{pk}/steps/review/", "review: everything missing")
    audit.visit(page, "/apply/", "dashboard: a draft")
    audit.visit(page, f"/apply/applications/{pk}/", "status: draft")
    steps = f"/apply/applications/{pk}/steps"
    audit.visit(page, f"{steps}/evidence/", "evidence: empty")
    submit(page, "Upload")
    expect_errors(page)
    audit.check(page, "evidence: errors, no file")
    page.locator("#id_file").set_input_files(
        {"name": "nerc.pdf", "mimeType": "application/pdf", "buffer": small_pdf().read()}
    )
    page.get_by_role("textbox", name="Description").fill("NERC registration")
    submit(page, "Upload")
    expect(page.get_by_test_id("evidence-list")).to_contain_text("nerc.pdf")
    audit.check(page, "evidence: a document uploaded")
    audit.visit(page, f"{steps}/personnel/", "personnel: nobody yet")
    audit.visit(page, f"/apply/applications/{pk}/personnel/new/", "person: empty")
    submit(page, "Save person")
    expect_errors(page)
    audit.check(page, "person: errors, nothing entered")
    fill_person(page, "Marie Curie", cast.org.domain)
    audit.check(page, "person: filled, not saved")
    submit(page, "Save person")
    expect(page.get_by_role("cell", name="Researcher")).to_be_visible()
    audit.check(page, "personnel: one person")
    return pk


def walk_the_rest_of_the_draft(page, audit, pk) -> None:
    steps = f"/apply/applications/{pk}/steps"
    audit.visit(page, f"{steps}/use/", "use: empty")
    submit(page, "Save and continue")
    expect_errors(page)
    audit.check(page, "use: errors, nothing entered")
    page.get_by_label("Use case").fill("Hunt for vulnerabilities in our substation gateways.")
    page.get_by_label("Systems in scope").fill("Substation gateways")
    page.get_by_label("Seats you need").fill("4")
    audit.check(page, "use: filled")
    submit(page, "Save and continue")
    audit.check(page, "attestation: empty")
    submit(page, "Save and continue")
    expect_errors(page)
    audit.check(page, "attestation: errors, nothing entered")
    page.get_by_label("Officer's name").fill("Margaret Hamilton")
    page.get_by_label("Officer's title").fill("CISO")
    page.locator("label", has_text="We keep a technology control plan").click()
    page.locator("label", has_text="We accept the conditions of use").click()
    audit.check(page, "attestation: filled")
    submit(page, "Save and continue")
    expect(page.get_by_test_id("missing")).to_have_count(0)
    audit.check(page, "review: complete")
    audit.visit(page, f"{steps}/organization/", "organization step: filled")
    person = Application.objects.get(pk=pk).personnel.get()
    audit.visit(page, f"/apply/applications/{pk}/personnel/{person.pk}/", "person: edit")
    audit.visit(page, f"/apply/applications/{pk}/personnel/{person.pk}/remove/", "person: remove?")
    audit.visit(page, f"/apply/applications/{pk}/delete/", "delete draft: confirm")


def walk_the_account_pages(page, audit, cast) -> None:
    audit.visit(page, "/apply/account/notifications/inbox/", "inbox: unread messages")
    message = Notification.objects.filter(recipient=cast.applicant).first()
    audit.visit(page, f"/apply/account/notifications/inbox/{message.pk}/", "message: unread")
    submit(page, "Mark as read")
    audit.visit(page, f"/apply/account/notifications/inbox/{message.pk}/", "message: read")
    audit.visit(page, "/apply/account/notifications/", "notification settings")
    submit(page, "Save")
    audit.check(page, "notification settings: saved")
    audit.visit(page, "/accounts/security/", "sign-in security: no second step yet")
    submit(page, "Set up the app")
    audit.check(page, "sign-in security: errors, no code")
    audit.visit(page, "/accounts/password/change/", "empty")
    submit(page, "Change password")
    expect_errors(page)
    audit.check(page, "errors: nothing entered")
    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("New password confirmation").fill("short")
    submit(page, "Change password")
    expect_errors(page)
    audit.check(page, "errors: filled, new password too short")
    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("grid-defender-2031!")
    page.get_by_label("New password confirmation").fill("grid-defender-2031!")
    submit(page, "Change password")
    expect(page).to_have_url(f"{audit.site}/accounts/password/change/done/")
    audit.check(page, "password changed")


def walk_the_organization_pages(page, audit, cast) -> None:
    org = cast.org.pk
    audit.visit(page, f"/apply/organizations/{org}/", "profile: filled")
    page.get_by_label("Web domain").fill("")
    submit(page, "Save profile")
    expect_errors(page)
    audit.check(page, "profile: errors, domain emptied")
    audit.visit(page, f"/apply/organizations/{org}/members/", "members: no invitations")
    submit(page, "Send invitation")
    expect_errors(page)
    audit.check(page, "members: errors, no address")
    page.get_by_label("Colleague's email address").fill(f"alan@{cast.org.domain}")
    submit(page, "Send invitation")
    audit.check(page, "members: an invitation sent")
    audit.visit(page, f"/apply/organizations/{org}/domain/", "domain: not started")
    submit(page, "Start verification")
    audit.check(page, "domain: a record to publish")


def walk_the_submitted_applications(page, audit, cast) -> None:
    asked = cast.walk_to(State.INFORMATION_REQUESTED)
    in_review = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    rejected = cast.walk_to(State.REJECTED)
    clearance = cast.walk_to(State.APPROVED).clearance
    audit.visit(page, "/apply/", "dashboard: a question, a clearance, a draft")
    audit.visit(page, f"/apply/applications/{asked.pk}/", "status: information requested")
    audit.visit(page, f"/apply/applications/{asked.pk}/respond/", "respond: empty")
    submit(page, "Send answer")
    expect_errors(page)
    audit.check(page, "respond: errors, no answer")
    audit.visit(page, f"/apply/applications/{in_review.pk}/", "status: in review")
    for width, viewport in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"status-{width}.png", full_page=True)
    audit.check(page, "status: in review, at 390 px")
    page.set_viewport_size(DESKTOP)
    audit.visit(page, f"/apply/applications/{in_review.pk}/withdraw/", "withdraw: empty")
    audit.visit(page, f"/apply/applications/{rejected.pk}/", "status: rejected")
    audit.visit(page, reverse("portal:application", args=[clearance.application_id]), "approved")
    audit.visit(page, "/apply/clearances/", "clearances: one")
    audit.visit(page, reverse("portal:clearance", args=[clearance.pk]), "clearance: active")
    audit.visit(page, reverse("portal:clearance_printable", args=[clearance.pk]), "printable")
    audit.visit(page, "/apply/applications/999999/", "404 signed in", status=404)


def test_every_page_of_an_applicant_meets_wcag_21_aa(browser, site):
    cast = Cast()
    audit = Audit(site)
    page = signed_in_context(browser, site, verified(cast.applicant)).new_page()
    audit.visit(page, "/apply/clearances/", "clearances: none yet")
    audit.visit(page, "/apply/account/notifications/inbox/", "inbox: no messages")
    pk = walk_a_new_draft(page, audit, cast)
    walk_the_rest_of_the_draft(page, audit, pk)
    walk_the_submitted_applications(page, audit, cast)
    walk_the_organization_pages(page, audit, cast)
    walk_the_account_pages(page, audit, cast)
    audit.again_on_a_phone(page)
    audit.assert_clean()
