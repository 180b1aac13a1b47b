"""The partner list: active clearances as a signed, versioned document.

Columns match the admin's partner-list CSV: organization, identifiers (UEI, EIN,
CAGE), sectors, model, seats, issued, expires, and who signed off (the government
official whose approval issued the clearance). A new version is stored only when
the rows change, and each version lists what was added, removed or changed since
the one before.
"""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from vetting.applications.models import ReviewDecision
from vetting.clearances.models import Clearance, ClearanceState
from vetting.gated_models.models import ReviewStep

from . import signing
from .models import PartnerListVersion

PARTNER_LIST_TYP = "vetting-partner-list+jwt"


def _signed_off_by(application_ids) -> dict[int, str]:
    decisions = (
        ReviewDecision.objects.filter(
            application_id__in=application_ids,
            step=ReviewStep.GOVERNMENT,
            outcome=ReviewDecision.Outcome.APPROVED,
        )
        .select_related("reviewer")
        .order_by("decided_at")
    )
    return {d.application_id: (d.reviewer.email if d.reviewer else "") for d in decisions}


def partner_rows(now=None) -> list[dict]:
    """One row per active, unexpired clearance, ordered by serial."""
    now = now or timezone.now()
    clearances = list(
        Clearance.objects.filter(state=ClearanceState.ACTIVE, expires_at__gt=now)
        .select_related("organization", "gated_model")
        .prefetch_related("organization__sectors")
        .order_by("serial")
    )
    signers = _signed_off_by([c.application_id for c in clearances])
    return [
        {
            "serial": c.serial,
            "organization": c.organization.legal_name,
            "uei": c.organization.uei,
            "ein": c.organization.ein,
            "cage": c.organization.cage,
            "sectors": sorted(s.slug for s in c.organization.sectors.all()),
            "model": c.gated_model.slug,
            "seats": c.seats,
            "issued": c.issued_at.isoformat(),
            "expires": c.expires_at.isoformat(),
            "signed_off_by": signers.get(c.application_id, ""),
        }
        for c in clearances
    ]


def _digest(rows: list[dict]) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


def partner_list_publish() -> PartnerListVersion:
    """The current version, storing a new one first if the rows changed. Side
    effect: at most one PartnerListVersion row. Two racing callers: one inserts,
    the other reads what it inserted."""
    rows = partner_rows()
    digest = _digest(rows)
    latest = PartnerListVersion.objects.first()
    if latest is not None and latest.digest == digest:
        return latest
    try:
        with transaction.atomic():
            return PartnerListVersion.objects.create(
                number=(latest.number + 1) if latest else 1,
                generated_at=timezone.now(),
                digest=digest,
                entries=rows,
            )
    except IntegrityError:
        return PartnerListVersion.objects.first()


def changes_between(previous: list[dict], current: list[dict]) -> dict:
    before = {row["serial"]: row for row in previous}
    after = {row["serial"]: row for row in current}
    return {
        "added": [after[s] for s in sorted(after.keys() - before.keys())],
        "removed": [before[s] for s in sorted(before.keys() - after.keys())],
        "changed": [
            after[s] for s in sorted(after.keys() & before.keys()) if after[s] != before[s]
        ],
    }


def partner_list_document(version: PartnerListVersion) -> dict:
    previous = PartnerListVersion.objects.filter(number__lt=version.number).first()
    return {
        "version": version.number,
        "generated_at": version.generated_at.isoformat(),
        "previous_version": previous.number if previous else None,
        "entries": version.entries,
        "changes": changes_between(previous.entries if previous else [], version.entries),
    }


def partner_list_signed(document: dict) -> str:
    return signing.sign({**document, "iat": int(timezone.now().timestamp())}, typ=PARTNER_LIST_TYP)
