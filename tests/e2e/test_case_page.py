"""Browser test of the reviewer's case page (Playwright + Debian's Chromium): a sector
reviewer signs in with password and TOTP, opens a case and sees the organization,
the domain proof, the application, personnel, evidence with an image thumbnail that
loads, prior decisions, and the decision form beside it; `j` while typing in a field
types a j, `j` elsewhere goes to the next application in their queue, `k` back,
`?` opens the shortcut help; they decide from the inline form. Screenshots at 1280 and
390 px (test-artifacts/screenshots/case-1280.png, case-390.png); axe-core finds no
WCAG 2.1 A/AA or best-practice violation on the page."""

import re

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.console.test_case_page import with_photo
from tests.e2e.conftest import ARTIFACTS, SLOW_MACHINE_MS
from tests.factories import DOMAIN_CONFIRMED, PASSWORD, Cast
from vetting.accounts.mfa import ensure_totp_device
from vetting.applications.models import Application, State

SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def sign_in(browser, base_url, user):
    device = ensure_totp_device(user, "07" * 20)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(SLOW_MACHINE_MS)
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(r"/admin/mfa/verify/"))
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("#id_otp_token", f"{code:06d}")
    page.click("input[type=submit]")
    expect(page.locator("#console-dashboard")).to_be_visible()
    return page


def case_url(base_url, app) -> str:
    return f"{base_url}/admin/applications/application/{app.pk}/change/"


def arrive(page, url: str) -> None:
    """At ``url``, with its deferred scripts run (a key pressed earlier does nothing)."""
    expect(page).to_have_url(url)
    page.wait_for_load_state("domcontentloaded")


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_sector_reviewer_reads_a_case_walks_the_queue_by_key_and_decides_inline(
    transactional_db, live_server, browser, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    cast = Cast()
    cast.org.uei = "J7M9HPTGJ1S9"
    cast.org.save()
    first = cast.walk_to(State.SECTOR_REVIEW, app=with_photo(cast))
    second = cast.walk_to(State.SECTOR_REVIEW)
    cast.sector.email_verified_at = timezone.now()  # the evidence download asks for it
    cast.sector.save(update_fields=["email_verified_at"])
    url = live_server.url
    page = sign_in(browser, url, cast.sector)
    problems = []
    page.on(
        "console",
        lambda m: problems.append(f"{m.text} at {m.location}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(case_url(url, first))
    page.wait_for_load_state("domcontentloaded")
    expect(page.locator("#case-organization")).to_contain_text("J7M9HPTGJ1S9")
    expect(page.locator("#case-domain")).to_contain_text("✗ Not verified")
    expect(page.locator("#case-application")).to_contain_text("5 requested")
    expect(page.locator("#case-policy-version")).to_contain_text("version 1")
    expect(page.locator("#case-personnel")).to_contain_text("Alex Analyst")
    expect(page.locator("#case-personnel")).not_to_contain_text("US citizen")
    expect(page.locator("#case-decisions")).to_contain_text("Passed")
    thumb = page.locator("img.case-thumb")
    expect(thumb).to_be_visible()
    page.wait_for_function("document.querySelector('img.case-thumb').naturalWidth === 2")
    expect(page.locator(".case-pdf-link")).to_be_visible()
    expect(page.locator("#queue-where")).to_have_text("1 of 2 in your sector verification queue")

    # Two columns: the decision panel beside the case, still in view when scrolled.
    main, panel = page.locator("#case-main").bounding_box(), page.locator("#decision-panel")
    assert panel.bounding_box()["x"] > main["x"] + main["width"] - 1
    expect(page.locator("#decision-form")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "case-1280.png", full_page=True)
    page.locator("#case-audit").scroll_into_view_if_needed()
    expect(panel).to_be_in_viewport()
    expect(page.locator("#decision-form input[type=submit]")).to_be_in_viewport()
    seen = len(problems)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    del problems[seen:]  # axe's own probe of inline styles, which the CSP blocks
    violations = [
        (v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]
    ]
    assert violations == [], "\n".join(map(str, violations))

    # A key typed in a field stays in the field.
    page.fill("#id_rationale", "")
    page.locator("#id_rationale").press("j")
    expect(page.locator("#id_rationale")).to_have_value("j")
    assert page.url == case_url(url, first)
    page.locator("#id_rationale").blur()
    page.keyboard.press("?")
    expect(page.locator("#shortcut-help")).to_have_attribute("open", "")
    page.keyboard.press("?")
    expect(page.locator("#shortcut-help")).not_to_have_attribute("open", "")

    page.keyboard.press("j")
    arrive(page, case_url(url, second))
    expect(page.locator("#queue-where")).to_have_text("2 of 2 in your sector verification queue")
    page.keyboard.press("k")
    arrive(page, case_url(url, first))
    page.keyboard.press("n")
    arrive(page, case_url(url, second))

    # `d` goes to the decision form; decide there: the browser wants the rationale
    # (the domain is not verified).
    page.keyboard.press("d")
    expect(page.locator("#id_rationale")).to_be_focused()
    page.check("#id_no_conflict")
    page.click("#decision-form input[type=submit]")
    assert page.evaluate("document.querySelector('#id_rationale').validity.valueMissing")
    assert page.url == case_url(url, second)
    page.fill("#id_rationale", DOMAIN_CONFIRMED)
    page.click("#decision-form input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text("done")
    assert Application.objects.get(pk=second.pk).state == State.GOVERNMENT_REVIEW
    assert Application.objects.get(pk=second.pk).decisions.get(step="sector").rationale == (
        DOMAIN_CONFIRMED
    )
    expect(page.locator("#decision-panel")).to_contain_text("Only a government official")
    # The one left in the queue is offered next.
    expect(page.locator("#queue-next")).to_contain_text(first.number)

    # 390 px: one column, the decision panel below the case, no sideways scroll.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(case_url(url, first))
    main, panel = page.locator("#case-main").bounding_box(), page.locator("#decision-panel")
    assert panel.bounding_box()["y"] >= main["y"] + main["height"] - 1
    expect(page.locator(".case-skip a")).to_be_visible()
    assert no_horizontal_scroll(page)
    page.screenshot(path=SCREENSHOTS / "case-390.png", full_page=True)
    assert problems == [], "\n".join(problems)
