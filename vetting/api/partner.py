"""The partner list: the clearances that clear their organization now (``decide``:
active, unexpired, model available to its sector, organization not denied), as a
signed, versioned document.

Columns match the admin's partner-list CSV: organization, identifiers (UEI, EIN,
CAGE), country, sectors, the clearance's sector, model, serial, seats, issued,
expires, and who signed off and when (the approval that issued the clearance).
A new version is stored only when the rows change, and each version lists what
was added, removed or changed since the one before.
"""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from vetting.applications.models import ReviewDecision
from vetting.clearances.models import Clearance, ClearanceState

from . import decision, signing
from .check import ApiError
from .decision import decide
from .models import PartnerListVersion

PARTNER_LIST_TYP = "vetting-partner-list+jwt"


def _signoffs(application_ids) -> dict[int, ReviewDecision]:
    """The last approving decision of each application (as the admin's CSV shows)."""
    decisions = (
        ReviewDecision.objects.filter(
            application_id__in=application_ids,
            outcome__in=[ReviewDecision.Outcome.APPROVED, ReviewDecision.Outcome.PASSED],
        )
        .select_related("reviewer")
        .order_by("decided_at", "id")
    )
    return {d.application_id: d for d in decisions}


def partner_rows(key) -> list[dict]:
    """One row per clearance cleared now (``decision.clearing_now``), ordered by
    serial, for a key ``decide`` admits to the partner list; the columns of the
    admin's partner-list CSV (vetting/clearances/admin.py)."""
    admitted = decide(key, "partner_list")
    if admitted.status != 200:
        raise ApiError(admitted.status, admitted.detail)
    clearances = decision.clearing_now(
        Clearance.objects.filter(state=ClearanceState.ACTIVE)
        .select_related("organization", "gated_model", "sector")
        .prefetch_related("organization__sectors")
        .order_by("serial")
    )
    signoffs = _signoffs([c.application_id for c in clearances])
    rows = []
    for c in clearances:
        org, signoff = c.organization, signoffs.get(c.application_id)
        reviewer = signoff.reviewer if signoff else None
        rows.append(
            {
                "serial": c.serial,
                "organization": org.legal_name,
                "uei": org.uei,
                "ein": org.ein,
                "cage": org.cage,
                "country": str(org.country.code),
                "sectors": sorted(s.name for s in org.sectors.all()),
                "clearance_sector": c.sector.name,
                "model": c.gated_model.name,
                "model_slug": c.gated_model.slug,
                "seats": c.seats,
                "issued": c.issued_at.date().isoformat(),
                "expires": c.expires_at.date().isoformat(),
                "signed_off_by": reviewer.display_name if reviewer else "",
                "signed_off_at": signoff.decided_at.isoformat() if signoff else None,
            }
        )
    return rows


def _digest(rows: list[dict]) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


def partner_list_publish(key) -> PartnerListVersion:
    """The current version, storing a new one first if the rows changed. Side
    effect: at most one PartnerListVersion row. Two racing callers: one inserts,
    the other reads what it inserted."""
    rows = partner_rows(key)
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
