"""Give the reviewer roles their screening permissions (what they see in the console;
the services check again what each may do)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SEE = [
    "screening.view_listversion",
    "screening.view_listentry",
    "screening.view_screeninghit",
    "screening.view_screeningrun",
    "screening.view_deniedparty",
]
ROLES = {
    "Export-control reviewer": SEE
    + ["screening.change_screeninghit", "screening.add_deniedparty", "screening.add_listversion"],
    "Clearance officer": SEE
    + ["screening.change_screeninghit", "screening.add_deniedparty", "screening.add_listversion"],
    "Sector reviewer": ["screening.view_domainchallenge", "screening.view_deniedparty"],
    "Government official": SEE,
    "Auditor": [*SEE, "screening.view_domainchallenge"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("screening")
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


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="screening").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0001_initial"),
        ("accounts", "0002_roles"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
