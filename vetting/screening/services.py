"""Screening services: screen an application or a cleared organization, adjudicate a
hit, keep the deny list. One transaction each, with audit events and outbox rows."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vetting import permissions
from vetting.applications.models import Application, ReviewDecision, State
from vetting.applications.notify import notify_applicant
from vetting.applications.progress import save_state
from vetting.audit.services import audit_record
from vetting.clearances.models import Clearance, ClearanceState
from vetting.core import lock, run_transition
from vetting.errors import AlreadyDecided
from vetting.gated_models.models import ReviewStep
from vetting.permissions import Action

from . import identifiers
from .lists import current_index
from .matching.index import ORGANIZATION, PERSON
from .models import DeniedParty, ListEntry, ScreeningHit, ScreeningRun
from .selectors import denial_of, denial_of_email_domains

DENIED_PARTY = "denied_party"
SCREENING_HIT = "screening_hit"


KIND_OF_SUBJECT = {
    ScreeningHit.Subject.ORGANIZATION: ORGANIZATION,
    ScreeningHit.Subject.PERSON: PERSON,
}


def run_screening(run: ScreeningRun, subjects) -> list[ScreeningHit]:
    """Screen (kind, name, declaration) subjects into hits of ``run``: a person's name
    against listed individuals, an organization's against entities, vessels and
    aircraft. A declared person's date of birth and citizenships raise or lower each
    hit's name score (``identifiers``); the hit keeps both scores and the findings."""
    index, versions = current_index()
    run.versions.set(versions)
    hits = []
    for kind, name, declaration in subjects:
        hits += _subject_hits(index, run, kind, name, declaration)
    ScreeningHit.objects.bulk_create(hits)
    run.subjects = len(subjects)
    run.save(update_fields=["subjects"])
    return hits


def _subject_hits(index, run, kind, name, declaration) -> list[ScreeningHit]:
    born = getattr(declaration, "date_of_birth", None)
    citizenships = [c.code for c in getattr(declaration, "citizenships", None) or ()]
    declared = born is not None or bool(citizenships)
    floor = run.threshold - (identifiers.MOST_RAISED if declared else 0)
    found = index.search(name, threshold=floor, kind=KIND_OF_SUBJECT[kind])
    details = {
        pk: (dates, nationalities)
        for pk, dates, nationalities in ListEntry.objects.filter(
            pk__in=[hit.record for hit in found]
        ).values_list("pk", "dates_of_birth", "nationalities")
    }
    hits = []
    for hit in found:
        dates, nationalities = details.get(hit.record, ([], []))
        effect, findings = identifiers.compare(
            born=born,
            citizenships=citizenships,
            entry_dates=dates,
            entry_nationalities=nationalities,
        )
        score = round(min(100.0, max(0.0, hit.score + effect)), 1)
        if score < run.threshold and hit.score < run.threshold:
            # Identifiers lift a near match into a hit, and lower a hit's score, but never
            # hide a name match: a declared date of birth is the applicant's word.
            continue
        hits.append(
            ScreeningHit(
                run=run,
                subject_kind=kind,
                subject_name=name[:300],
                declaration=declaration,
                entry_id=hit.record,
                matched_name=hit.matched_name[:500],
                matched_alias=hit.is_alias,
                score=score,
                name_score=hit.score,
                normalizations=list(hit.normalizations),
                explanation=list(hit.explanation),
                identifiers=[f.as_dict() for f in findings],
            )
        )
    return hits


def screening_subjects(organization, personnel):
    yield (ScreeningHit.Subject.ORGANIZATION, organization.legal_name, None)
    for person in personnel:
        yield (ScreeningHit.Subject.PERSON, person.legal_name, person)


def application_screen(*, application_id: int) -> ScreeningRun | None:
    """Screen a submitted application's organization and declared people against the
    current lists; an application from a denied party is rejected instead.
    Idempotent: a second call for the same submission returns the first run.
    Side effects: run and hits, audit event; for a denied party, the rejection."""
    current_index()  # building it can take seconds on full lists: not inside the transaction
    return _application_screen(application_id)


@transaction.atomic
def _application_screen(application_id: int) -> ScreeningRun | None:
    from django.conf import settings

    application = lock(Application, application_id)
    if application.state != State.SUBMITTED:
        return None
    organization = application.organization
    denial = denial_of(organization) or _denied_person_domain(application)
    if denial is not None:
        reject_denied_party(application, denial)
        return None
    done = application.screening_runs.filter(ran_at__gte=application.submitted_at).first()
    if done is not None:
        return done
    run = ScreeningRun.objects.create(
        organization=organization,
        application=application,
        trigger=ScreeningRun.Trigger.SUBMISSION,
        threshold=settings.SCREENING_THRESHOLD,
    )
    hits = run_screening(run, list(screening_subjects(organization, application.personnel.all())))
    audit_record(
        actor=None,
        action="screening.application_screened",
        obj=application,
        data={"run_id": run.pk, "hits": len(hits), "versions": [v.pk for v in run.versions.all()]},
    )
    return run


def _denied_person_domain(application) -> DeniedParty | None:
    """A deny-listed email domain used by a declared person or a member of the applicant."""
    declared = application.personnel.values_list("work_email", flat=True)
    members = application.organization.members.values_list("email", flat=True)
    return denial_of_email_domains(email.rsplit("@", 1)[-1] for email in [*declared, *members])


def reject_denied_party(application, denial: DeniedParty) -> None:
    """The system rejects an application from a denied party at the export-control
    step (inside the caller's transaction). Side effects: decision, audit, email."""
    before = application.state
    if application.state == State.SUBMITTED:
        run_transition(application, "start_review", State.EXPORT_CONTROL_REVIEW)
    step = application.current_step or ReviewStep.EXPORT_CONTROL
    ReviewDecision.objects.create(
        application=application,
        step=step,
        reviewer=None,
        outcome=ReviewDecision.Outcome.REJECTED,
        decided_at=timezone.now(),
        rationale=f"The organization is on the deny list: {denial.reason}",
    )
    run_transition(application, "reject")
    save_state(application)
    event = audit_record(
        actor=None,
        action="application.rejected_denied_party",
        obj=application,
        before=before,
        after=application.state,
        data={"denied_party_id": denial.pk},
    )
    notify_applicant(
        application,
        "application_rejected",
        event,
        reason="The organization is not eligible for access.",
    )


def _deny_organization(*, actor, organization, reason: str) -> DeniedParty:
    party = DeniedParty.objects.create(
        kind=DeniedParty.Kind.ORGANIZATION,
        organization=organization,
        legal_name=organization.legal_name,
        uei=organization.uei,
        ein=organization.ein,
        cage=organization.cage,
        reason=reason,
        added_by=actor,
    )
    audit_record(
        actor=actor,
        action="screening.denied_party_added",
        obj=party,
        data={"organization_id": organization.pk, "reason": reason},
    )
    _apply_denial(organization)
    return party


def _apply_denial(organization) -> None:
    """Suspend the organization's active clearances and reject its applications in
    export-control or sector review (the government step decides its own)."""
    from vetting.clearances.services import clearance_suspend

    for clearance_id in Clearance.objects.filter(
        organization=organization, state=ClearanceState.ACTIVE
    ).values_list("pk", flat=True):
        clearance_suspend(
            actor=None,
            clearance_id=clearance_id,
            reason=DENIED_PARTY,
            applicant_reason="The organization is not eligible for access.",
        )
    denial = denial_of(organization)
    for app_id in organization.applications.filter(
        state__in=[State.EXPORT_CONTROL_REVIEW, State.SECTOR_REVIEW]
    ).values_list("pk", flat=True):
        reject_denied_party(lock(Application, app_id), denial)


@transaction.atomic
def denied_party_add(
    *, actor, reason: str, organization=None, email_domain: str = "", **identifiers
) -> DeniedParty:
    """Put an organization or email domain on the deny list. Side effects: audit
    event; the organization's active clearances suspended (reason denied_party) and
    its applications in review rejected."""
    if actor is not None:
        permissions.require(actor, Action.DENY_LIST_ADD)
    if not reason.strip():
        raise ValidationError({"reason": "Say why this party is denied."})
    if organization is not None:
        return _deny_organization(actor=actor, organization=organization, reason=reason)
    kind = DeniedParty.Kind.EMAIL_DOMAIN if email_domain else DeniedParty.Kind.ORGANIZATION
    party = DeniedParty(
        kind=kind,
        email_domain=email_domain.strip().lower(),
        reason=reason,
        added_by=actor,
        **identifiers,
    )
    party.full_clean()
    party.save()
    audit_record(
        actor=actor,
        action="screening.denied_party_added",
        obj=party,
        data={"kind": kind, "reason": reason},
    )
    from vetting.organizations.models import Organization

    for organization in Organization.objects.all().iterator():
        if denial_of(organization) == party:
            _apply_denial(organization)
    return party


@transaction.atomic
def screening_hit_adjudicate(
    *, actor, hit_id: int, status: str, rationale: str, no_conflict: bool = False
) -> ScreeningHit:
    """Record a person's determination on a hit, with their "no conflict of interest"
    attestation. A true match puts the organization on the deny list (suspending its
    clearances) and rejects the application.
    Side effects: audit event; for a true match, those of the rejection."""
    if not no_conflict:
        raise ValidationError(
            {"no_conflict": "Attest that you have no conflict of interest before deciding."}
        )
    if status not in (ScreeningHit.Status.TRUE_MATCH, ScreeningHit.Status.FALSE_POSITIVE):
        raise ValidationError({"status": "Choose true match or false positive."})
    if not rationale or not rationale.strip():
        raise ValidationError({"rationale": "A rationale is required."})
    hit = lock(ScreeningHit, hit_id)
    permissions.require(actor, Action.SCREENING_ADJUDICATE, hit)
    if hit.status != ScreeningHit.Status.PENDING:
        raise AlreadyDecided(
            f"This hit was already adjudicated ({hit.get_status_display()}) "
            f"at {hit.adjudicated_at:%Y-%m-%d %H:%M:%S} UTC."
        )
    hit.status, hit.rationale = status, rationale
    hit.adjudicated_by, hit.adjudicated_at = actor, timezone.now()
    hit.save(update_fields=["status", "rationale", "adjudicated_by", "adjudicated_at"])
    audit_record(
        actor=actor,
        action="screening.hit_adjudicated",
        obj=hit,
        before=ScreeningHit.Status.PENDING,
        after=status,
        data={"rationale": rationale, "entry_id": hit.entry_id, "no_conflict_attested": True},
    )
    if status == ScreeningHit.Status.TRUE_MATCH:
        _confirmed_match(actor, hit)
    return hit


def _confirmed_match(actor, hit) -> None:
    from vetting.applications.review import application_reject

    # The reviewer's own rejection comes first, so the deny list's automatic
    # rejection of open applications finds this one already decided.
    application = hit.run.application
    if application is not None:
        application.refresh_from_db()
        if application.state == State.EXPORT_CONTROL_REVIEW:
            # The adjudicator's own decision, attested above; the rejection asks the
            # decision rules again.
            application_reject(
                no_conflict=True,
                actor=actor,
                application_id=application.pk,
                step=ReviewStep.EXPORT_CONTROL,
                rationale=hit.rationale,
                message_to_applicant="The organization is not eligible.",
            )
    organization = hit.run.organization
    if denial_of(organization) is None:
        _deny_organization(
            actor=actor,
            organization=organization,
            reason=f"Confirmed restricted-party match: {hit.subject_name} = "
            f"{hit.matched_name} ({hit.entry.list_code}).",
        )
