"""Fill an empty database with a believable demo world; running it again changes nothing."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from vetting.accounts.mfa import base32_secret, demo_totp_key, ensure_totp_device, otpauth_uri
from vetting.accounts.models import User
from vetting.applications import review, services
from vetting.applications.jobs import start_review
from vetting.applications.models import Application, State
from vetting.clearances import services as clearance_services
from vetting.demo import data
from vetting.evidence.services import evidence_upload
from vetting.gated_models.models import GatedModel
from vetting.gated_models.services import gated_model_suspend
from vetting.organizations.models import Membership, Organization, Sector

# The reviewer path to each final state, after submission and start of review.
PATHS = {
    "draft": [],
    "submitted": ["submit"],
    "export_control_review": ["submit", "start"],
    "sector_review": ["submit", "start", "pass_ec"],
    "government_review": ["submit", "start", "pass_ec", "pass_sector"],
    "information_requested": ["submit", "start", "pass_ec", "ask_sector"],
    "rejected": ["submit", "start", "reject_ec"],
    "withdrawn": ["submit", "start", "withdraw"],
    "active": ["submit", "start", "pass_ec", "pass_sector", "approve"],
    "suspended": ["submit", "start", "pass_ec", "pass_sector", "approve", "suspend"],
    "revoked": ["submit", "start", "pass_ec", "pass_sector", "approve", "revoke"],
    "expired": ["submit", "start", "pass_ec", "pass_sector", "approve", "expire"],
}


class Command(BaseCommand):
    help = "Create demo users, organizations, gated models, applications and clearances."

    def add_arguments(self, parser):
        parser.add_argument(
            "--throwaway-database",
            action="store_true",
            help="Seed even with VETTING_ENV=production: the database is a disposable one.",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["throwaway_database"]:
            # Demo accounts have a published password and TOTP secrets (one is a
            # superuser): never in a production database by accident.
            raise CommandError(
                "seed_demo refuses to run with VETTING_ENV=production: its accounts have a "
                "public password and TOTP secrets. Pass --throwaway-database if this "
                "database is a disposable one.",
                returncode=2,
            )
        # A small restricted-party list, so screening has something to find.
        call_command("import_screening_list", str(data.DEMO_LIST), format="csl", stdout=self.stdout)
        with transaction.atomic():
            staff = self._staff()
            mythos, fable = self._models()
            created = 0
            for row in data.ORGANIZATIONS:
                created += self._organization(row, mythos, staff)
            if fable.access_status != GatedModel.AccessStatus.SUSPENDED:
                gated_model_suspend(
                    actor=staff["officer@vetting.test"],
                    gated_model_id=fable.pk,
                    reason="Export-control order: mass-market model off until further notice.",
                    applicant_reason="Access is suspended by government order.",
                )
        self._report(created)

    def _staff(self) -> dict[str, User]:
        users = {}
        for email, first, last, group in data.STAFF:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email,
                    data.PASSWORD,
                    first_name=first,
                    last_name=last,
                    is_staff=True,
                    is_superuser=group is None,
                    email_verified_at=timezone.now(),
                )
                if group:
                    user.groups.add(Group.objects.get(name=group))
            # The console asks every staff user for a TOTP code; demo staff get a known one.
            ensure_totp_device(user, demo_totp_key(email))
            users[email] = user
        return users

    def _models(self):
        all_sectors = Sector.objects.all()
        mythos, made = GatedModel.objects.get_or_create(
            slug="mythos-5",
            defaults={
                "name": "Mythos 5",
                "description": "Frontier cyber-capable model, restored for vetted US "
                "critical-infrastructure defenders.",
                "access_status": GatedModel.AccessStatus.OPEN,
                "cap": 100,
                "clearance_validity_days": 365,
                "export_classification": "ECCN 4E091 (counsel determination of 2026-06-26)",
                "default_conditions": "Usage is monitored. No data-retention exemptions. "
                "No prohibited uses. Access only by declared personnel.",
            },
        )
        if made:
            mythos.admitted_sectors.set(all_sectors)
        fable, made = GatedModel.objects.get_or_create(
            slug="fable-5",
            defaults={
                "name": "Fable 5",
                "description": "Mass-market model.",
                "access_status": GatedModel.AccessStatus.OPEN,
                "cap": 1000,
                "requires_sector": False,
                "clearance_validity_days": 180,
                "export_classification": "Under review by counsel",
            },
        )
        if made:
            fable.admitted_sectors.set(all_sectors)
        return mythos, fable

    def _organization(self, row, model, staff) -> int:
        name, uei, ein, cage, domain, kind, sector_slug, email, final = row
        if Organization.objects.filter(uei=uei).exists():
            return 0
        sector = Sector.objects.get(slug=sector_slug)
        org = Organization.objects.create(
            legal_name=name, uei=uei, ein=ein, cage=cage, domain=domain, kind=kind
        )
        org.sectors.add(sector)
        applicant = User.objects.filter(email=email).first() or User.objects.create_user(
            email,
            data.PASSWORD,
            first_name="Demo",
            last_name="Applicant",
            email_verified_at=timezone.now(),
        )
        Membership.objects.create(user=applicant, organization=org, role=Membership.Role.ADMIN)
        app = self._draft(applicant, org, model, sector, flagged=name in data.FLAGGED_ORGS)
        for step in PATHS[final]:
            self._act(step, app, applicant, staff)
        return 1

    def _draft(self, applicant, org, model, sector, flagged=False) -> Application:
        app = services.application_create_draft(
            actor=applicant, organization_id=org.pk, gated_model_id=model.pk
        )
        services.application_update_draft(
            actor=applicant,
            application_id=app.pk,
            sector=sector,
            use_case=data.USE_CASE,
            systems_in_scope=data.SYSTEMS,
            requested_seats=10,
            terms_accepted=True,
            tcp_acknowledged=True,
            attested_by_name="Morgan Chief",
            attested_by_title="Chief Information Security Officer",
        )
        letter = SimpleUploadedFile(
            "sector-letter.pdf", data.evidence_pdf(org.legal_name), content_type="application/pdf"
        )
        evidence_upload(
            actor=applicant,
            application_id=app.pk,
            upload=letter,
            description="Sector partnership letter",
        )
        people = data.PERSONNEL + ([data.FLAGGED_PERSON] if flagged else [])
        for legal_name, role, status, citizenships, authorization in people:
            extra = {}
            if authorization:
                extra = {
                    "export_authorization_type": authorization,
                    "export_authorization_number": "D1234567",
                    "export_authorization_expires": timezone.now().date() + timedelta(days=400),
                }
            services.personnel_save(
                actor=applicant,
                application_id=app.pk,
                legal_name=legal_name,
                work_email=f"{legal_name.split()[0].lower()}@{org.domain}",
                role=role,
                work_country="US",
                us_person_status=status,
                citizenships=citizenships,
                **extra,
            )
        return app

    def _act(self, step, app, applicant, staff):  # noqa: C901 - a flat dispatch table
        ec, sr, gov = (
            staff["export@vetting.test"],
            staff["sector@vetting.test"],
            staff["gov@vetting.test"],
        )
        officer = staff["officer@vetting.test"]
        pk = app.pk
        if step == "submit":
            services.application_submit(actor=applicant, application_id=pk)
        elif step == "start":
            start_review(application_id=pk)  # what the worker does: screen, then start the review
        elif step == "pass_ec":
            review.application_pass_step(
                no_conflict=True,
                actor=ec,
                application_id=pk,
                step="export_control",
                rationale="No screening hits; personnel cleared.",
            )
        elif step == "pass_sector":
            review.application_pass_step(
                no_conflict=True,
                actor=sr,
                application_id=pk,
                step="sector",
                rationale="Sector and identifiers confirmed in SAM.gov.",
            )
        elif step == "approve":
            review.application_approve(
                no_conflict=True,
                actor=gov,
                application_id=pk,
                rationale="Meets the critical-infrastructure criteria.",
            )
        elif step == "ask_sector":
            review.application_request_information(
                no_conflict=True,
                actor=sr,
                application_id=pk,
                step="sector",
                question="Please upload your CISA sector partnership letter.",
            )
        elif step == "reject_ec":
            review.application_reject(
                no_conflict=True,
                actor=ec,
                application_id=pk,
                step="export_control",
                rationale="Contractor roster includes an unauthorized foreign person.",
                message_to_applicant="Your roster includes a person without a valid export "
                "authorization.",
            )
        elif step == "withdraw":
            services.application_withdraw(
                actor=applicant, application_id=pk, reason="Applied under the wrong program."
            )
        else:
            self._clearance_step(step, app, officer)

    def _clearance_step(self, step, app, officer):
        clearance = Application.objects.get(pk=app.pk).clearance
        if step == "suspend":
            clearance_services.clearance_suspend(
                actor=officer,
                clearance_id=clearance.pk,
                reason="Anomalous usage spike.",
                applicant_reason="Unusual usage was detected; we are reviewing it.",
            )
        elif step == "revoke":
            clearance_services.clearance_revoke(
                actor=officer,
                clearance_id=clearance.pk,
                reason="Terms violated.",
                applicant_reason="Your organization shared access outside declared personnel.",
            )
        elif step == "expire":
            # Demo only: pretend the validity period has run out, then let the
            # real expiry service do its work.
            type(clearance).objects.filter(pk=clearance.pk).update(
                expires_at=timezone.now() - timedelta(days=1)
            )
            clearance_services.clearance_expire(clearance_id=clearance.pk)

    def _report(self, created):
        counts = {s.label: Application.objects.filter(state=s).count() for s in State}
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready ({created} organizations added this run).")
        )
        self.stdout.write("Applications: " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
        self.stdout.write(f"\nDemo logins (password for all: {data.PASSWORD})")
        for email, _first, _last, group in data.STAFF:
            self.stdout.write(f"  {email:26} {group or 'Superuser'}")
        self.stdout.write("  ciso@tristategrid.test     applicant (organization admin)")
        self.stdout.write(
            "\nAuthenticator secrets for the admin (TOTP, 6 digits, 30 s); add one "
            "to an authenticator app with 'enter a setup key', or scan the URI:"
        )
        for email, *_ in data.STAFF:
            device = TOTPDevice.objects.filter(user__email=email, confirmed=True).first()
            if device is not None:
                self.stdout.write(f"  {email:26} {base32_secret(device)}  {otpauth_uri(device)}")
        self.stdout.write("\nPortal: http://localhost:8000/   Admin: http://localhost:8000/admin/")
