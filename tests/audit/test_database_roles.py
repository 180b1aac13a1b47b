"""The application's PostgreSQL role (vetting.audit.db_roles) cannot do what the tamper
tests do as the owner: no TRUNCATE, no UPDATE or DELETE of audit rows, no switching a
trigger off, no moving the chain head back. It still appends events as the services do."""

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from psycopg import sql

from vetting.audit.db_roles import as_owner, grant_app_role
from vetting.audit.models import AuditChainHead, AuditEvent
from vetting.audit.services import audit_record

# The suite's own application role when it runs as one (`.ci/run`), else one made here.
ROLE = settings.DATABASE_APP_ROLE or "vetting_app_test"
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def app_role(cast):
    with transaction.atomic():
        audit_record(actor=cast.officer, action="organization.noted", obj=cast.org)
    with as_owner():
        if not settings.DATABASE_APP_ROLE:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') "
                    f"THEN CREATE ROLE {ROLE} LOGIN; END IF; END $$"
                )
        grant_app_role(ROLE)
    s = connection.settings_dict
    conn = psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=ROLE,
        dbname=s["NAME"],
        autocommit=True,
    )
    yield conn
    conn.close()
    if settings.DATABASE_APP_ROLE:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP OWNED BY {}").format(sql.Identifier(ROLE)).as_string(cursor.connection)
        )


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("TRUNCATE audit_auditevent CASCADE", "permission denied"),
        ("TRUNCATE audit_auditchainhead", "permission denied"),
        ("UPDATE audit_auditevent SET action = 'forged'", "permission denied"),
        ("DELETE FROM audit_auditevent", "permission denied"),
        ("DELETE FROM audit_auditchainhead", "permission denied"),
        ("UPDATE audit_auditchainhead SET count = count - 1", "only moves forward"),
        (
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
            "must be owner",
        ),
        ("ALTER TABLE audit_auditchainhead DISABLE TRIGGER USER", "must be owner"),
        ("TRUNCATE organizations_organization CASCADE", "permission denied"),
    ],
)
def test_the_application_role_cannot_rewrite_the_trail(app_role, statement, refusal):
    with pytest.raises(psycopg.Error, match=refusal):
        app_role.execute(statement)
    assert AuditEvent.objects.count() == AuditChainHead.objects.get().count


def test_the_application_role_reads_and_writes_its_tables_and_appends_events(app_role):
    head = AuditChainHead.objects.get()
    assert app_role.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] == head.count
    app_role.execute("UPDATE organizations_organization SET legal_name = legal_name")
    app_role.execute(
        "INSERT INTO audit_auditevent (occurred_at, actor_label, action, object_type, "
        "object_id, before_state, after_state, data, request_id, prev_hash, hash) "
        "VALUES (now(), 'system', 'x.y', 'a.b', '1', '', '', '{}', '', %s, %s)",
        [head.last_hash, "e" * 64],
    )
    app_role.execute(
        "UPDATE audit_auditchainhead SET count = count + 1, last_hash = %s", ["e" * 64]
    )


def test_migrate_grants_the_configured_role(settings, app_role):
    app_role.execute("SELECT 1")
    with as_owner(), connection.cursor() as cursor:
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {ROLE}")
    with pytest.raises(psycopg.Error, match="permission denied"):
        app_role.execute("SELECT count(*) FROM audit_auditevent")
    settings.DATABASE_APP_ROLE = ROLE
    with as_owner():
        call_command("migrate", verbosity=0)
    assert app_role.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] >= 1
