"""Adding and removing evidence files. Views call these; nothing else writes files."""

import hashlib
import uuid

from django.db import transaction

from vetting import permissions
from vetting.applications.models import Application, State
from vetting.audit.services import audit_record
from vetting.core import lock
from vetting.errors import InvalidState, NotPermitted
from vetting.permissions import Action

from .models import Evidence
from .storage import evidence_storage
from .validation import ALLOWED, detect_content_type


def _store(upload, mime: str) -> tuple[str, str]:
    """Write the upload under a server-made name; return (name, sha256)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = f"evidence/{uuid.uuid4().hex}{ALLOWED[mime]}"
    saved = evidence_storage().save(name, upload)
    return saved, digest.hexdigest()


@transaction.atomic
def evidence_upload(
    *,
    actor,
    application_id: int,
    upload,
    description: str = "",
    information_request_id: int | None = None,
) -> Evidence:
    """Attach a PDF/PNG/JPEG to a draft, or to an application answering a request for
    information. Side effects: the file written to the evidence storage (removed again
    if the transaction rolls back), an audit event."""
    mime = detect_content_type(upload)
    application = lock(Application, application_id)
    if not permissions.allowed(actor, Action.APPLICATION_EDIT, application):
        raise NotPermitted(f"Only a member of {application.organization} may add evidence.")
    if application.state not in (State.DRAFT, State.INFORMATION_REQUESTED):
        raise InvalidState(
            f"{application.number} is {application.get_state_display().lower()}; evidence "
            "can be added to a draft or in answer to a request for information."
        )
    stored, sha = _store(upload, mime)
    try:
        evidence = Evidence.objects.create(
            application=application,
            information_request_id=information_request_id,
            description=description.strip()[:300],
            original_name=upload.name[:255] or "upload",
            stored_name=stored,
            content_type=mime,
            size=upload.size,
            sha256=sha,
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            action="evidence.uploaded",
            obj=application,
            data={
                "evidence_id": evidence.pk,
                "sha256": sha,
                "size": upload.size,
                "content_type": mime,
            },
        )
    except Exception:
        evidence_storage().delete(stored)  # no row will point at it
        raise
    return evidence


@transaction.atomic
def evidence_remove(*, actor, evidence_id: int) -> None:
    """Remove a file from a draft. Side effects: audit event; the file is deleted
    from storage after commit."""
    evidence = Evidence.objects.select_related("application").get(pk=evidence_id)
    application = lock(Application, evidence.application_id)
    if not permissions.allowed(actor, Action.APPLICATION_EDIT, application):
        raise NotPermitted(f"Only a member of {application.organization} may remove evidence.")
    if application.state != State.DRAFT:
        raise InvalidState("Evidence can be removed only while the application is a draft.")
    stored = evidence.stored_name
    audit_record(
        actor=actor,
        action="evidence.removed",
        obj=application,
        data={"evidence_id": evidence.pk, "sha256": evidence.sha256},
    )
    evidence.delete()
    transaction.on_commit(lambda: evidence_storage().delete(stored))
