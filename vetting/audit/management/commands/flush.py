"""Django's ``flush``, run as the tables' owner and able to empty the audit tables.

The application role has no TRUNCATE (vetting.audit.db_roles): with
``DATABASE_OWNER_URL`` set, the flush connects as the owner. On PostgreSQL the audit
tables refuse TRUNCATE (migration audit 0004) unless the session sets
``vetting.audit_flush`` and its role owns them; this sets it for the run.
"""

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from vetting.audit.db_roles import as_owner


class Command(flush.Command):
    def handle(self, **options):
        using = options.get("database") or DEFAULT_DB_ALIAS
        connection = connections[using]
        if connection.vendor != "postgresql":
            return super().handle(**options)
        with as_owner(using):
            with connection.cursor() as cursor:
                cursor.execute("SET vetting.audit_flush = 'on'")
            try:
                return super().handle(**options)
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("RESET vetting.audit_flush")
