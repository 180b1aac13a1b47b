"""Browser test: an export-control reviewer opens a screening hit in the console and
sees why it matched (word by word, by rule), the identifiers compared and the listed
details, then decides it; a clearance officer sees the hit without the declared
identifiers."""

from datetime import date
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.test_console_review_flow import ARTIFACTS, sign_in
from tests.factories import Cast
from tests.screening.conftest import declare
from vetting.accounts.mfa import ensure_totp_device
from vetting.applications import services
from vetting.screening.lists import list_import
from vetting.screening.models import ScreeningHit
from vetting.screening.services import application_screen

CSL = Path(__file__).resolve().parents[1] / "screening" / "data" / "csl.csv"


def test_a_reviewer_reads_why_a_hit_matched_and_decides_it(
    transactional_db, live_server, browser, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    list_import(actor=None, data=CSL.read_bytes(), fmt="csl")
    cast = Cast()
    app = cast.draft()
    declare(cast, app, "Reza Mohamad Karimi", date_of_birth=date(1970, 1, 12), citizenships=["IR"])
    services.application_submit(actor=cast.applicant, application_id=app.pk)
    [hit] = application_screen(application_id=app.pk).hits.all()
    url = f"{live_server.url}/admin/screening/screeninghit/{hit.pk}/change/"

    page = sign_in(
        browser,
        live_server.url,
        cast.export,
        ensure_totp_device(cast.export, "01" * 20),
        "hit-export",
    )
    page.goto(url)
    why = page.locator(".field-why_it_matched table")
    expect(why).to_contain_text("mohamad")
    expect(why).to_contain_text("transliteration")
    expect(page.locator(".field-identifiers_compared table")).to_contain_text("agrees")
    expect(page.locator(".field-listed_details table")).to_contain_text("1970-01-12")
    page.screenshot(path=ARTIFACTS / "hit-export-page.png", full_page=True)
    page.select_option("#id_status", "false_positive")
    page.fill("#id_rationale", "Different person: passport and employer differ.")
    page.check("#id_no_conflict")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_be_visible()
    hit.refresh_from_db()
    assert hit.status == ScreeningHit.Status.FALSE_POSITIVE and hit.adjudicated_by == cast.export

    officer = sign_in(
        browser,
        live_server.url,
        cast.officer,
        ensure_totp_device(cast.officer, "02" * 20),
        "hit-officer",
    )
    officer.goto(url)
    expect(officer.locator(".field-why_it_matched table")).to_contain_text("karimi")
    expect(officer.locator(".field-identifiers_compared")).to_have_count(0)
