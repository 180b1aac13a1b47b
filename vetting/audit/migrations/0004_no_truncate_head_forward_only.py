"""On PostgreSQL: the audit tables cannot be truncated, and the chain head only moves
forward, one event at a time, to the newest event's hash.

The table owner can still switch these triggers off (the application role cannot: it
does not own the tables); the signed checkpoints catch what such an owner does.
``manage.py flush`` (which test runs use between transactional tests) may truncate when
it runs as the owner: it sets ``vetting.audit_flush`` for its session, which the trigger
honours only for a role that owns the table.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('vetting.audit_flush', true) = 'on' AND pg_has_role(
        current_user,
        (SELECT c.relowner FROM pg_class c WHERE c.oid = TG_RELID),
        'MEMBER'
    ) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit trail cannot be truncated (% on % refused)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate();
CREATE TRIGGER audit_head_no_truncate
    BEFORE TRUNCATE ON audit_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate();

CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit chain head cannot be deleted';
    END IF;
    IF NEW.count <> OLD.count + 1 OR NEW.last_hash IS DISTINCT FROM (
        SELECT e.hash FROM audit_auditevent e ORDER BY e.id DESC LIMIT 1
    ) THEN
        RAISE EXCEPTION 'the audit chain head only moves forward to the newest event (% -> % refused)',
            OLD.count, NEW.count;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_head_forward_only
    BEFORE UPDATE OR DELETE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_auditchainhead;
DROP FUNCTION IF EXISTS audit_head_forward_only();
DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_auditchainhead;
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_no_truncate();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # the SQL holds literal %


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_request_id")]
    operations = [migrations.RunPython(create, drop)]
