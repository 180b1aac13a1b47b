"""A gated model's access policy is governed (two-person rule), not edited.

The policy is the fields in ``POLICY_FIELDS``. The admin's change form shows them
read-only; they change only through this module:

* **propose** (``policy_change_propose``): a clearance officer or a government
  official proposes new values with a rationale. Nothing changes yet. The proposal
  records the diff (``{field: [before, after]}``, sectors as sorted slug lists) and
  the model's ``policy_version`` it was made against (``base_version``).
* **approve** (``policy_change_approve``): a government official who is not the
  proposer applies it. Refused if the model's policy moved since the proposal
  ("stale: propose again"), since the approver reviewed a diff against another
  policy. Applying bumps ``GatedModel.policy_version``, writes a ``PolicyVersion``
  snapshot, one audit event with the diff, and starts a new check generation so
  gateways see the change at once.
* **reject** (a government official, rationale required) or **withdraw** (the
  proposer). Either ends the proposal; nothing changes.

**Every** policy change goes through approval, tightening ones too (adding a step,
lowering the cap): one path is easier to reason about and to audit than a rule on
which direction each field may move alone. The one exception is the emergency: a
clearance officer alone suspends a model or closes it to new applications, at once
(``services.gated_model_suspend`` / ``gated_model_close``, under MODEL_TIGHTEN); both
bump the version and record a PolicyVersion too (without a change row). Restoring a
suspended model, reopening a closed one, admitting a sector, dropping a step,
raising the cap or lengthening validity is never one person's act.

A proposal is flagged ``loosening`` when it widens who may use the model or eases
the terms: reopening (suspended → closed/open, closed → open), a wider restored set
(or none, meaning every admitted sector), admitting a sector, dropping a step,
raising the cap, lengthening validity. A change to the export classification, or to
the default conditions other than adding text, counts as loosening too: wording
cannot be ranked, so the approver is told to read it. The flag informs; approval is
needed either way.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vetting.accounts.roles import Role, users_with_role
from vetting.audit.services import audit_record
from vetting.core import lock
from vetting.errors import AlreadyDecided, InvalidState, NotPermitted
from vetting.notifications.services import notification_enqueue
from vetting.organizations.models import Sector
from vetting.permissions import Action, require

from .models import POLICY_FIELDS, POLICY_LABELS, SECTOR_FIELDS, GatedModel, PolicyChange

Status = GatedModel.AccessStatus
STEP_FIELDS = ("requires_export_control", "requires_sector", "requires_government")
NUMBER_FIELDS = ("cap", "max_seats", "clearance_validity_days")
TEXT_FIELDS = ("default_conditions", "export_classification")
# Sanity bounds beyond the model's own: a clearance valid for longer than ten years
# is not a policy anyone means, and a date that far out overflows at issuance.
MAX_VALIDITY_DAYS = 3650
MAX_CAP = 2_147_483_647  # PositiveIntegerField on every database
STRICTNESS = {Status.OPEN: 0, Status.CLOSED: 1, Status.SUSPENDED: 2}


# --- reading a policy ---------------------------------------------------------


snapshot = GatedModel.policy_snapshot


def _text(value) -> str:
    return str(value).replace("\r\n", "\n").strip()


def _same(field, before, after) -> bool:
    if field in TEXT_FIELDS:
        return _text(before) == _text(after)
    return before == after


def loosens(field: str, before, after) -> bool:
    """Whether changing ``field`` from ``before`` to ``after`` widens access or eases terms."""
    if field == "access_status":
        return STRICTNESS[Status(after)] < STRICTNESS[Status(before)]
    if field in STEP_FIELDS:
        return bool(before) and not after
    if field in NUMBER_FIELDS:
        return after > before
    if field == "admitted_sectors":
        return bool(set(after) - set(before))
    if field == "restored_sectors":  # empty means every admitted sector
        return (bool(before) and not after) or bool(set(after) - set(before))
    if field == "default_conditions":
        return _text(before) not in _text(after)
    return True  # the export classification: cannot be ranked


def is_loosening(changes: dict) -> bool:
    return any(loosens(f, before, after) for f, (before, after) in changes.items())


def _describe(field, value, names) -> str:
    if field == "access_status":
        return Status(value).label
    if field in STEP_FIELDS:
        return "required" if value else "not required"
    if field in SECTOR_FIELDS:
        if not value:
            return "every admitted sector" if field == "restored_sectors" else "none"
        return ", ".join(names.get(slug, slug) for slug in value)
    return str(value) if value != "" else "(empty)"


def diff_rows(change: PolicyChange) -> list[dict]:
    """The change as rows for a before → after table (one query for sector names)."""
    slugs = {s for f in SECTOR_FIELDS for pair in change.changes.get(f, []) for s in pair}
    names = dict(Sector.objects.filter(slug__in=slugs).values_list("slug", "name"))
    return [
        {
            "field": field,
            "label": POLICY_LABELS[field],
            "before": _describe(field, before, names),
            "after": _describe(field, after, names),
            "loosens": loosens(field, before, after),
        }
        for field in POLICY_FIELDS
        if field in change.changes
        for before, after in [change.changes[field]]
    ]


# --- checking proposed values -------------------------------------------------


def _sector_slugs(field, value) -> list[str]:
    slugs, pks, unknown = set(), set(), []
    for item in value or ():
        if isinstance(item, Sector):
            slugs.add(item.slug)
        elif isinstance(item, int) and not isinstance(item, bool):
            pks.add(item)
        elif isinstance(item, str) and item.isdigit():
            pks.add(int(item))
        elif isinstance(item, str):
            slugs.add(item)
        else:
            unknown.append(repr(item))
    known = dict(Sector.objects.filter(pk__in=pks).values_list("pk", "slug"))
    unknown += [str(pk) for pk in pks if pk not in known]
    existing = set(Sector.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    unknown += sorted(slugs - existing)
    if unknown:
        raise ValidationError({field: f"Unknown sector: {', '.join(unknown)}."})
    return sorted(existing | set(known.values()))


def _normalize(field, value):
    if field in SECTOR_FIELDS:
        return _sector_slugs(field, value)
    if field in STEP_FIELDS:
        if not isinstance(value, bool):
            raise ValidationError({field: "Give true or false."})
        return value
    if field in NUMBER_FIELDS:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError({field: "Give a whole number."})
        return value
    if field == "access_status":
        if value not in Status.values:
            raise ValidationError({field: f"Unknown access status {value!r}."})
        return str(value)
    return _text(value if value is not None else "")


def _check(after: dict, changes: dict, errors: dict) -> None:
    """The rules a policy must keep, on the policy as it would be after the change."""
    if not any(after[f] for f in STEP_FIELDS):
        message = "A gated model must require at least one review step."
        for field in [f for f in STEP_FIELDS if f in changes] or STEP_FIELDS[:1]:
            errors.setdefault(field, []).append(message)
    if not 1 <= after["cap"] <= MAX_CAP:
        errors.setdefault("cap", []).append("The cap must be at least 1.")
    if not 1 <= after["max_seats"] <= MAX_CAP:
        errors.setdefault("max_seats", []).append("Allow at least 1 seat.")
    if not 1 <= after["clearance_validity_days"] <= MAX_VALIDITY_DAYS:
        errors.setdefault("clearance_validity_days", []).append(
            f"Clearances must be valid for at least 1 and at most {MAX_VALIDITY_DAYS} days."
        )
    if len(after["export_classification"]) > 200:
        errors.setdefault("export_classification", []).append("At most 200 characters.")


# --- the services -------------------------------------------------------------


@transaction.atomic
def policy_change_propose(*, actor, gated_model_id: int, rationale: str, **new_values):
    """Propose new values for some policy fields of a model; returns the PolicyChange.
    Nothing changes until a second person approves. Raises ValidationError naming
    the field for a value the policy may not take, and for a change of nothing."""
    require(actor, Action.POLICY_PROPOSE)
    errors: dict[str, list] = {}
    for field in new_values:
        if field not in POLICY_FIELDS:
            errors[field] = ["This is not a policy field."]
    if not (rationale or "").strip():
        errors["rationale"] = ["A rationale is required."]
    model = lock(GatedModel, gated_model_id)
    before = snapshot(model)
    proposed = {}
    for field, value in new_values.items():
        if field in POLICY_FIELDS:
            try:
                proposed[field] = _normalize(field, value)
            except ValidationError as exc:
                errors.setdefault(field, []).extend(exc.message_dict[field])
    changes = {
        f: [before[f], proposed[f]]
        for f in POLICY_FIELDS
        if f in proposed and not _same(f, before[f], proposed[f])
    }
    _check({**before, **{f: after for f, (_, after) in changes.items()}}, changes, errors)
    if errors:
        raise ValidationError(errors)
    if not changes:
        raise ValidationError("This proposal changes nothing: every value is the current one.")
    change = PolicyChange.objects.create(
        gated_model=model,
        base_version=model.policy_version,
        changes=changes,
        rationale=rationale.strip(),
        loosening=is_loosening(changes),
        proposed_by=actor,
    )
    event = audit_record(
        actor=actor,
        action="policy_change.proposed",
        obj=change,
        after=change.state,
        data={
            "gated_model": model.slug,
            "base_version": change.base_version,
            "changes": changes,
            "loosening": change.loosening,
            "rationale": change.rationale,
        },
    )
    _notify_approvers(change, model, actor, event)
    return change


def _notify_approvers(change, model, proposer, event) -> None:
    """Tell every government official but the proposer that a change waits for them."""
    notification_enqueue(
        template_key="policy_change_proposed",
        recipients=users_with_role(Role.GOVERNMENT_OFFICIAL).exclude(pk=proposer.pk),
        context={
            "gated_model": model.name,
            "proposer": proposer.display_name,
            "fields": ", ".join(str(POLICY_LABELS.get(f, f)) for f in change.changes),
            "loosening": change.loosening,
            "url_path": f"/admin/gated_models/policychange/{change.pk}/change/",
        },
        event_key=f"audit{event.pk}",
    )


def _require_pending(change: PolicyChange) -> None:
    if change.state != PolicyChange.State.PROPOSED:
        when = timezone.localtime(change.decided_at).strftime("%Y-%m-%d %H:%M")
        raise AlreadyDecided(
            f"This change was already {change.get_state_display().lower()} "
            f"by {change.decided_by} at {when}."
        )


def _decide(change, actor, state, rationale) -> str:
    before = change.state
    change.state = state
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.decision_rationale = (rationale or "").strip()
    change.save(update_fields=["state", "decided_by", "decided_at", "decision_rationale"])
    return before


@transaction.atomic
def policy_change_approve(*, actor, change_id: int, rationale: str = "") -> PolicyChange:
    """Apply a proposed change: a government official who did not propose it (two-person
    rule). Side effects: version bump and snapshot, audit event with the diff, a new
    check generation; a suspension or restoration also notifies the cleared
    organizations and the webhooks, as the emergency services do."""
    from . import services

    change = lock(PolicyChange, change_id)
    require(actor, Action.POLICY_DECIDE, change)
    _require_pending(change)
    model = lock(GatedModel, change.gated_model_id)
    current = snapshot(model)
    moved = any(current[f] != before for f, (before, _) in change.changes.items())
    if model.policy_version != change.base_version or moved:
        raise InvalidState(
            f"The policy of {model.name} changed since this was proposed (version "
            f"{change.base_version} then, {model.policy_version} now); stale: propose again."
        )
    values = {f: after for f, (_, after) in change.changes.items()}
    version = services.apply_values(
        model, values, actor=actor, reason=change.rationale, change=change
    )
    before_state = _decide(change, actor, PolicyChange.State.APPLIED, rationale)
    event = audit_record(
        actor=actor,
        action="gated_model.policy_changed",
        obj=model,
        before=f"v{change.base_version}",
        after=f"v{version.number}",
        data={
            "policy_change": change.pk,
            "changes": change.changes,
            "loosening": change.loosening,
            "proposed_by": str(change.proposed_by),
            "rationale": change.rationale,
            "decision_rationale": change.decision_rationale,
        },
    )
    audit_record(
        actor=actor,
        action="policy_change.applied",
        obj=change,
        before=before_state,
        after=change.state,
        data={"audit_event": event.pk, "policy_version": version.number},
    )
    services.announce_policy_effects(
        model,
        before=current,
        actor=actor,
        reason=change.rationale,
        extra={"policy_change": change.pk, "policy_version": version.number},
    )
    return change


@transaction.atomic
def policy_change_reject(*, actor, change_id: int, rationale: str) -> PolicyChange:
    """A government official turns a proposal down (rationale required); nothing changes."""
    change = lock(PolicyChange, change_id)
    if change.proposed_by_id == getattr(actor, "pk", None):
        raise NotPermitted("You proposed this change: withdraw it rather than reject it.")
    require(actor, Action.POLICY_DECIDE, change)
    _require_pending(change)
    if not (rationale or "").strip():
        raise ValidationError({"rationale": "A rationale is required to reject a change."})
    before = _decide(change, actor, PolicyChange.State.REJECTED, rationale)
    audit_record(
        actor=actor,
        action="policy_change.rejected",
        obj=change,
        before=before,
        after=change.state,
        data={"rationale": change.decision_rationale},
    )
    return change


@transaction.atomic
def policy_change_withdraw(*, actor, change_id: int, rationale: str = "") -> PolicyChange:
    """The proposer takes a proposal back; nothing changes."""
    change = lock(PolicyChange, change_id)
    require(actor, Action.POLICY_PROPOSE)
    if change.proposed_by_id != actor.pk:
        raise NotPermitted("Only the person who proposed a change may withdraw it.")
    _require_pending(change)
    before = _decide(change, actor, PolicyChange.State.WITHDRAWN, rationale)
    audit_record(
        actor=actor,
        action="policy_change.withdrawn",
        obj=change,
        before=before,
        after=change.state,
        data={"rationale": change.decision_rationale},
    )
    return change
