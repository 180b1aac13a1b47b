"""The reviewer's case page (an application's console page): every section for the
roles that read it, citizenship only for those allowed, evidence previews only where
the download serves the reader, queue navigation inside the reader's queue only, and
the inline decision form posting to the decide view."""

import re
import struct
import zlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import DOMAIN_CONFIRMED, make_user
from vetting.accounts.roles import Role
from vetting.applications import review, services
from vetting.applications.models import Application, State
from vetting.evidence.services import evidence_upload
from vetting.screening.lists import list_import
from vetting.screening.models import DomainChallenge
from vetting.screening.services import application_screen

pytestmark = pytest.mark.django_db

CSL = Path(__file__).resolve().parents[1] / "screening" / "data" / "csl.csv"
SECTIONS = [
    "case-organization",
    "case-application",
    "case-checklist",
    "case-personnel",
    "case-evidence",
    "case-decisions",
    "case-questions",
    "case-audit",
    "decision-panel",
]


def tiny_png() -> SimpleUploadedFile:
    """A real 2x2 PNG, accepted by the content check."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x1b\x5e\x9c" * 2 for _ in range(2))
    body = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("substation.png", body, content_type="image/png")


def with_photo(cast):
    """A complete draft with a PNG beside the factory's PDF."""
    app = cast.draft()
    evidence_upload(
        actor=cast.applicant,
        application_id=app.pk,
        upload=tiny_png(),
        description="Photo of the substation sign",
    )
    return app


def verified(user):
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return user


def page_of(client, app, query="") -> str:
    response = client.get(f"/admin/applications/application/{app.pk}/change/{query}")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, name: str) -> str:
    match = re.search(rf'<section[^>]*id="{name}".*?</section>', html, re.S)
    assert match, name
    return match.group(0)


# --- sections, per role -------------------------------------------------------------


def test_a_sector_reviewer_sees_every_section_and_no_citizenship(cast, console):
    cast.org.uei, cast.org.cage = "J7M9HPTGJ1S9", "1ABC5"
    cast.org.save()
    app = cast.walk_to(State.SECTOR_REVIEW)
    html = page_of(console(cast.sector), app)

    for name in SECTIONS:
        assert f'id="{name}"' in html, name
    organization = section(html, "case-organization")
    assert cast.org.legal_name in organization and "J7M9HPTGJ1S9" in organization
    assert "1ABC5" in organization and "Private company" in organization
    assert "Energy" in organization and "United States of America" in organization
    assert f"{cast.org.domain} — " in organization and "✗ Not verified" in organization
    application = section(html, "case-application")
    assert cast.model.name in application and "grid control systems" in application
    assert "SCADA historian" in application
    assert "5 requested; the model allows at most 100 per organization" in application
    assert f"Reviewed under version {cast.model.policy_version}" in application
    assert "Passed" in section(html, "case-decisions")  # the export-control step
    assert "Alex Analyst" in section(html, "case-personnel")
    # Citizenship data is the export-control reviewer's and the auditor's only.
    assert "US-person status" not in html and "US citizen" not in html
    assert 'id="citizenship-hidden"' in html
    assert 'id="decision-form"' in html


def test_the_export_control_reviewer_sees_citizenship_export_authorizations_and_hits(cast, console):
    list_import(actor=None, data=CSL.read_bytes(), fmt="csl")
    app = cast.draft()
    services.personnel_save(
        actor=cast.applicant,
        application_id=app.pk,
        legal_name="Reza Mohamad Karimi",
        work_email=f"reza@{cast.org.domain}",
        role="Engineer",
        work_country="US",
        us_person_status="foreign_person",
        citizenships=["IR"],
        date_of_birth=date(1970, 1, 12),
        export_authorization_type="bis_license",
        export_authorization_number="D1234567",
        export_authorization_expires=date.today() + timedelta(days=300),
    )
    services.application_submit(actor=cast.applicant, application_id=app.pk)
    [hit] = application_screen(application_id=app.pk).hits.all()
    services.application_start_review(application_id=app.pk)

    personnel = section(page_of(console(cast.export), app), "case-personnel")
    assert "Iran" in personnel and "Foreign person" in personnel
    assert "Export license from the Commerce Department (BIS) D1234567" in personnel
    row = re.search(rf'<tr data-person="{hit.declaration_id}">.*?</tr>', personnel, re.S)
    assert f"~ {hit.matched_name}" in row.group(0) and "awaiting adjudication" in row.group(0)

    # The sector reviewer sees the hit beside the person, not the citizenship.
    personnel = section(page_of(console(cast.sector), app), "case-personnel")
    assert f"~ {hit.matched_name}" in personnel
    assert "Iran" not in personnel and "D1234567" not in personnel


def test_an_auditor_reads_the_case_without_a_decision_form_or_queue(cast, console):
    app = cast.walk_to(State.SECTOR_REVIEW)
    html = page_of(console(cast.auditor), app)
    assert "US citizen" in html  # auditors may read citizenship
    assert 'id="decision-form"' not in html
    assert "Only a sector reviewer may decide the sector verification step." in html
    assert 'id="case-queue"' not in html and "data-shortcut" not in html


def test_a_closed_application_says_there_is_no_decision_to_take(cast, console):
    app = cast.walk_to(State.APPROVED)
    html = page_of(console(cast.sector), app)
    assert "there is no review decision to take now" in html
    assert 'id="decision-form"' not in html and app.clearance.serial in html


# --- evidence previews --------------------------------------------------------------


def _downloads(html: str) -> tuple[list[str], list[str]]:
    evidence = section(html, "case-evidence")
    images = re.findall(r'<img class="case-thumb" src="([^"]+)"', evidence)
    links = re.findall(r'href="(/apply/evidence/\d+/)"', evidence)
    return images, links


@pytest.mark.parametrize(
    ("who", "previews"),
    [
        ("sector", True),
        ("export", True),
        ("auditor", True),
        ("officer", True),
        ("unverified_sector", False),
        ("superuser", False),
    ],
)
def test_evidence_is_previewed_only_where_the_download_serves_the_reader(
    cast, console, who, previews
):
    app = cast.walk_to(State.SECTOR_REVIEW, app=with_photo(cast))
    png, pdf = app.evidence.order_by("id").reverse()
    if who == "superuser":
        reader = verified(make_user(is_superuser=True, is_staff=True))
    elif who == "unverified_sector":
        reader = cast.sector
    else:
        reader = verified(getattr(cast, who))
    client = console(reader)
    html = page_of(client, app)
    images, links = _downloads(html)

    if previews:
        assert images == [f"/apply/evidence/{png.pk}/"]
        assert f'aria-label="Download the PDF {pdf.original_name}"' in html
        assert set(links) == {f"/apply/evidence/{png.pk}/", f"/apply/evidence/{pdf.pk}/"}
    else:
        assert images == [] and links == []
        assert "case-pdf-link" not in html
    # Whatever is offered is served (an image the download refused would be broken).
    for url in set(images + links):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] in (
            "image/png",
            "application/pdf",
        )
    assert png.original_name in html and pdf.original_name in html


# --- queue navigation ---------------------------------------------------------------


def _queue_links(html: str) -> dict:
    found = dict(re.findall(r'id="queue-(previous|next)"[^>]*href="([^"]+)"', html))
    return {key: int(re.search(r"/(\d+)/change/", url).group(1)) for key, url in found.items()}


def test_previous_and_next_follow_the_readers_queue_oldest_first(cast, console):
    first = cast.walk_to(State.SECTOR_REVIEW)
    recused = cast.walk_to(State.SECTOR_REVIEW)
    review.application_recuse(actor=cast.sector, application_id=recused.pk)
    second = cast.walk_to(State.SECTOR_REVIEW)
    cast.walk_to(State.GOVERNMENT_REVIEW)  # another step's queue
    cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    third = cast.walk_to(State.SECTOR_REVIEW)
    client = console(cast.sector)

    html = page_of(client, first)
    assert _queue_links(html) == {"next": second.pk}
    assert "1 of 3 in your sector verification queue" in html and "No previous in queue" in html
    html = page_of(client, second)
    assert _queue_links(html) == {"previous": first.pk, "next": third.pk}
    assert "2 of 3 in your sector verification queue" in html
    html = page_of(client, third)
    assert _queue_links(html) == {"previous": second.pk}
    assert "No next in queue" in html
    # The application the reviewer stepped aside from is in nobody's walk for them;
    # from it, "next" is the oldest of their queue.
    html = page_of(client, recused)
    assert _queue_links(html) == {"next": first.pk}
    assert "Not in your sector verification queue; 3 waiting there" in html


def test_the_queue_never_offers_an_application_of_the_readers_own_organization(cast, console):
    insider = make_user(role=Role.SECTOR_REVIEWER)
    own = cast.walk_to(State.SECTOR_REVIEW)
    cast.org.memberships.create(user=insider, role="member")
    also_own = cast.walk_to(State.SECTOR_REVIEW)
    other = type(cast)(model=cast.model)
    theirs = other.walk_to(State.SECTOR_REVIEW)
    html = page_of(console(insider), theirs)
    assert _queue_links(html) == {}
    assert "1 of 1 in your sector verification queue" in html
    assert own.number not in html and also_own.number not in html


def test_after_passing_the_reviewer_is_offered_the_next_in_their_queue(cast, console):
    app = cast.walk_to(State.SECTOR_REVIEW)
    waiting = cast.walk_to(State.SECTOR_REVIEW)
    review.application_pass_step(
        no_conflict=True,
        actor=cast.sector,
        application_id=app.pk,
        step="sector",
        rationale=DOMAIN_CONFIRMED,
    )
    html = page_of(console(cast.sector), app)
    assert _queue_links(html) == {"next": waiting.pk}


def test_the_page_loads_the_shortcut_script_and_lists_the_keys(cast, console):
    app = cast.walk_to(State.SECTOR_REVIEW)
    html = page_of(console(cast.sector), app)
    assert '<script src="/static/console/case.js" defer></script>' in html
    help_box = re.search(r'<details id="shortcut-help".*?</details>', html, re.S).group(0)
    for key in ("j", "k", "n", "p", "?"):
        assert f"<kbd>{key}</kbd>" in help_box


# --- the inline decision form -------------------------------------------------------


def _form(html: str) -> str:
    return re.search(r'<form method="post" id="decision-form".*?</form>', html, re.S).group(0)


def test_the_inline_form_posts_to_the_decide_view_and_passes_the_step(cast, console):
    app = cast.walk_to(State.SECTOR_REVIEW)
    client = console(cast.sector)
    form = _form(page_of(client, app))
    action = re.search(r'action="([^"]+)"', form).group(1)
    assert action == f"/admin/applications/application/{app.pk}/decide/pass/"
    assert 'name="step" value="sector"' in form
    # An unverified domain: the browser asks for the rationale, and so does the service.
    assert re.search(r'<textarea name="rationale"[^>]* required', form)
    assert "is not verified by its DNS record" in form

    refused = client.post(action, {"step": "sector", "no_conflict": "on", "rationale": ""})
    assert refused.status_code == 400
    assert "is not verified by its DNS record" in refused.content.decode()
    assert Application.objects.get(pk=app.pk).state == State.SECTOR_REVIEW

    passed = client.post(
        action, {"step": "sector", "no_conflict": "on", "rationale": DOMAIN_CONFIRMED}
    )
    assert passed.status_code == 302
    assert passed["Location"] == f"/admin/applications/application/{app.pk}/change/"
    assert Application.objects.get(pk=app.pk).state == State.GOVERNMENT_REVIEW


def test_a_verified_domain_needs_no_rationale_to_pass(cast, console):
    DomainChallenge.objects.create(
        organization=cast.org,
        domain=cast.org.domain,
        token_hash="0" * 64,
        expires_at=timezone.now() + timedelta(days=7),
        verified_at=timezone.now(),
    )
    app = cast.walk_to(State.SECTOR_REVIEW)
    client = console(cast.sector)
    html = page_of(client, app)
    assert "✓ Verified by DNS" in section(html, "case-organization")
    form = _form(html)
    assert "required" not in re.search(r"<textarea name=\"rationale\"[^>]*>", form).group(0)
    response = client.post(
        f"/admin/applications/application/{app.pk}/decide/pass/",
        {"step": "sector", "no_conflict": "on"},
    )
    assert response.status_code == 302
    assert Application.objects.get(pk=app.pk).state == State.GOVERNMENT_REVIEW


def test_each_decision_of_the_step_is_a_tab_of_the_panel(cast, console):
    app = cast.walk_to(State.SECTOR_REVIEW)
    client = console(cast.sector)
    html = page_of(client, app)
    tabs = re.findall(r'class="button decision-(\w+)', html)
    assert tabs == ["pass", "request_information", "reject"]

    reject = _form(page_of(client, app, "?decision=reject"))
    assert "/decide/reject/" in reject
    assert 'name="message_to_applicant"' in reject and 'name="question"' not in reject
    ask = _form(page_of(client, app, "?decision=request_information"))
    assert 'name="question"' in ask
    # A decision this step does not offer falls back to the step's first.
    assert "/decide/pass/" in _form(page_of(client, app, "?decision=approve"))


def test_a_reader_who_may_not_decide_sees_why_and_no_form(cast, console):
    app = cast.walk_to(State.SECTOR_REVIEW)
    html = page_of(console(cast.government), app)
    assert 'id="decision-form"' not in html
    assert "Only a sector reviewer may decide the sector verification step." in html

    review.application_recuse(actor=cast.sector, application_id=app.pk)
    html = page_of(console(cast.sector), app)
    assert 'id="decision-form"' not in html and 'id="recuse"' not in html
    assert "You recused yourself from this application." in html


def test_the_recuse_button_is_its_own_form(cast, console):
    app = cast.walk_to(State.SECTOR_REVIEW)
    client = console(cast.sector)
    html = page_of(client, app)
    recuse = re.search(r'<form method="post" id="recuse-form".*?</form>', html, re.S).group(0)
    assert f'action="/admin/applications/application/{app.pk}/recuse/"' in recuse
    response = client.post(
        f"/admin/applications/application/{app.pk}/recuse/", {"reason": "My cousin works there."}
    )
    assert response.status_code == 302
    assert app.recusals.get().reason == "My cousin works there."


def test_the_case_page_of_a_reviewer_uses_as_many_queries_whatever_their_queue(cast, console):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    app = cast.walk_to(State.SECTOR_REVIEW)
    cast.walk_to(State.SECTOR_REVIEW)  # a next one: the neighbours' query runs
    client = console(cast.sector)
    page_of(client, app)  # warm caches

    def count():
        with CaptureQueriesContext(connection) as ctx:
            page_of(client, app)
        return len(ctx.captured_queries)

    few = count()
    for _ in range(3):
        cast.walk_to(State.SECTOR_REVIEW)
    assert "1 of 5 in your sector verification queue" in page_of(client, app)
    assert count() == few
