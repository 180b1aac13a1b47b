"""Who will touch the model: the per-person declaration of DOMAIN.md.

Citizenship data is sensitive: only export-control reviewers and auditors see
it, and it never goes into a notification.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django_countries.fields import CountryField

from vetting.organizations import identifiers


class PersonnelDeclaration(models.Model):
    class UsPersonStatus(models.TextChoices):
        US_CITIZEN = "us_citizen", "US citizen (including naturalized)"
        LAWFUL_PERMANENT_RESIDENT = "lawful_permanent_resident", "Lawful permanent resident"
        PROTECTED_INDIVIDUAL = "protected_individual", "Protected individual (8 U.S.C. 1324b(a)(3))"
        FOREIGN_PERSON = "foreign_person", "Foreign person"

    class ExportAuthorization(models.TextChoices):
        BIS_LICENSE = "bis_license", "Export license from the Commerce Department (BIS)"
        LICENSE_EXCEPTION = "license_exception", "License exception under the EAR (15 CFR 740)"
        DDTC_AUTHORIZATION = "ddtc_authorization", "DDTC authorization (ITAR)"
        NONE = "none", "None"

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="personnel"
    )
    legal_name = models.CharField(max_length=200, validators=[identifiers.validate_legal_name])
    work_email = models.EmailField()
    role = models.CharField("role in the organization", max_length=200)
    work_country = CountryField("country they work from")
    us_person_status = models.CharField(
        "US-person status", max_length=30, choices=UsPersonStatus.choices
    )
    citizenships = CountryField(
        multiple=True, help_text="Every country of citizenship, current and former."
    )
    permanent_residency_countries = CountryField(multiple=True, blank=True)
    date_of_birth = models.DateField(
        null=True,
        blank=True,
        help_text="Optional. Screening compares it with a listed person's date of birth, "
        "so a namesake with another birth date is not held up.",
    )
    export_authorization_type = models.CharField(
        max_length=30,
        choices=ExportAuthorization.choices,
        blank=True,
        help_text="Required for a foreign person.",
    )
    export_authorization_number = models.CharField(max_length=100, blank=True)
    export_authorization_expires = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["legal_name", "id"]
        permissions = [
            ("view_citizenship", "Can see citizenship and export-authorization data"),
        ]

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.role})"

    @property
    def is_foreign_person(self) -> bool:
        return self.us_person_status == self.UsPersonStatus.FOREIGN_PERSON

    def clean(self):
        errors = {}
        if self.date_of_birth is not None and not (
            date(1900, 1, 1) <= self.date_of_birth <= date.today()
        ):
            errors["date_of_birth"] = "Give a date of birth between 1900 and today."
        if self.is_foreign_person:
            if not self.export_authorization_type:
                errors["export_authorization_type"] = (
                    "Say which export authorization covers this foreign person, or 'None'."
                )
            elif self.export_authorization_type != self.ExportAuthorization.NONE:
                if not self.export_authorization_number:
                    errors["export_authorization_number"] = (
                        "Give the number of the license or authorization."
                    )
                if not self.export_authorization_expires:
                    errors["export_authorization_expires"] = (
                        "Give the date the authorization expires."
                    )
        elif self.export_authorization_type and self.export_authorization_type != "none":
            errors["export_authorization_type"] = (
                "Only a foreign person needs an export authorization; leave this empty."
            )
        if errors:
            raise ValidationError(errors)
