"""Clearance officers see background jobs, emails and webhook deliveries in the
console (and re-drive dead ones, checked again by the services); auditors see jobs
and consistency reports. The email pages withhold links (notifications/admin.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Clearance officer": [
        ("outbox", "view_job"),
        ("outbox", "view_consistencyreport"),
        ("notifications", "view_notification"),
        ("webhooks", "view_webhookdelivery"),
        ("webhooks", "view_webhookattempt"),
    ],
    "Auditor": [("outbox", "view_job"), ("outbox", "view_consistencyreport")],
}


def _permissions(apps, pairs):
    Permission = apps.get_model("auth", "Permission")
    for app_label, codename in pairs:
        yield Permission.objects.get(content_type__app_label=app_label, codename=codename)


def grant(apps, schema_editor):
    for label in ("outbox", "notifications", "webhooks"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, pairs in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, pairs))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, pairs in GRANTS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(*_permissions(apps, pairs))


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
        ("accounts", "0002_roles"),
        ("notifications", "0001_initial"),
        ("webhooks", "0001_initial"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
