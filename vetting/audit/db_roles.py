"""The application's database role on PostgreSQL: it does not own the tables.

Migrations run as the owner role; the web, worker and beat processes connect as the
application role (``DATABASE_APP_ROLE``), which after every ``migrate`` is granted
exactly what the application needs: read and write on its tables and sequences, but on
the audit trail only SELECT and INSERT (and UPDATE of the chain head, which its trigger
lets move only forward). It has no TRUNCATE anywhere, and since it owns nothing it
cannot ALTER a table or switch a trigger off.
"""

from contextlib import contextmanager

import dj_database_url
from django.conf import settings
from django.db import connections
from psycopg import sql

APPEND_ONLY = ("audit_auditevent",)
FORWARD_ONLY = ("audit_auditchainhead",)


def grant_app_role(role: str, using: str = "default") -> None:
    connection = connections[using]
    name = sql.Identifier(role)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(name),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            name
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(name),
    ]
    for table in APPEND_ONLY:
        statements.append(
            sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(sql.Identifier(table), name)
        )
    for table in FORWARD_ONLY:
        statements.append(
            sql.SQL("REVOKE DELETE ON {} FROM {}").format(sql.Identifier(table), name)
        )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.as_string(cursor.connection))


def grant_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: keep the application role's grants in step with the tables."""
    role = settings.DATABASE_APP_ROLE
    if role and connections[using].vendor == "postgresql":
        grant_app_role(role, using)


@contextmanager
def as_owner(using: str = "default"):
    """Run the block on ``using`` connected as the tables' owner (DATABASE_OWNER_URL),
    then reconnect as before. Without an owner URL, or on SQLite, nothing changes."""
    connection = connections[using]
    if not settings.DATABASE_OWNER_URL or connection.vendor != "postgresql":
        yield
        return
    owner = dj_database_url.parse(settings.DATABASE_OWNER_URL)
    saved = {key: connection.settings_dict[key] for key in ("USER", "PASSWORD")}
    connection.close()
    connection.settings_dict.update(USER=owner["USER"], PASSWORD=owner["PASSWORD"])
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)
