"""Clearance officers manage gateway keys in the admin; auditors read keys and the
published partner-list versions. The services check the role again."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Clearance officer": [
        "add_gatewaykey",
        "change_gatewaykey",
        "view_gatewaykey",
        "view_partnerlistversion",
    ],
    "Auditor": ["view_gatewaykey", "view_partnerlistversion"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("api")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="api", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="api"))


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("accounts", "0002_roles"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
