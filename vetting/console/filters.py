"""List filters the console's application and clearance lists share."""

from datetime import timedelta

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from vetting.applications.models import REVIEW_STATE, State
from vetting.gated_models.models import ReviewStep

from .deadlines import deadline_cutoff


class WaitingAtStepFilter(admin.SimpleListFilter):
    """At a review step, including while the applicant answers that step's question."""

    title = "waiting at step"
    parameter_name = "step"

    def lookups(self, request, model_admin):
        return ReviewStep.choices

    def queryset(self, request, queryset):
        if self.value() not in ReviewStep.values:
            return queryset
        return queryset.filter(
            Q(state=REVIEW_STATE[ReviewStep(self.value())])
            | Q(state=State.INFORMATION_REQUESTED, information_requested_step=self.value())
        )


class AgeInStepFilter(admin.SimpleListFilter):
    title = "age in step"
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [
            ("today", "Under a day"),
            ("week", "Under 7 days"),
            ("overdue", "Past the review deadline"),
            ("month", "Over 30 days"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == "today":
            return queryset.filter(state_changed_at__gte=now - timedelta(days=1))
        if value == "week":
            return queryset.filter(state_changed_at__gte=now - timedelta(days=7))
        if value == "overdue":
            return queryset.filter(
                state__in=[*REVIEW_STATE.values()], state_changed_at__lt=deadline_cutoff(now)
            )
        if value == "month":
            return queryset.filter(state_changed_at__lt=now - timedelta(days=30))
        return queryset


class ExpiringWithinFilter(admin.SimpleListFilter):
    title = "expiring within"
    parameter_name = "expiring"

    def lookups(self, request, model_admin):
        return [("7", "7 days"), ("30", "30 days"), ("90", "90 days")]

    def queryset(self, request, queryset):
        if self.value() not in {"7", "30", "90"}:
            return queryset
        now = timezone.now()
        return queryset.filter(
            state="active",
            expires_at__gte=now,
            expires_at__lte=now + timedelta(days=int(self.value())),
        )
