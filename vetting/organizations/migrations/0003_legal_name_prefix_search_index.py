"""On PostgreSQL, an index for the console's prefix search on organization names.

The admin's ``^legal_name`` search becomes ``UPPER(legal_name::text) LIKE 'X%'``;
this expression index with text_pattern_ops lets PostgreSQL answer it without a
scan, whatever the database's collation. SQLite has no such operator class (and
needs none at the embedded default's size), so nothing happens there.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS organization_upper_name_prefix ON organizations_organization "
    "(UPPER(legal_name::text) text_pattern_ops)"
)
DROP = "DROP INDEX IF EXISTS organization_upper_name_prefix"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0002_load_sectors")]
    operations = [migrations.RunPython(create, drop)]
