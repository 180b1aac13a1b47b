"""Background jobs in the console: what ran, what waits, what is dead and why."""

from django.contrib import admin, messages

from vetting import permissions
from vetting.console.admin_tools import ReadOnlyAdmin, ScaleAdmin
from vetting.errors import DomainError
from vetting.permissions import Action

from .models import ConsistencyReport, Job
from .services import job_redrive


@admin.register(Job)
class JobAdmin(ScaleAdmin, ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["id", "kind", "status", "attempts", "created_at", "finished_at", "short_error"]
    list_filter = ["status", "kind"]
    search_fields = ["=dedupe_key"]
    ordering = ["-id"]
    readonly_fields = [f.name for f in Job._meta.fields]
    actions = ["redrive_failed"]

    def has_redrive_permission(self, request):
        return permissions.allowed(request.user, Action.OUTBOX_REDRIVE)

    @admin.action(description="Re-drive the selected failed jobs", permissions=["redrive"])
    def redrive_failed(self, request, queryset):
        failed = list(queryset.filter(status=Job.Status.FAILED).values_list("pk", flat=True))
        done = 0
        for pk in failed:
            try:
                job_redrive(actor=request.user, job_id=pk)
                done += 1
            except DomainError as exc:  # re-driven by someone else meanwhile
                self.message_user(request, f"Job {pk}: {exc}", messages.WARNING)
        skipped = queryset.count() - len(failed)
        self.message_user(
            request,
            f"{done} job(s) queued again"
            + (f"; {skipped} skipped because they had not failed." if skipped else "."),
            messages.SUCCESS if done else messages.WARNING,
        )

    @admin.display(description="last error")
    def short_error(self, obj):
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error


@admin.register(ConsistencyReport)
class ConsistencyReportAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["ran_at", "total", "found"]
    readonly_fields = ["ran_at", "found"]
    ordering = ["-ran_at"]
