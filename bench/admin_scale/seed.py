"""Fast seeding for the admin scale benchmark: bulk_create, a few statements per batch.

The rows are shaped like a long-running system (most applications closed, a few
thousand waiting) but are not produced by the services: this measures the
console's pages, not the domain rules.
"""

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.utils import timezone

BATCH = 5_000
STATES = [
    ("draft", 5),
    ("export_control_review", 3),
    ("sector_review", 3),
    ("government_review", 2),
    ("information_requested", 2),
    ("approved", 40),
    ("rejected", 35),
    ("withdrawn", 10),
]
PAST_EXPORT = {"sector_review", "government_review", "approved"}


def make_world():
    from django.contrib.auth.models import Group

    from tests.factories import make_model
    from vetting.accounts.models import User
    from vetting.accounts.roles import Role
    from vetting.organizations.models import Organization, Sector

    reviewer = User.objects.create_user("bench-sector@example.org", "bench-password-123")
    reviewer.is_staff = True
    # A fixed salt, so the session's password hash matches in both databases.
    reviewer.password = make_password("bench-password-123", salt="admin-scale-bench")
    reviewer.save()
    reviewer.groups.add(Group.objects.get(name=Role.SECTOR_REVIEWER.value))
    decider = User.objects.create_user(
        "bench-export@example.org", "bench-password-123", is_staff=True
    )
    orgs = Organization.objects.bulk_create(
        Organization(
            legal_name=f"Utility {n:04d} Inc.",
            domain=f"utility{n}.example",
            kind=Organization.Kind.PRIVATE_COMPANY,
        )
        for n in range(1_000)
    )
    models = [make_model(), make_model(), make_model()]
    return {
        "reviewer": reviewer,
        "decider": decider,
        "orgs": orgs,
        "models": models,
        "sectors": list(Sector.objects.all()),
        "rng": random.Random(4),
    }


def add_applications(world, count, *, start):
    from vetting.applications.models import Application, ReviewDecision
    from vetting.clearances.models import Clearance

    rng = world["rng"]
    states = [s for s, weight in STATES for _ in range(weight)]
    now = timezone.now()
    for offset in range(0, count, BATCH):
        apps = Application.objects.bulk_create(
            Application(
                organization=rng.choice(world["orgs"]),
                gated_model=rng.choice(world["models"]),
                sector=rng.choice(world["sectors"]),
                state=rng.choice(states),
                use_case="Defend the grid.",
                requested_seats=5,
                terms_accepted=True,
            )
            for _ in range(min(BATCH, count - offset))
        )
        ReviewDecision.objects.bulk_create(
            ReviewDecision(
                application=a,
                step="export_control",
                reviewer=world["decider"],
                outcome="passed",
                decided_at=now - timedelta(minutes=a.pk % 5000),
            )
            for a in apps
            if a.state in PAST_EXPORT
        )
        held = Clearance.objects.count()
        approved = [a for a in apps if a.state == "approved"][: max(0, 250 - held)]
        Clearance.objects.bulk_create(
            Clearance(
                serial=f"CLR-BENCH-{a.pk}",
                organization_id=a.organization_id,
                gated_model_id=a.gated_model_id,
                application=a,
                sector_id=a.sector_id,
                issued_at=now,
                expires_at=now + timedelta(days=a.pk % 365),
                seats=5,
                state_changed_at=now,
            )
            for a in approved
        )
    # auto_now_add stamped every row "now"; spread them over the last 90 days.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE applications_application SET state_changed_at = now() - "
            "((id * 7919) %% 129600) * interval '1 minute' WHERE id > %s",
            [start],
        )
        cursor.execute("ANALYZE")


def sign_in(user):
    """A client with a password-and-TOTP session, and that session's row."""
    from django.contrib.sessions.models import Session
    from django_otp import DEVICE_ID_SESSION_KEY

    from vetting.accounts.mfa import ensure_totp_device

    device = ensure_totp_device(user, "00" * 20)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client, Session.objects.get(session_key=session.session_key)


def copy_session(user, session):
    """The same session in the second database (same user and device ids there)."""
    from django.contrib.sessions.models import Session

    from vetting.accounts.mfa import ensure_totp_device

    ensure_totp_device(user, "00" * 20)
    Session.objects.create(
        session_key=session.session_key,
        session_data=session.session_data,
        expire_date=session.expire_date,
    )
