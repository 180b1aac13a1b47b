"""Small factories with boring defaults. Application states beyond draft are
reached through the real services (see ``walk_to``), never by setting fields."""

import itertools

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from vetting.accounts.models import User
from vetting.accounts.roles import Role
from vetting.applications import review, services
from vetting.applications.models import Application, State
from vetting.evidence.services import evidence_upload
from vetting.gated_models.models import GatedModel
from vetting.organizations.models import Membership, Organization, Sector

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"
# A sector pass without a verified DNS proof needs a rationale (review.application_pass_step).
DOMAIN_CONFIRMED = "Domain ownership confirmed with the registrar by phone."


def make_user(email=None, *, role: Role | None = None, **extra) -> User:
    n = next(_seq)
    user = User.objects.create_user(email or f"user{n}@example.org", PASSWORD, **extra)
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


def make_org(*, admin: User | None = None, **fields) -> Organization:
    n = next(_seq)
    defaults = {
        "legal_name": f"Utility {n} Inc.",
        "domain": f"utility{n}.example",
        "kind": Organization.Kind.PRIVATE_COMPANY,
    }
    org = Organization.objects.create(**{**defaults, **fields})
    org.sectors.add(Sector.objects.get(slug="energy"))
    if admin is not None:
        Membership.objects.create(user=admin, organization=org, role=Membership.Role.ADMIN)
    return org


def make_model(*, sectors=("energy",), **fields) -> GatedModel:
    n = next(_seq)
    defaults = {
        "name": f"Model {n}",
        "slug": f"model-{n}",
        "access_status": "open",
        "cap": 100,
        "clearance_validity_days": 365,
        "default_conditions": "Usage is monitored.",
    }
    model = GatedModel.objects.create(**{**defaults, **fields})
    model.admitted_sectors.set(Sector.objects.filter(slug__in=sectors))
    return model


def complete_draft(
    *, applicant: User, org: Organization, model: GatedModel, seats: int = 5
) -> Application:
    """A draft that passes every completeness check, built through the services."""
    app = services.application_create_draft(
        actor=applicant, organization_id=org.pk, gated_model_id=model.pk
    )
    services.application_update_draft(
        actor=applicant,
        application_id=app.pk,
        sector=Sector.objects.get(slug="energy"),
        use_case="Find and fix vulnerabilities in our grid control systems.",
        systems_in_scope="SCADA historian, substation gateways",
        requested_seats=seats,
        terms_accepted=True,
        tcp_acknowledged=True,
        attested_by_name="Pat Officer",
        attested_by_title="Chief Security Officer",
    )
    services.personnel_save(
        actor=applicant,
        application_id=app.pk,
        legal_name="Alex Analyst",
        work_email=f"alex@{org.domain}",
        role="Security analyst",
        work_country="US",
        us_person_status="us_citizen",
        citizenships=["US"],
    )
    evidence_upload(
        actor=applicant,
        application_id=app.pk,
        upload=small_pdf(),
        description="Regulator registration letter",
    )
    return Application.objects.get(pk=app.pk)


def small_pdf(name: str = "letter.pdf") -> SimpleUploadedFile:
    """A tiny but real PDF, accepted by the content check."""
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, body, content_type="application/pdf")


class Cast:
    """One applicant organization and one person per reviewer role."""

    def __init__(self, model: GatedModel | None = None):
        self.applicant = make_user()
        self.org = make_org(admin=self.applicant)
        self.model = model or make_model()
        self.export = make_user(role=Role.EXPORT_CONTROL_REVIEWER)
        self.sector = make_user(role=Role.SECTOR_REVIEWER)
        self.government = make_user(role=Role.GOVERNMENT_OFFICIAL)
        self.officer = make_user(role=Role.CLEARANCE_OFFICER)
        self.auditor = make_user(role=Role.AUDITOR)

    def draft(self, **kw) -> Application:
        return complete_draft(applicant=self.applicant, org=self.org, model=self.model, **kw)

    def walk_to(self, target: str, app: Application | None = None) -> Application:
        """Take a fresh complete draft (or ``app``) to ``target`` through the services."""
        app = app or self.draft()
        path = {
            State.DRAFT: [],
            State.SUBMITTED: ["submit"],
            State.EXPORT_CONTROL_REVIEW: ["submit", "start"],
            State.SECTOR_REVIEW: ["submit", "start", "pass_ec"],
            State.GOVERNMENT_REVIEW: ["submit", "start", "pass_ec", "pass_sector"],
            State.INFORMATION_REQUESTED: ["submit", "start", "ask_ec"],
            State.APPROVED: ["submit", "start", "pass_ec", "pass_sector", "approve"],
            State.REJECTED: ["submit", "start", "reject_ec"],
            State.WITHDRAWN: ["withdraw"],
        }[State(target)]
        steps = {
            "submit": lambda: services.application_submit(
                actor=self.applicant, application_id=app.pk
            ),
            "start": lambda: services.application_start_review(application_id=app.pk),
            "pass_ec": lambda: review.application_pass_step(
                no_conflict=True, actor=self.export, application_id=app.pk, step="export_control"
            ),
            "pass_sector": lambda: review.application_pass_step(
                no_conflict=True,
                actor=self.sector,
                application_id=app.pk,
                step="sector",
                rationale=DOMAIN_CONFIRMED,
            ),
            "approve": lambda: review.application_approve(
                no_conflict=True, actor=self.government, application_id=app.pk
            ),
            "ask_ec": lambda: review.application_request_information(
                no_conflict=True,
                actor=self.export,
                application_id=app.pk,
                step="export_control",
                question="Please send your technology control plan.",
            ),
            "reject_ec": lambda: review.application_reject(
                no_conflict=True,
                actor=self.export,
                application_id=app.pk,
                step="export_control",
                rationale="Entity appears on a restricted list.",
                message_to_applicant="We cannot grant access.",
            ),
            "withdraw": lambda: services.application_withdraw(
                actor=self.applicant, application_id=app.pk
            ),
        }
        for name in path:
            steps[name]()
        return Application.objects.get(pk=app.pk)
