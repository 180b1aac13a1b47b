"""Building blocks shared by the console's ModelAdmins."""

import csv

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.utils.functional import cached_property

# Past this many matching rows the list says "10,000+" instead of counting them all.
COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows (``SELECT COUNT(*) FROM (... LIMIT n)``), so
    a list page over 100,000 rows never scans them all just to number its pages."""

    @cached_property
    def count(self):
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def cap_label(self) -> str:
        return f"{COUNT_CAP:,}"

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


class ScaleAdmin:
    """List-page defaults for big tables; combine with admin.ModelAdmin."""

    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50


class ReadOnlyAdmin:
    """Only services change these records: the admin may show, never write."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin:
    """For the few records the admin edits directly (model configuration, organization
    profile, staff accounts): every save is an audit event in the same transaction
    (the admin's change view runs in one)."""

    def save_model(self, request, obj, form, change):
        from vetting.audit.services import audit_record

        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=f"{obj._meta.model_name}.{'changed' if change else 'added'}_in_admin",
            obj=obj,
            data={"fields": sorted(form.changed_data)},
        )


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    """Stream ``rows`` (an iterable of lists) as a CSV download."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
