"""The claim-and-lease engine of every outbox table.

A row moves ``pending -> <working> -> <done>`` (or ``failed``, the dead letter).
The claim is a conditional UPDATE (``status=pending`` and due ``-> working``,
with ``claimed_at`` as the lease and ``attempts + 1``), so of two workers handed
the same row only one works on it. Every later write of the worker is made
through ``mine(...)``, which matches only its own claim: a worker whose lease ran
out and whose row was taken over writes nothing.

A worker killed mid-work leaves its row ``<working>``. When the lease runs out
(longer than the task's hard time limit, so a live worker is never taken over)
the sweep puts it back to ``pending``, due at once, or to ``failed`` when no
attempt is left (so a row that kills workers does not loop). The sweep also
returns pending rows overdue by ``sweep_after`` seconds: their task was lost
(broker down at commit, retry not scheduled).
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

PENDING, FAILED = "pending", "failed"


def backoff_seconds(attempt: int, *, base: float, cap: float = 3600.0) -> float:
    """Exponential backoff with "equal jitter": half fixed, half random, so retries
    of many rows after one outage do not all hit the server at the same moment."""
    delay = min(cap, base * 2 ** max(attempt - 1, 0))
    return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 - jitter, not crypto


@dataclass(frozen=True)
class Queue:
    """One outbox table. Settings are read through callables, so tests and
    deployments that change them are seen at once."""

    name: str
    model: type
    working: str
    lease_seconds: Callable[[], float]
    sweep_after_seconds: Callable[[], float]
    max_attempts: Callable[[], int | None] = lambda: None
    # What else a row must satisfy to be claimed (e.g. its endpoint is active).
    claimable: Q = field(default_factory=Q)

    def claim(self, pks) -> tuple[datetime, list]:
        """Claim every due pending row of ``pks``; returns the claim time and the
        ids claimed (those another worker holds, or not due, are left out)."""
        now = timezone.now()
        pks = list(pks)
        rows = self.model.objects.filter(
            self.claimable, pk__in=pks, status=PENDING, next_attempt_at__lte=now
        )
        if len(pks) == 1:  # the common case: no read-back needed
            claimed = rows.update(status=self.working, claimed_at=now, attempts=F("attempts") + 1)
            return now, pks if claimed else []
        rows.update(status=self.working, claimed_at=now, attempts=F("attempts") + 1)
        mine = self.model.objects.filter(pk__in=pks, status=self.working, claimed_at=now)
        return now, list(mine.values_list("pk", flat=True))

    def mine(self, pk, claimed_at: datetime) -> QuerySet:
        """The row, only while this worker's claim on it stands."""
        return self.model.objects.filter(pk=pk, status=self.working, claimed_at=claimed_at)

    def retry_later(self, mine: QuerySet, *, delay: float, error: str) -> None:
        """Put a claimed row back to pending, due in ``delay`` seconds."""
        mine.update(
            status=PENDING,
            last_error=error[:2000],
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
        )

    def give_up(self, mine: QuerySet, *, error: str) -> None:
        """Dead-letter a claimed row: ``failed``, kept with its error for re-driving."""
        mine.update(status=FAILED, last_error=error[:2000])

    def release(self, pks, claimed_at: datetime) -> int:
        """Hand back claimed rows this worker will not get to (its batch ran long):
        pending and due at once, the claim's attempt not counted."""
        return self.model.objects.filter(
            pk__in=list(pks), status=self.working, claimed_at=claimed_at
        ).update(status=PENDING, next_attempt_at=timezone.now(), attempts=F("attempts") - 1)

    def has_attempts_left(self, attempts: int) -> bool:
        limit = self.max_attempts()
        return limit is None or attempts < limit

    def stale(self) -> QuerySet:
        """Rows claimed by a worker whose lease ran out (the worker is gone)."""
        cutoff = timezone.now() - timedelta(seconds=self.lease_seconds())
        return self.model.objects.filter(status=self.working, claimed_at__lt=cutoff)

    def sweep(self, *, limit: int = 1000) -> dict:
        """Recover abandoned claims and find pending rows whose task was lost.
        Idempotent: it changes only rows nobody is working on. Returns counts
        (``failed``, ``recovered``) and the ids now ``due`` for dispatch."""
        now = timezone.now()
        exhausted = 0
        limit_attempts = self.max_attempts()
        if limit_attempts is not None:
            exhausted = (
                self.stale()
                .filter(attempts__gte=limit_attempts)
                .update(
                    status=FAILED,
                    last_error="The worker stopped before it finished; no attempts left.",
                )
            )
        recovered = self.stale().update(
            status=PENDING,
            next_attempt_at=now,
            last_error="The worker stopped before it finished.",
        )
        overdue = now - timedelta(seconds=self.sweep_after_seconds())
        # Recovered rows are due at once; others only once overdue (their own task,
        # queued after commit or as a retry, is expected to reach them first).
        due = list(
            self.model.objects.filter(
                self.claimable,
                Q(next_attempt_at__lte=overdue) | Q(next_attempt_at=now),
                status=PENDING,
            )
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        return {"failed": exhausted, "recovered": recovered, "due": due}

    def counts(self) -> dict:
        """What the console shows, in one query: rows pending, overdue (their task
        lost), held past their lease (worker gone) and dead-lettered."""
        now = timezone.now()
        overdue = now - timedelta(seconds=max(self.sweep_after_seconds(), 60))
        cutoff = now - timedelta(seconds=self.lease_seconds())
        return self.model.objects.order_by().aggregate(
            pending=Count("pk", filter=Q(status=PENDING)),
            overdue=Count("pk", filter=Q(status=PENDING, next_attempt_at__lt=overdue)),
            stale=Count("pk", filter=Q(status=self.working, claimed_at__lt=cutoff)),
            failed=Count("pk", filter=Q(status=FAILED)),
        )
