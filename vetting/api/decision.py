"""The gateway API's one decision: may this key ask, and what is the answer?

``decide`` is asked by every API path that answers about a clearance: the check
(warm or from the database), a certificate, the status list, sync and the partner
list. It takes the key's kind and model scope (permissions.KEY_ENDPOINTS), then
the clearance rule (vetting.clearances.selectors.evaluate: clearance state and
expiry, the model's suspension and tiered restoration, the deny list). The facts
it is given come from ``facts_for`` below or, in bulk, from ``models`` and
``denied_ids``: read from the database and kept at most freshness.MAX_AGE.
"""

from collections import namedtuple
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from vetting import permissions
from vetting.clearances.models import Clearance
from vetting.clearances.selectors import ClearanceStatus, evaluate
from vetting.gated_models.models import GatedModel

from . import freshness
from .compiled import Compiled

UNAUTHENTICATED = "A valid API key is required (Authorization: Bearer vk_...)."
# Endpoints whose answers are about one model's clearances: the key must be scoped
# to it. The status list (anonymous bits) and the auditor's endpoints are not.
SCOPED_ENDPOINTS = frozenset({"check", "certificate", "sync"})

FIELDS = (
    "serial",
    "state",
    "issued_at",
    "expires_at",
    "seats",
    "conditions",
    "sector_id",
    "organization_id",
    "status_index",
)
# What ``evaluate`` and the check's answer read of a clearance.
ClearanceRow = namedtuple("ClearanceRow", FIELDS)


@dataclass(frozen=True)
class ModelInfo:
    id: int
    slug: str
    suspended: bool
    restored_sector_ids: frozenset[int]


@dataclass(frozen=True)
class Decision:
    """``status`` 200 with the clearance rule's answer in ``clearance`` (None when
    only the key was asked about), or 401/403 with ``detail``."""

    status: int
    detail: str | None = None
    clearance: ClearanceStatus | None = None

    @property
    def cleared(self) -> bool:
        return self.clearance is not None and self.clearance.cleared


def decide(
    key,
    endpoint: str,
    *,
    model: ModelInfo | None = None,
    clearances=(),
    denied: bool = False,
    now: datetime | None = None,
) -> Decision:
    """The answer of ``endpoint`` to ``key`` (a keys.KeyInfo, or None when no live
    key was given) about ``clearances`` (an organization's, any state) of ``model``.
    Without ``model``, only whether the key may ask the endpoint at all."""
    if key is None:
        return Decision(401, UNAUTHENTICATED)
    refusal = permissions.key_refusal(key.kind, endpoint)
    if refusal:
        return Decision(403, refusal)
    if model is None:
        return Decision(200)
    if endpoint in SCOPED_ENDPOINTS and model.id not in key.model_ids:
        return Decision(403, f"This key is not scoped to the model {model.slug!r}.")
    return Decision(200, None, _rule(clearances, model, denied, now or timezone.now()))


# One row per (model, restored sector), the sector None when there is none.
_MODELS = Compiled(
    lambda: GatedModel.objects.values_list("pk", "slug", "access_status", "restored_sectors")
)


def _read_models() -> dict[str, ModelInfo]:
    found: dict[int, tuple] = {}
    restored: dict[int, set[int]] = {}
    for pk, slug, status, sector_id in _MODELS.rows():
        found[pk] = (slug, status)
        if sector_id is not None:
            restored.setdefault(pk, set()).add(sector_id)
    return {
        slug: ModelInfo(
            pk, slug, status == GatedModel.AccessStatus.SUSPENDED, frozenset(restored.get(pk, ()))
        )
        for pk, (slug, status) in found.items()
    }


def models() -> dict[str, ModelInfo]:
    """Every gated model by slug (at most freshness.MAX_AGE old)."""
    return freshness.fetch(("models",), _read_models)


def models_by_id() -> dict[int, ModelInfo]:
    return {m.id: m for m in models().values()}


def denied_ids() -> frozenset[int]:
    """Ids of the organizations the deny list names (at most freshness.MAX_AGE old)."""
    from vetting.screening.selectors import denied_organization_ids

    return freshness.fetch(("denied",), lambda: frozenset(denied_organization_ids()))


_CLEARANCES = {
    by: Compiled(
        lambda org, model_id, field=field: Clearance.objects.filter(
            **{field: org, "gated_model_id": model_id}
        ).values_list(*FIELDS),
        sentinel,
        -434343,
    )
    for by, field, sentinel in (
        ("id", "organization_id", -424242),
        ("uei", "organization__uei", "SENTINEL-UEI"),
    )
}


def clearances_for(org: tuple[str, int | str], model_id: int) -> list[ClearanceRow]:
    """The organization's clearances (any state) for the model; ``org`` is ("id", 42)
    or ("uei", "ABC...") as the check parses it. One indexed query."""
    by, value = org
    return [ClearanceRow._make(row) for row in _CLEARANCES[by].rows(value, model_id)]


def facts_for(org: tuple[str, int | str], model: ModelInfo) -> tuple[list, bool]:
    """(clearances, denied) for ``decide``, the clearances read now."""
    clearances = clearances_for(org, model.id)
    denied = bool(clearances) and clearances[0].organization_id in denied_ids()
    return clearances, denied


def _each(clearances, now):
    models, denied, now = models_by_id(), denied_ids(), now or timezone.now()
    for c in clearances:
        yield c, models[c.gated_model_id], c.organization_id in denied, now


def decide_each(key, endpoint: str, clearances, *, now: datetime | None = None):
    """(clearance, ``decide``'s answer about it alone) for each of ``clearances``
    (Clearance rows of any models): for the answers that list many (the status
    list's bits, sync's rows)."""
    for c, model, denied, when in _each(clearances, now):
        yield c, decide(key, endpoint, model=model, clearances=[c], denied=denied, now=when)


def clearing_now(clearances, *, now: datetime | None = None) -> list:
    """Those of ``clearances`` that the clearance rule clears now, each on its own:
    the partner list's rows, for an auditor key ``decide`` has admitted (the API) or
    a user the console has admitted (its CSV)."""
    return [
        c
        for c, model, denied, when in _each(clearances, now)
        if _rule([c], model, denied, when).cleared
    ]


def _rule(clearances, model: ModelInfo, denied: bool, now: datetime) -> ClearanceStatus:
    return evaluate(
        clearances,
        model_suspended=model.suspended,
        restored_sector_ids=model.restored_sector_ids,
        denied=denied,
        now=now,
    )


def check_answer(decision: Decision, model: ModelInfo) -> dict:
    """The check's JSON answer for an admitted ``decision``."""
    status = decision.clearance
    best = status.clearance
    return {
        "cleared": status.cleared,
        "reason": None if status.reason is None else str(status.reason),
        "organization_id": best.organization_id if best else None,
        "model": model.slug,
        "serial": best.serial if best else None,
        "state": best.state if best else None,
        "expires_at": best.expires_at.isoformat() if best else None,
        "seats": best.seats if best else None,
        "conditions": best.conditions if best else None,
        "status_index": best.status_index if best else None,
    }
