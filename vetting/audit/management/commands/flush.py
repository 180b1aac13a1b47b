"""Django's ``flush``, able to empty the audit tables when run as their owner.

On PostgreSQL the audit tables refuse TRUNCATE (migration audit 0004) unless the
session sets ``vetting.audit_flush`` and its role owns them; this sets it for the run.
The application role, which does not own the tables, is still refused.
"""

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "postgresql":
            return super().handle(**options)
        with connection.cursor() as cursor:
            cursor.execute("SET vetting.audit_flush = 'on'")
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET vetting.audit_flush")
