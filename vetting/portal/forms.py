"""Forms for the applicant portal. They parse input; the services decide."""

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.validators import MinValueValidator
from django.forms.boundfield import BoundField
from django_countries import countries

from vetting.accounts.second_step import TokenForm
from vetting.applications.models import Application, PersonnelDeclaration
from vetting.gated_models.models import GatedModel
from vetting.organizations.models import Membership, Organization, Sector

from . import account_services


class LinkedErrorsBoundField(BoundField):
    """Screen readers announce a field's error and hint with the field itself."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        described = []
        if self.help_text:
            described.append(f"{self.auto_id}-hint")
        if self.errors:
            described.append(f"{self.auto_id}-error")
            attrs["aria-invalid"] = "true"
        if described:
            attrs["aria-describedby"] = " ".join(described)
        return attrs


class UswdsMixin:
    """USWDS classes on widgets; error messages are linked to fields in the templates."""

    bound_field_class = LinkedErrorsBoundField
    # By kind of widget, subclasses included (django-countries' select is a Select).
    WIDGET_CLASSES = (
        (forms.CheckboxInput, "usa-checkbox__input"),
        (forms.CheckboxSelectMultiple, ""),
        (forms.Select, "usa-select"),  # SelectMultiple too
        (forms.Textarea, "usa-textarea"),
        (forms.FileInput, "usa-file-input"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = next(
                (css for kind, css in self.WIDGET_CLASSES if isinstance(widget, kind)),
                "usa-input",
            )
            if css:
                widget.attrs.setdefault("class", css)
            # A browser silently cuts what is typed or pasted at maxlength; the
            # server's length check names the field and the count instead.
            widget.attrs.pop("maxlength", None)


class SignUpForm(UswdsMixin, forms.Form):
    """Whether the address already has an account is never said here: the answer
    is the same either way and the owner gets an email (account_services.user_sign_up).
    Typed passwords are never written back into the page."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="Work email address")
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; not a common password.",
    )
    password_again = forms.CharField(
        label="Password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") != data.get("password"):
            self.add_error("password_again", "The two passwords differ.")
        return data


class LoginForm(UswdsMixin, AuthenticationForm):
    pass


class ChangePasswordForm(UswdsMixin, PasswordChangeForm):
    pass


class NewPasswordForm(UswdsMixin, SetPasswordForm):
    pass


class OutboxPasswordResetForm(UswdsMixin, PasswordResetForm):
    """Django's reset form, but the email goes through the outbox. Django's view
    answers the same for an address with or without an account."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        path = f"/accounts/reset/{context['uid']}/{context['token']}/"
        account_services.password_reset_enqueue(user=context["user"], url_path=path)


class OrganizationForm(UswdsMixin, forms.ModelForm):
    sectors = forms.ModelMultipleChoiceField(
        queryset=Sector.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The critical-infrastructure sectors you serve.",
    )

    class Meta:
        model = Organization
        fields = ["legal_name", "uei", "ein", "cage", "domain", "country", "kind", "sectors"]


class InviteForm(UswdsMixin, forms.Form):
    email = forms.EmailField(label="Colleague's email address")
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class RoleForm(UswdsMixin, forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class NewApplicationForm(UswdsMixin, forms.Form):
    gated_model = forms.ModelChoiceField(
        queryset=GatedModel.objects.filter(access_status=GatedModel.AccessStatus.OPEN),
        label="Model you apply for",
        empty_label="Choose a model",
    )


class SectorStepForm(UswdsMixin, forms.ModelForm):
    class Meta:
        model = Application
        fields = ["sector"]
        labels = {"sector": "Sector you claim"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].required = True
        admitted = self.instance.gated_model.admitted_sectors.all()
        self.fields["sector"].queryset = admitted
        self.fields["sector"].help_text = f"{self.instance.gated_model.name} admits these sectors."
        if self.instance.sector_id is None:
            # The organization's own sector, where the model admits one of them.
            served = admitted.filter(organizations=self.instance.organization_id).first()
            if served is not None:
                self.initial["sector"] = served.pk


class EvidenceForm(UswdsMixin, forms.Form):
    file = forms.FileField(
        help_text="PDF, PNG or JPEG, at most 10 MB.",
        widget=forms.FileInput(
            attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}
        ),
    )
    description = forms.CharField(
        max_length=300,
        required=False,
        help_text="What the document shows, e.g. 'NERC registration'.",
    )


class PersonForm(UswdsMixin, forms.ModelForm):
    citizenships = forms.MultipleChoiceField(
        choices=list(countries),
        widget=forms.CheckboxSelectMultiple,
        help_text="Every country of citizenship, current and former: "
        "type a country's name to find it, then tick it.",
    )
    permanent_residency_countries = forms.MultipleChoiceField(
        choices=list(countries),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Countries where this person holds permanent residency, if any.",
    )

    class Meta:
        model = PersonnelDeclaration
        fields = [
            "legal_name",
            "work_email",
            "role",
            "work_country",
            "us_person_status",
            "citizenships",
            "permanent_residency_countries",
            "date_of_birth",
            "export_authorization_type",
            "export_authorization_number",
            "export_authorization_expires",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "export_authorization_expires": forms.DateInput(attrs={"type": "date"}),
        }


class UseStepForm(UswdsMixin, forms.ModelForm):
    class Meta:
        model = Application
        fields = ["use_case", "systems_in_scope", "requested_seats"]
        labels = {"requested_seats": "Seats you need"}
        help_texts = {"use_case": "What you will do with the model, and why."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
        self.fields["requested_seats"].validators.append(MinValueValidator(1))
        self.fields["requested_seats"].widget.attrs["min"] = 1
        model = self.instance.gated_model
        self.fields["requested_seats"].help_text = (
            f"One seat per person or system that calls the model. {model.name} grants "
            f"at most {model.max_seats:,} seats to one organization."
        )


class AttestationStepForm(UswdsMixin, forms.ModelForm):
    class Meta:
        model = Application
        fields = ["attested_by_name", "attested_by_title", "tcp_acknowledged", "terms_accepted"]
        labels = {
            "tcp_acknowledged": "We keep a technology control plan that lists everyone "
            "declared and their nationality.",
            "terms_accepted": "We accept the conditions of use shown above.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
        self.fields["tcp_acknowledged"].error_messages["required"] = (
            "Acknowledge the technology control plan."
        )
        self.fields["terms_accepted"].error_messages["required"] = "Accept the conditions of use."


class RespondForm(UswdsMixin, forms.Form):
    response = forms.CharField(widget=forms.Textarea, label="Your answer")
    file = forms.FileField(
        required=False,
        label="Supporting document (optional)",
        help_text="PDF, PNG or JPEG, at most 10 MB.",
    )


class WithdrawForm(UswdsMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Why are you withdrawing? (optional)",
    )


class CodeForm(UswdsMixin, TokenForm):
    """The second-step code on the portal's pages: styled, and its error and hint linked
    by the ids that portal/_field.html gives them (Django's own point at ids that the
    template never renders)."""


class AppSetupCodeForm(CodeForm):
    """The code that confirms a new authenticator app. Not focused on load: the page
    first explains the app and shows the QR code to scan."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp_token"].widget.attrs.pop("autofocus", None)


class ResendVerificationForm(UswdsMixin, forms.Form):
    email = forms.EmailField(label="Email address you signed up with")
