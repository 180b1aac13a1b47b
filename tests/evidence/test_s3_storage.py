"""Evidence in a private S3-compatible bucket (moto's server on loopback): uploads
through the portal land there under unguessable keys with no public grant, come
back only through the access-checked download view, and leave no object behind
once removed or refused."""

import hashlib
import re

import pytest
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_model, make_org, make_user, small_pdf
from tests.s3_server import PREFIX
from vetting.accounts.roles import Role
from vetting.applications import services
from vetting.evidence.models import Evidence
from vetting.evidence.services import evidence_upload
from vetting.evidence.storage import evidence_storage

PUBLIC_GROUPS = ("AllUsers", "AuthenticatedUsers")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def member(db):
    return make_user(email_verified_at=timezone.now())


@pytest.fixture
def draft(member):
    org = make_org(admin=member)
    return services.application_create_draft(
        actor=member, organization_id=org.pk, gated_model_id=make_model().pk
    )


def upload_through_portal(client, draft, upload):
    return client.post(reverse("portal:step", args=[draft.pk, "evidence"]), {"file": upload})


def test_a_portal_upload_lands_privately_in_the_bucket_and_not_on_local_disk(
    client, member, draft, evidence_bucket, private_storage_root
):
    client.force_login(member)
    upload_through_portal(client, draft, small_pdf("board-minutes.pdf"))
    upload_through_portal(client, draft, small_pdf("board-minutes.pdf"))

    first, second = Evidence.objects.filter(application=draft)
    keys = evidence_bucket.keys()
    assert sorted(keys) == sorted(
        [f"{PREFIX}/{first.stored_name}", f"{PREFIX}/{second.stored_name}"]
    )
    for key in keys:
        # 128 random bits, nothing of the applicant's file name.
        assert re.fullmatch(rf"{PREFIX}/evidence/[0-9a-f]{{32}}\.pdf", key)
        assert evidence_bucket.read(key) == small_pdf().read()
        acl = evidence_bucket.client.get_object_acl(Bucket=evidence_bucket.name, Key=key)
        grantees = [grant["Grantee"] for grant in acl["Grants"]]
        assert grantees and all(g["Type"] == "CanonicalUser" for g in grantees)
        assert not any(group in g.get("URI", "") for g in grantees for group in PUBLIC_GROUPS)
        head = evidence_bucket.client.head_object(Bucket=evidence_bucket.name, Key=key)
        assert head["ContentType"] == "application/pdf"
    assert first.sha256 == hashlib.sha256(small_pdf().read()).hexdigest()
    assert not list(private_storage_root.glob("**/*.*"))


@pytest.mark.parametrize(
    "who, status",
    [("member", 200), ("reviewer", 200), ("other organization", 404), ("anonymous", 302)],
)
def test_the_download_view_streams_from_the_bucket_only_to_those_allowed(
    client, member, draft, evidence_bucket, who, status
):
    evidence = evidence_upload(actor=member, application_id=draft.pk, upload=small_pdf())
    other = make_user(email_verified_at=timezone.now())
    make_org(admin=other)
    user = {
        "member": member,
        "reviewer": make_user(role=Role.SECTOR_REVIEWER, email_verified_at=timezone.now()),
        "other organization": other,
        "anonymous": None,
    }[who]
    if user:
        client.force_login(user)

    response = client.get(reverse("portal:evidence_download", args=[evidence.pk]))

    assert response.status_code == status
    if status == 200:
        assert response.streaming
        assert response["Content-Disposition"] == 'attachment; filename="letter.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == small_pdf().read()
    if status == 302:  # to the sign-in page, never to the bucket
        assert evidence_bucket.name not in response["Location"]
        assert response["Location"].startswith(reverse("login"))


def test_the_storage_never_makes_a_url_for_an_object(member, draft, evidence_bucket):
    evidence = evidence_upload(actor=member, application_id=draft.pk, upload=small_pdf())
    with pytest.raises(ValueError, match="no URL"):
        evidence_storage().url(evidence.stored_name)


def test_removing_evidence_in_the_portal_deletes_the_object_after_commit(
    client, member, draft, evidence_bucket, django_capture_on_commit_callbacks
):
    client.force_login(member)
    upload_through_portal(client, draft, small_pdf())
    evidence = draft.evidence.get()
    remove = reverse("portal:evidence_remove", args=[draft.pk, evidence.pk])

    with django_capture_on_commit_callbacks() as after_commit:
        client.post(remove)
        assert not draft.evidence.exists()
        assert evidence_bucket.keys() == [f"{PREFIX}/{evidence.stored_name}"]  # not yet
    for callback in after_commit:
        callback()

    assert evidence_bucket.keys() == []


def test_a_refused_upload_puts_nothing_in_the_bucket(client, member, draft, evidence_bucket):
    client.force_login(member)
    response = upload_through_portal(
        client, draft, SimpleUploadedFile("report.pdf", EXE, content_type="application/pdf")
    )
    assert "Only PDF, PNG and JPEG" in response.context["form"].errors["file"][0]
    assert not Evidence.objects.exists()
    assert evidence_bucket.keys() == []


def test_a_row_that_cannot_be_written_takes_its_object_with_it(member, draft, evidence_bucket):
    """The object is written first; when the row then fails (here the database's
    check on size refuses a handler's impossible -1), the transaction rolls back
    and the object is deleted again."""
    pdf = small_pdf()
    upload = InMemoryUploadedFile(pdf.file, "file", "letter.pdf", "application/pdf", -1, None)
    with pytest.raises(IntegrityError):
        evidence_upload(actor=member, application_id=draft.pk, upload=upload)
    assert not Evidence.objects.exists()
    assert evidence_bucket.keys() == []
