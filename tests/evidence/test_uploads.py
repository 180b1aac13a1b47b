import hashlib

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import Cast, make_model, make_org, make_user, small_pdf
from vetting.accounts.roles import Role
from vetting.applications import services
from vetting.applications.models import State
from vetting.errors import InvalidState, NotPermitted
from vetting.evidence.models import Evidence
from vetting.evidence.services import evidence_remove, evidence_upload

# A Windows executable's header, then padding.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.fixture
def draft(db):
    applicant = make_user(email_verified_at=timezone.now())
    org = make_org(admin=applicant)
    app = services.application_create_draft(
        actor=applicant, organization_id=org.pk, gated_model_id=make_model().pk
    )
    return applicant, app


def test_it_refuses_an_executable_renamed_to_pdf(draft):
    applicant, app = draft
    fake = SimpleUploadedFile("report.pdf", EXE, content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        evidence_upload(actor=applicant, application_id=app.pk, upload=fake)
    assert "Only PDF, PNG and JPEG" in exc.value.message_dict["file"][0]
    assert not Evidence.objects.exists()
    assert not list((settings.PRIVATE_STORAGE_ROOT).glob("**/*.*"))


def test_it_refuses_a_file_over_the_size_limit_with_the_limit_in_the_message(draft, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    applicant, app = draft
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        evidence_upload(actor=applicant, application_id=app.pk, upload=big)
    assert exc.value.message_dict["file"] == ["The file is 2 MB; files may be at most 1 MB."]


def test_it_stores_a_valid_file_under_a_server_made_name_outside_static_and_media(draft):
    applicant, app = draft
    evidence = evidence_upload(
        actor=applicant, application_id=app.pk, upload=small_pdf("../../etc/passwd.pdf")
    )
    assert evidence.content_type == "application/pdf"
    assert evidence.original_name == "passwd.pdf"  # Django strips the path
    assert evidence.stored_name.startswith("evidence/") and "passwd" not in evidence.stored_name
    stored = settings.PRIVATE_STORAGE_ROOT / evidence.stored_name
    assert stored.read_bytes() == small_pdf().read()
    assert evidence.sha256 == hashlib.sha256(stored.read_bytes()).hexdigest()
    assert not str(stored).startswith(str(settings.STATIC_ROOT))


def test_it_detects_png_by_content_whatever_the_name(draft):
    applicant, app = draft
    upload = SimpleUploadedFile("scan.pdf", PNG, content_type="application/pdf")
    evidence = evidence_upload(actor=applicant, application_id=app.pk, upload=upload)
    assert evidence.content_type == "image/png"
    assert evidence.stored_name.endswith(".png")


def test_it_refuses_uploads_from_someone_outside_the_organization(draft):
    _, app = draft
    with pytest.raises(NotPermitted):
        evidence_upload(actor=make_user(), application_id=app.pk, upload=small_pdf())


def test_it_refuses_uploads_once_submitted_unless_answering_a_question(db):
    cast = Cast()
    app = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    with pytest.raises(InvalidState):
        evidence_upload(actor=cast.applicant, application_id=app.pk, upload=small_pdf())
    asked = cast.walk_to(State.INFORMATION_REQUESTED)
    assert evidence_upload(actor=cast.applicant, application_id=asked.pk, upload=small_pdf())


def test_removing_evidence_deletes_the_file_after_commit(draft, django_capture_on_commit_callbacks):
    applicant, app = draft
    evidence = evidence_upload(actor=applicant, application_id=app.pk, upload=small_pdf())
    stored = settings.PRIVATE_STORAGE_ROOT / evidence.stored_name
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(actor=applicant, evidence_id=evidence.pk)
    assert not stored.exists()
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


@pytest.mark.parametrize(
    "who, status",
    [
        ("member", 200),
        ("reviewer", 200),
        ("auditor", 200),
        ("stranger", 404),
        ("anonymous", 302),
    ],
)
def test_download_is_served_as_attachment_only_to_members_and_reviewers(client, draft, who, status):
    applicant, app = draft
    evidence = evidence_upload(actor=applicant, application_id=app.pk, upload=small_pdf())
    user = {
        "member": applicant,
        "reviewer": make_user(role=Role.EXPORT_CONTROL_REVIEWER, email_verified_at=timezone.now()),
        "auditor": make_user(role=Role.AUDITOR, email_verified_at=timezone.now()),
        "stranger": make_user(email_verified_at=timezone.now()),
        "anonymous": None,
    }[who]
    if user:
        client.force_login(user)
    response = client.get(reverse("portal:evidence_download", args=[evidence.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"] == 'attachment; filename="letter.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == small_pdf().read()
