from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import Cast, make_user, small_pdf
from vetting.accounts.models import User
from vetting.applications import review
from vetting.applications.models import State
from vetting.clearances.models import Clearance
from vetting.clearances.services import clearance_suspend


@pytest.fixture
def cast(db):
    cast = Cast()
    User.objects.filter(pk=cast.applicant.pk).update(email_verified_at=timezone.now())
    cast.applicant.refresh_from_db()
    return cast


@pytest.fixture
def client_of(client, cast):
    client.force_login(cast.applicant)
    return client


def test_the_status_page_shows_public_events_but_no_rationale_or_reviewer(client_of, cast):
    app = cast.walk_to(State.SECTOR_REVIEW)
    review.application_reject(
        no_conflict=True,
        actor=cast.sector,
        application_id=app.pk,
        step="sector",
        rationale="INTERNAL: letterhead looks forged",
        message_to_applicant="Your sector evidence did not check out.",
    )
    html = client_of.get(reverse("portal:application", args=[app.pk])).content.decode()
    assert "Export-control check completed" in html
    assert "Sector verification completed: not approved" in html
    assert "Your sector evidence did not check out." in html
    assert "INTERNAL" not in html
    for reviewer in (cast.export, cast.sector):
        assert reviewer.email not in html


def test_a_question_is_shown_and_answered_with_text_and_a_file(client_of, cast):
    app = cast.walk_to(State.INFORMATION_REQUESTED)
    page = client_of.get(reverse("portal:application", args=[app.pk]))
    assert "Please send your technology control plan." in page.content.decode()
    assert page.context["waiting_on"] == "you"
    url = reverse("portal:respond", args=[app.pk])
    response = client_of.post(url, {"response": "  "})
    assert "response" in response.context["form"].errors
    response = client_of.post(url, {"response": "Attached.", "file": small_pdf("tcp.pdf")})
    assert response.url == reverse("portal:application", args=[app.pk])
    app.refresh_from_db()
    assert app.state == State.EXPORT_CONTROL_REVIEW
    assert app.evidence.filter(original_name="tcp.pdf", information_request__isnull=False).exists()
    # Nothing left to answer: a stale page or a second send says so on the status page.
    stale = client_of.post(url, {"response": "Sent twice."}, follow=True)
    assert stale.redirect_chain[-1][0] == reverse("portal:application", args=[app.pk])
    assert "no question is waiting for an answer" in stale.content.decode()
    assert not app.information_requests.filter(response="Sent twice.").exists()
    assert "no-store" in client_of.get(reverse("portal:withdraw", args=[app.pk]))["Cache-Control"]


def test_a_bad_file_in_an_answer_leaves_the_question_open_and_the_text_typed(client_of, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    app = cast.walk_to(State.INFORMATION_REQUESTED)
    fake = SimpleUploadedFile("tcp.pdf", b"MZ" + b"\x00" * 100)
    response = client_of.post(
        reverse("portal:respond", args=[app.pk]), {"response": "Our careful answer", "file": fake}
    )
    assert "file" in response.context["form"].errors
    assert "Our careful answer" in response.content.decode()
    app.refresh_from_db()
    assert (
        app.state == State.INFORMATION_REQUESTED
        and not app.evidence.filter(information_request__isnull=False).exists()
    )


def test_withdrawing_asks_for_confirmation_first(client_of, cast):
    app = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    url = reverse("portal:withdraw", args=[app.pk])
    assert "Withdraw" in client_of.get(url).content.decode()
    app.refresh_from_db()
    assert app.state == State.EXPORT_CONTROL_REVIEW
    client_of.post(url, {"reason": "Budget cut"})
    app.refresh_from_db()
    assert app.state == State.WITHDRAWN
    again = client_of.post(url, {"reason": "Twice"}, follow=True)
    assert "it is withdrawn and cannot be withdrawn" in again.content.decode()
    client_of.force_login(make_user(email_verified_at=timezone.now()))
    assert client_of.get(url).status_code == 404  # another organization's


def test_the_clearances_page_shows_the_applicant_reason_not_the_internal_one(client_of, cast):
    cast.walk_to(State.APPROVED)
    clearance = Clearance.objects.get(organization=cast.org)
    clearance_suspend(
        actor=cast.officer,
        clearance_id=clearance.pk,
        reason="INTERNAL: anomaly ticket 4411",
        applicant_reason="Unusual usage is under review.",
    )
    html = client_of.get(reverse("portal:clearances")).content.decode()
    assert clearance.serial in html and "Suspended" in html
    assert "Unusual usage is under review." in html and "INTERNAL" not in html


def test_the_dashboard_lists_what_needs_action(client_of, cast):
    asked = cast.walk_to(State.INFORMATION_REQUESTED)
    draft = cast.draft()
    cast.walk_to(State.APPROVED)
    Clearance.objects.filter(organization=cast.org).update(
        expires_at=timezone.now() + timedelta(days=10)
    )
    context = client_of.get(reverse("portal:dashboard")).context
    assert context["questions"] == [asked]
    assert context["drafts"] == [draft]
    assert len(context["expiring"]) == 1


def test_an_answer_refused_after_its_file_was_stored_leaves_no_file_behind(
    cast, private_storage_root
):
    """The file is stored first; if the answer is then refused (here: a blank answer
    that got past the form), the row rolls back and the stored file is deleted."""
    from django.core.exceptions import ValidationError

    from vetting.portal.views_status import _answer

    app = cast.walk_to(State.INFORMATION_REQUESTED)
    open_request = app.information_requests.get(responded_at__isnull=True)
    files_before = {p for p in private_storage_root.rglob("*") if p.is_file()}
    with pytest.raises(ValidationError):
        _answer(cast.applicant, app, open_request, {"response": " ", "file": small_pdf()})
    assert not app.evidence.filter(information_request=open_request).exists()
    assert {p for p in private_storage_root.rglob("*") if p.is_file()} == files_before
