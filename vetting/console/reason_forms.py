"""Forms that ask an officer for a reason before a clearance or model action."""

from django import forms

from vetting.gated_models.models import GatedModel
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
