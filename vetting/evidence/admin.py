from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from vetting.console.related_links import reader
from vetting.portal.scoping import may_download_evidence

from .models import Evidence


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    """Read-only: files change only through the evidence services."""

    list_display = [
        "original_name",
        "application",
        "content_type",
        "size",
        "uploaded_at",
        "download",
    ]
    list_select_related = ["application__organization", "application__gated_model"]
    search_fields = ["original_name", "sha256"]
    readonly_fields = [f.name for f in Evidence._meta.fields] + ["download"]

    @admin.display(description="file")
    def download(self, obj):
        """A link only where the download view serves the file to the reader (a
        superuser has no review role, so the evidence rule refuses them)."""
        if not may_download_evidence(reader(), obj):
            return "—"
        return format_html(
            '<a href="{}">Download</a>', reverse("portal:evidence_download", args=[obj.pk])
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
