"""One small world for tests/test_permission_matrix.py: the actors (one client each)
and a value for every URL parameter, built through the real services where they exist."""

import uuid
from datetime import timedelta

from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp_webauthn.models import WebAuthnCredential

from tests.console.conftest import verified_client
from tests.factories import Cast, make_org, make_user
from vetting.accounts.roles import Role
from vetting.api.keys import gateway_key_create
from vetting.api.models import PartnerListVersion
from vetting.applications.models import Application, InformationRequest, State
from vetting.clearances.models import Clearance
from vetting.gated_models.models import PolicyChange
from vetting.gated_models.policy import policy_change_approve, policy_change_propose
from vetting.notifications.models import Notification
from vetting.organizations.models import Invitation, Membership
from vetting.organizations.services import member_invite
from vetting.outbox.models import ConsistencyReport, Job
from vetting.portal.account_services import verification_token
from vetting.screening import models as screening
from vetting.webhooks.models import WebhookDelivery, WebhookEndpoint

STAFF_ACTORS = [
    "export",
    "sector",
    "government",
    "officer",
    "auditor",
    "superuser",
    "staff_no_group",
]
ACTORS = [*STAFF_ACTORS, "applicant", "other_org", "anonymous"]
ACTOR_TITLES = {
    "export": "Export-control reviewer",
    "sector": "Sector reviewer",
    "government": "Government official",
    "officer": "Clearance officer",
    "auditor": "Auditor",
    "superuser": "Superuser (no groups)",
    "staff_no_group": "Staff, no group",
    "applicant": "Applicant org admin",
    "other_org": "Member of another org",
    "anonymous": "Anonymous",
}


def _applicant_client(user) -> Client:
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    client = Client()
    client.force_login(user)
    return client


def _screening_rows(cast, app):
    version = screening.ListVersion.objects.create(
        source=screening.ListVersion.Format.choices[0][0], checksum="0" * 64, rows=1
    )
    entry = screening.ListEntry.objects.create(
        version=version,
        list_code="SDN",
        name="Somebody Listed",
    )
    run = screening.ScreeningRun.objects.filter(application=app).first()
    if run is None:
        run = screening.ScreeningRun.objects.create(
            organization=cast.org,
            application=app,
            trigger=screening.ScreeningRun.Trigger.choices[0][0],
            threshold=0.9,
        )
    screening.ScreeningHit.objects.create(
        run=run,
        subject_kind=screening.ScreeningHit.Subject.choices[0][0],
        subject_name="Alex Analyst",
        entry=entry,
        matched_name="Alex Analist",
        score=0.91,
    )
    screening.DeniedParty.objects.create(
        kind=screening.DeniedParty.Kind.EMAIL_DOMAIN,
        email_domain="denied.example",
        reason="Listed.",
    )
    screening.DomainChallenge.objects.create(
        organization=cast.org,
        domain=cast.org.domain,
        token_hash="0" * 64,
        created_by=cast.applicant,
        expires_at=timezone.now() + timedelta(days=1),
    )


def _other_rows(cast):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    common = {"user_agent": "pytest", "ip_address": "127.0.0.1", "username": "x@example.org"}
    common.update(http_accept="*/*", path_info="/accounts/login/")
    AccessAttempt.objects.create(**common, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**common)
    AccessFailureLog.objects.create(**common, locked_out=False)
    endpoint = WebhookEndpoint.objects.create(
        name="Partner", url="https://hooks.example/in", event_types=[], owner_emails=""
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint, event_id=uuid.uuid4(), event_type="clearance.issued", payload={}
    )
    Notification.objects.get_or_create(
        dedupe_key="matrix-1",
        defaults={
            "template_key": "step_passed",
            "recipient_email": "x@example.org",
            "status": Notification.Status.FAILED,
        },
    )
    Job.objects.get_or_create(
        dedupe_key="matrix-job",
        defaults={"kind": "applications.start_review", "status": Job.Status.FAILED},
    )
    ConsistencyReport.objects.create(found={"applications.left_submitted": 0})
    if not PartnerListVersion.objects.exists():
        PartnerListVersion.objects.create(
            number=1, generated_at=timezone.now(), digest="0" * 64, entries=[]
        )


class World:
    """``clients[actor]`` and ``params`` (URL parameter -> value), plus ``admin_objects``
    (model -> the instance whose pk fills object_id under that model's admin)."""

    def __init__(self):
        cast = Cast()
        self.cast = cast
        superuser = make_user(is_superuser=True, is_staff=True)
        staff = make_user(is_staff=True)
        other = make_user()
        self.other_org = make_org(admin=other)

        self.ec_app = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
        self.approved = cast.walk_to(State.APPROVED)
        cast.walk_to(State.INFORMATION_REQUESTED)
        self.draft = cast.draft()
        self.clearance = Clearance.objects.get(application=self.approved)
        person = self.draft.personnel.first()
        evidence = self.draft.evidence.first()
        applied = policy_change_propose(
            actor=cast.government, gated_model_id=cast.model.pk, rationale="Fewer.", cap=99
        )
        second = make_user(role=Role.GOVERNMENT_OFFICIAL)
        policy_change_approve(actor=second, change_id=applied.pk)  # a PolicyVersion
        self.change = policy_change_propose(
            actor=cast.government, gated_model_id=cast.model.pk, rationale="Fewer.", cap=98
        )
        member = make_user()
        membership = Membership.objects.create(
            user=member, organization=cast.org, role=Membership.Role.MEMBER
        )
        invite_token = member_invite(
            actor=cast.applicant, organization_id=cast.org.pk, email="new@example.org"
        )
        invitation = Invitation.objects.filter(organization=cast.org).latest("pk")
        gateway_key_create(actor=cast.officer, name="Gateway", gated_model_ids=[cast.model.pk])
        _screening_rows(cast, self.ec_app)
        _other_rows(cast)
        unverified = make_user()
        WebAuthnCredential.objects.create(  # a passkey, for its admin pages
            user=cast.government,
            name="Passkey",
            credential_id=b"matrix-credential",
            public_key=b"matrix-public-key",
            aaguid="00000000-0000-0000-0000-000000000000",
        )

        users = {
            "export": cast.export,
            "sector": cast.sector,
            "government": cast.government,
            "officer": cast.officer,
            "auditor": cast.auditor,
            "superuser": superuser,
            "staff_no_group": staff,
        }
        self.clients = {name: verified_client(user) for name, user in users.items()}
        self.clients["applicant"] = _applicant_client(cast.applicant)
        self.clients["other_org"] = _applicant_client(other)
        self.clients["anonymous"] = Client()
        for client in self.clients.values():
            client.raise_request_exception = False

        self.params = {
            "pk": self.draft.pk,
            "org_id": cast.org.pk,
            "organization_id": cast.org.pk,
            "membership_id": membership.pk,
            "invitation_id": invitation.pk,
            "evidence_id": evidence.pk,
            "person_id": person.pk,
            "clearance_id": self.clearance.pk,
            "serial": self.clearance.serial,
            "key": "organization",
            "token": invite_token,
            "decision": "pass",
            "change": "suspend",
            "id": cast.applicant.pk,
            "content_type_id": ContentType.objects.get_for_model(Application).pk,
            "app_label": "applications",
            "url": "no-such-page/",
        }
        # Parameters whose meaning depends on the route.
        self.route_params = {
            "/accounts/verify/<str:token>/": {"token": verification_token(unverified)},
            "/accounts/reset/<uidb64>/<token>/": {
                "uidb64": urlsafe_base64_encode(force_bytes(cast.applicant.pk)),
                "token": default_token_generator.make_token(cast.applicant),
            },
            "/admin/r/<path:content_type_id>/<path:object_id>/": {"object_id": self.ec_app.pk},
            "/apply/evidence/<int:evidence_id>/": {"evidence_id": evidence.pk},
        }
        preferred = {
            Application: self.ec_app,
            Clearance: self.clearance,
            PolicyChange: self.change,
            type(cast.applicant): cast.applicant,
            type(cast.org): cast.org,
            Membership: membership,
            Invitation: invitation,
            InformationRequest: InformationRequest.objects.order_by("pk").first(),
            Notification: Notification.objects.get(dedupe_key="matrix-1"),  # a failed one
            Job: Job.objects.get(dedupe_key="matrix-job"),  # a dead one
        }
        self.admin_objects = {}
        for model in admin.site._registry:
            obj = preferred.get(model) or model._default_manager.order_by("pk").first()
            self.admin_objects[model] = obj
        self.missing = [m._meta.label for m, o in self.admin_objects.items() if o is None]
