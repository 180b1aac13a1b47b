"""How long each review step takes, measured on the decisions themselves: the
"expected time to a decision" the public landing page shows.

A step's time runs from the moment the application reached it (its previous
decision, or its submission for the first step) to the step's decision (passed,
approved, rejected or denied), including any time the reviewer waited for the
applicant's answer to a question. Skipped steps are the system's, not a review,
and a request for information does not end a step, so neither is counted as a
decision; a skip still marks where the next step began.
"""

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from vetting.gated_models.models import STEP_ORDER, ReviewStep

from .models import ReviewDecision

WINDOW_DAYS = 90
# Below this many decisions in the window a median would describe a few cases,
# not the service: the page says "Not enough data yet" instead.
MIN_DECISIONS = 5
Outcome = ReviewDecision.Outcome
DECIDING = [Outcome.PASSED, Outcome.APPROVED, Outcome.REJECTED, Outcome.DENIED]
DAY = 86400.0


@dataclass(frozen=True)
class StepTiming:
    step: str
    label: str
    decisions: int
    median_days: float | None  # None: fewer than MIN_DECISIONS decisions
    p90_days: float | None

    @property
    def enough_data(self) -> bool:
        return self.median_days is not None


def nearest_rank(values: list[float], fraction: float) -> float:
    """The smallest value at least ``fraction`` of ``values`` do not exceed (so "9 in
    10 decisions came within p90" holds for the data, with no interpolation)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)), 1) - 1]


def _durations(since: datetime, until: datetime) -> dict[str, list[float]]:
    """Days each step took, for the step decisions made in [since, until]: one query."""
    earlier = Q(decided_at__lt=OuterRef("decided_at")) | Q(
        decided_at=OuterRef("decided_at"), pk__lt=OuterRef("pk")
    )
    previous = (
        ReviewDecision.objects.filter(earlier, application=OuterRef("application"))
        .exclude(outcome=Outcome.INFORMATION_REQUESTED)
        .order_by("-decided_at", "-pk")
        .values("decided_at")[:1]
    )
    rows = (
        ReviewDecision.objects.filter(
            outcome__in=DECIDING, decided_at__gte=since, decided_at__lte=until
        )
        .annotate(started=Coalesce(Subquery(previous), F("application__submitted_at")))
        .values_list("step", "started", "decided_at")
    )
    days: dict[str, list[float]] = {step: [] for step in STEP_ORDER}
    for step, started, decided in rows:
        if started is not None and step in days:
            days[step].append(max((decided - started).total_seconds(), 0.0) / DAY)
    return days


def step_timings(*, now: datetime | None = None) -> list[StepTiming]:
    """Median and 90th-percentile days per review step over the last WINDOW_DAYS days,
    in the order an application walks the steps."""
    now = now or timezone.now()
    days = _durations(now - timedelta(days=WINDOW_DAYS), now)
    timings = []
    for step in STEP_ORDER:
        values = days[step]
        enough = len(values) >= MIN_DECISIONS
        timings.append(
            StepTiming(
                step=step,
                label=ReviewStep(step).label,
                decisions=len(values),
                median_days=statistics.median(values) if enough else None,
                p90_days=nearest_rank(values, 0.9) if enough else None,
            )
        )
    return timings
