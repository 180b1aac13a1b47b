"""Review-console screens for screening. Every change goes through a service."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.html import format_html, format_html_join

from vetting import permissions
from vetting.console.admin_tools import ReadOnlyAdmin
from vetting.console.application_detail import may_see_citizenship
from vetting.errors import DomainError
from vetting.permissions import Action

from . import services
from .importers import ListFormatError
from .lists import list_import
from .models import DeniedParty, DomainChallenge, ListEntry, ListVersion, ScreeningHit


@admin.register(DeniedParty)
class DeniedPartyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "uei", "ein", "cage", "added_by", "added_at"]
    list_filter = ["kind"]
    search_fields = ["legal_name", "uei", "ein", "cage", "email_domain"]
    fields = ["kind", "organization", "legal_name", "uei", "ein", "cage", "email_domain", "reason"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # The service suspends the party's clearances and rejects its open applications.
        if obj.organization is not None:
            services.denied_party_add(
                actor=request.user, organization=obj.organization, reason=obj.reason
            )
            return
        services.denied_party_add(
            actor=request.user,
            reason=obj.reason,
            email_domain=obj.email_domain,
            legal_name=obj.legal_name,
            uei=obj.uei,
            ein=obj.ein,
            cage=obj.cage,
        )


class ListUploadForm(forms.Form):
    file = forms.FileField(help_text="The CSL CSV (with or without _id) or Treasury's sdn.csv.")
    format = forms.ChoiceField(choices=ListVersion.Format.choices)
    alt = forms.FileField(
        label="Aliases (alt.csv)", required=False, help_text="OFAC's alt.csv, with sdn.csv only."
    )
    add = forms.FileField(
        label="Addresses (add.csv)", required=False, help_text="OFAC's add.csv, with sdn.csv only."
    )
    FIELD_OF_FILE = {"": "file", "alt.csv": "alt", "add.csv": "add"}  # ListFormatError.file

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("format") and cleaned["format"] != ListVersion.Format.SDN:
            for name in ("alt", "add"):
                if cleaned.get(name):
                    self.add_error(
                        name, "This file goes only with Treasury's sdn.csv: choose that format."
                    )
        return cleaned


@admin.register(ListVersion)
class ListVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "source", "filename", "rows", "imported_at", "imported_by"]
    readonly_fields = ["source", "filename", "checksum", "rows", "imported_at", "imported_by"]
    change_list_template = "screening/listversion_change_list.html"

    def has_add_permission(self, request):
        return False  # a version comes only from an uploaded file (below) or the command

    def has_upload_permission(self, request) -> bool:
        return permissions.allowed(request.user, Action.SCREENING_LIST_IMPORT)

    def changelist_view(self, request, extra_context=None):
        extra = {"may_upload": self.has_upload_permission(request)}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_view)
        return [path("upload/", upload, name="screening_listversion_upload"), *super().get_urls()]

    def upload_view(self, request):
        if not self.has_upload_permission(request):
            raise PermissionDenied
        form = ListUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            companions = {
                name: form.cleaned_data[name].read()
                for name in ("alt", "add")
                if form.cleaned_data.get(name)
            }
            try:
                version, created = list_import(
                    actor=request.user,
                    data=upload.read(),
                    fmt=form.cleaned_data["format"],
                    filename=upload.name,
                    **companions,
                )
            except ListFormatError as exc:
                field = form.FIELD_OF_FILE.get(exc.file, "file")
                form.add_error(field, f"{exc}. Nothing was imported.")
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                if created:
                    messages.success(
                        request,
                        f"Imported {version.rows} entries as version "
                        f"{version.pk}; re-screening is under way.",
                    )
                else:
                    messages.info(
                        request,
                        f"{'These files were' if companions else 'This file was'} already "
                        f"imported as version {version.pk}; nothing changed.",
                    )
                return redirect("admin:screening_listversion_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Import a screening list",
            "opts": self.model._meta,
        }
        return render(request, "screening/list_upload.html", context)


@admin.register(ListEntry)
class ListEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "list_code", "entry_type", "version"]
    list_filter = ["list_code", "entry_type"]
    search_fields = ["name"]
    # Nobody may change an entry, so every field shows read-only; listed to fix the order.
    fields = readonly_fields = [
        "version",
        "list_code",
        "source_name",
        "record_id",
        "entry_type",
        "name",
        "aliases",
        "alias_types",
        "programs",
        "countries",
        "dates_of_birth",
        "places_of_birth",
        "nationalities",
        "identifiers",
        "gender",
        "source_url",
    ]

    def has_add_permission(self, request):
        return False  # entries come only from an imported list version

    def has_change_permission(self, request, obj=None):
        return False


class NeedsReviewFilter(admin.SimpleListFilter):
    """The clearance officers' queue: hits from re-screening that await a decision."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("rescreen", "Re-screening hits awaiting review"),
            ("submission", "Application hits awaiting review"),
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(status=ScreeningHit.Status.PENDING, run__trigger=self.value())
        return queryset


class AdjudicationForm(forms.ModelForm):
    no_conflict = forms.BooleanField(
        label="I have no conflict of interest with this organization or application",
        error_messages={
            "required": "Attest that you have no conflict of interest before deciding."
        },
    )

    class Meta:
        model = ScreeningHit
        fields = ["status", "rationale"]


def _table(header, rows):
    """A small HTML table of plain values (every cell escaped)."""
    head = format_html_join("", "<th scope='col'>{}</th>", ((h,) for h in header if h))
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows),
    )
    if not head:
        return format_html("<table><tbody>{}</tbody></table>", body)
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)


@admin.register(ScreeningHit)
class ScreeningHitAdmin(admin.ModelAdmin):
    list_display = ["subject_name", "matched_name", "score", "status", "list_code", "run"]
    list_filter = [NeedsReviewFilter, "status", "subject_kind"]
    search_fields = ["subject_name", "matched_name"]
    list_select_related = ["entry", "run"]
    # The application page links here: ?run__application__id__exact=<id>
    APPLICATION_LOOKUP = "run__application__id__exact"
    allowed_lookups = (APPLICATION_LOOKUP,)

    readonly_fields = [
        "run",
        "subject_kind",
        "subject_name",
        "entry",
        "matched_name",
        "matched_alias",
        "score",
        "name_score",
        "why_it_matched",
        "identifiers_compared",
        "listed_details",
        "how_it_was_read",
        "adjudicated_by",
        "adjudicated_at",
    ]
    fields = [*readonly_fields, "status", "rationale"]

    @admin.display(description="list")
    def list_code(self, hit):
        return hit.entry.list_code

    @admin.display(description="how the names were read")
    def how_it_was_read(self, hit):
        return ", ".join(n.replace("_", " ") for n in hit.normalizations) or "As written."

    @admin.display(description="why it matched")
    def why_it_matched(self, hit):
        rows = [
            (r["query"] or "—", r["listed"] or "—", r["rule"], f"{100 * r['similarity']:.0f}")
            for r in hit.explanation
        ]
        return _table(("Screened word", "Listed word", "Rule", "Similarity"), rows)

    @admin.display(description="identifiers compared")
    def identifiers_compared(self, hit):
        rows = [
            (f["identifier"], f["declared"], f["listed"], f["outcome"], f"{f['effect']:+.0f}")
            for f in hit.identifiers
        ]
        if not rows:
            return "None: the declaration or the entry gives no date of birth or citizenship."
        return _table(("Identifier", "Declared", "Listed", "Outcome", "Effect"), rows)

    @admin.display(description="listed details")
    def listed_details(self, hit):
        entry = hit.entry
        rows = [
            ("Type", entry.entry_type or "—"),
            ("Programs", ", ".join(entry.programs) or "—"),
            ("Dates of birth", "; ".join(d["text"] for d in entry.dates_of_birth) or "—"),
            ("Nationalities", ", ".join(entry.nationalities) or "—"),
            ("Places of birth", "; ".join(entry.places_of_birth) or "—"),
            (
                "Documents",
                "; ".join(
                    f"{i['type']} {i['number']} {i['country']}".strip() for i in entry.identifiers
                )
                or "—",
            ),
        ]
        return _table(("", ""), rows)

    def has_add_permission(self, request):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = AdjudicationForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not may_see_citizenship(request.user):
            # The declared date of birth and citizenships are export-control data.
            fields = [f for f in fields if f != "identifiers_compared"]
        pending = obj is not None and obj.status == ScreeningHit.Status.PENDING
        return [*fields, "no_conflict"] if pending else fields

    def save_model(self, request, obj, form, change):
        try:
            services.screening_hit_adjudicate(
                actor=request.user,
                hit_id=obj.pk,
                status=obj.status,
                rationale=obj.rationale,
                no_conflict=form.cleaned_data.get("no_conflict", False),
            )
        except (DomainError, ValidationError) as exc:
            request._screening_refused = True
            messages.error(request, getattr(exc, "message", None) or "; ".join(exc.messages))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != ScreeningHit.Status.PENDING:
            return [*self.readonly_fields, "status", "rationale"]  # decided: the record stays
        return self.readonly_fields

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, "_screening_refused", False) and level == messages.SUCCESS:
            return  # the refusal is the message; nothing was saved
        super().message_user(request, message, level, *args, **kwargs)


@admin.register(DomainChallenge)
class DomainChallengeAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Challenges are issued and checked by the organization's members in the portal."""

    list_display = ["__str__", "organization", "verified_at", "last_checked_at", "expires_at"]
    readonly_fields = [
        "organization",
        "domain",
        "token_hash",
        "created_by",
        "expires_at",
        "verified_at",
        "last_checked_at",
        "last_result",
    ]
