"""Building blocks shared by the console's ModelAdmins."""

import csv

from django.contrib.admin import SimpleListFilter
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseBadRequest, StreamingHttpResponse
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


# Lookups whose value the database compiles as a pattern: a malformed one ("(") made
# the changelist fail with a database error instead of a 400.
UNSAFE_LOOKUPS = {"regex", "iregex"}


class StrictLookups:
    """Rules every ModelAdmin on the console keeps: no deleting the project's records,
    and ``?field__lookup=`` query strings only on what the list's own filters offer.

    Django's admin lets any lookup on a model's own fields through the query
    string, which let a reviewer filter personnel by citizenship without the
    permission to read it. Here a lookup must start with a field (or parameter) of
    one of the list's filters, or be named in ``allowed_lookups``; anything else is
    refused, and the admin answers 400 (DisallowedModelAdminLookup). The console's
    admin site mixes this into every ModelAdmin it registers (in front of it, so
    ``allowed_lookups`` is read from the ModelAdmin, never defined here).
    """

    def _filter_roots(self, request) -> set[str]:
        roots = {self.date_hierarchy} if self.date_hierarchy else set()
        items = self.get_list_filter(request) if request is not None else self.list_filter
        for item in items:
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                roots.add(item.parameter_name)
            elif isinstance(item, (list, tuple)):
                roots.add(item[0].split(LOOKUP_SEP)[0])
            else:
                roots.add(item.split(LOOKUP_SEP)[0])
        return roots

    def has_delete_permission(self, request, obj=None):
        """The project's own records are never deleted in the console, by anyone: they
        are evidence, and each has a service that closes, revokes or deactivates it.
        Nor are groups: the roles are groups, created by a migration."""
        if self.model.__module__.startswith("vetting.") or self.model._meta.app_label == "auth":
            return False
        return super().has_delete_permission(request, obj)

    def changelist_view(self, request, extra_context=None):
        """An action's selection must be ids of this model: a tampered one is a 400
        (Django's admin would run the action's query and fail with a 500)."""
        if request.method == "POST":
            pk = self.model._meta.pk
            for value in request.POST.getlist("_selected_action"):
                try:
                    pk.to_python(value)
                except ValidationError:
                    return HttpResponseBadRequest(
                        f"_selected_action: {value[:40]!r} is not an id.",
                        content_type="text/plain; charset=utf-8",
                    )
        return super().changelist_view(request, extra_context)

    def lookup_allowed(self, lookup, value, request=None):
        if lookup in getattr(self, "allowed_lookups", ()):
            return True
        if lookup.split(LOOKUP_SEP)[-1] in UNSAFE_LOOKUPS:
            return False  # a pattern the database compiles: a bad one was a 500
        if lookup.split(LOOKUP_SEP)[0] not in self._filter_roots(request):
            return False
        return super().lookup_allowed(lookup, value, request)


class ConsoleAutocomplete(AutocompleteJsonView):
    """Django's autocomplete, refusing (403, as for any other bad field) a field that
    is not a forward relation: a reverse one made Django fail with a 500."""

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if not hasattr(source_field, "get_limit_choices_to"):
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name


def strict(admin_class):
    """``admin_class`` with StrictLookups in front (once)."""
    if issubclass(admin_class, StrictLookups):
        return admin_class
    return type(
        admin_class.__name__,
        (StrictLookups, admin_class),
        {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
    )


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
