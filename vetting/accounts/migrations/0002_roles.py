"""Create the reviewer roles as groups with model permissions.

Permissions decide what each role sees in the admin; what each role may *do*
(decide a step, revoke, suspend a model) is checked again by the services.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_CASE = [
    "organizations.view_organization",
    "organizations.view_membership",
    "organizations.view_sector",
    "gated_models.view_gatedmodel",
    "applications.view_application",
    "applications.view_personneldeclaration",
    "applications.view_reviewdecision",
    "applications.view_informationrequest",
    "clearances.view_clearance",
]
ROLES = {
    "Export-control reviewer": VIEW_CASE + ["applications.view_citizenship"],
    "Sector reviewer": VIEW_CASE,
    "Government official": VIEW_CASE,
    "Clearance officer": VIEW_CASE
    + [
        "clearances.change_clearance",
        "gated_models.change_gatedmodel",
    ],
    "Auditor": VIEW_CASE
    + [
        "applications.view_citizenship",
        "audit.view_auditevent",
        "notifications.view_notification",
        "accounts.view_user",
    ],
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in perms:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("organizations", "0002_load_sectors"),
        ("gated_models", "0001_initial"),
        ("applications", "0001_initial"),
        ("clearances", "0001_initial"),
        ("audit", "0002_append_only_trigger"),
        ("notifications", "0001_initial"),
    ]
    operations = [migrations.RunPython(create_roles, drop_roles)]
