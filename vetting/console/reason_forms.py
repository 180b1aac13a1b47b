"""Forms that ask an officer for a reason before a clearance or model action."""

from django import forms

from vetting.gated_models.models import POLICY_FIELDS, GatedModel
from vetting.organizations.models import Sector


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason (for the record)",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "A reason is required."},
        help_text="Kept in the audit trail; never shown to the organization.",
    )
    applicant_reason = forms.CharField(
        label="Reason for the organization",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Written for the organization; it appears in their email and portal.",
    )


class ModelSuspendForm(ReasonForm):
    confirm = forms.BooleanField(
        label="I understand every organization listed loses access at once",
        error_messages={"required": "Tick the box to confirm the suspension."},
    )


class ModelRestoreForm(forms.Form):
    reason = forms.CharField(
        label="Reason (for the record)",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "A reason is required."},
    )
    sectors = forms.ModelMultipleChoiceField(
        queryset=Sector.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tiered restoration: only clearances in these sectors are honoured again. "
        "Leave all unticked to restore every admitted sector.",
    )
    access_status = forms.ChoiceField(
        label="Reopen as",
        initial=GatedModel.AccessStatus.CLOSED,
        choices=[
            c for c in GatedModel.AccessStatus.choices if c[0] != GatedModel.AccessStatus.SUSPENDED
        ],
    )

    def __init__(self, *args, model: GatedModel, **kwargs):
        super().__init__(*args, **kwargs)
        admitted = model.admitted_sectors.all()
        self.fields["sectors"].queryset = admitted if admitted.exists() else Sector.objects.all()


class ModelCloseForm(forms.Form):
    reason = forms.CharField(
        label="Reason (for the record)",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "A reason is required."},
        help_text="Closing stops new applications at once; existing clearances keep working.",
    )


class PolicyChangeForm(forms.Form):
    """A proposal: the model's whole policy, prefilled with its current values, and
    the rationale. Only the fields that differ become the proposed change."""

    access_status = forms.ChoiceField(choices=GatedModel.AccessStatus.choices)
    requires_export_control = forms.BooleanField(label="Export-control check", required=False)
    requires_sector = forms.BooleanField(label="Sector verification", required=False)
    requires_government = forms.BooleanField(label="Government sign-off", required=False)
    admitted_sectors = forms.ModelMultipleChoiceField(
        queryset=Sector.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    restored_sectors = forms.ModelMultipleChoiceField(
        label="Restored sectors (tiered restoration)",
        queryset=Sector.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only clearances in these sectors are honoured; none ticked means every "
        "admitted sector.",
    )
    cap = forms.IntegerField(label="Cap on active clearances", min_value=1, max_value=2_147_483_647)
    max_seats = forms.IntegerField(
        label="Most seats for one organization", min_value=1, max_value=2_147_483_647
    )
    clearance_validity_days = forms.IntegerField(
        label="Clearance validity (days)", min_value=1, max_value=2_147_483_647
    )
    default_conditions = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    export_classification = forms.CharField(required=False, max_length=200)
    rationale = forms.CharField(
        label="Rationale (for the record and the approver)",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "A rationale is required."},
        help_text="A government official other than you approves or rejects the proposal; "
        "nothing changes until then.",
    )

    @classmethod
    def initial_for(cls, model: GatedModel) -> dict:
        initial = {f: getattr(model, f) for f in POLICY_FIELDS if not f.endswith("_sectors")}
        initial["admitted_sectors"] = list(model.admitted_sectors.all())
        initial["restored_sectors"] = list(model.restored_sectors.all())
        return initial

    def policy_values(self) -> dict:
        return {f: self.cleaned_data[f] for f in POLICY_FIELDS}


class PolicyDecisionForm(forms.Form):
    rationale = forms.CharField(
        label="Rationale", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
