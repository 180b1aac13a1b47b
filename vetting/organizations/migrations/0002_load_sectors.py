"""Load the 16 US critical-infrastructure sectors (NSM-22 of 30 April 2024).

This migration carries its own copy of ``shared/reference/sectors.csv`` so the
app never reads files outside itself at run time. Later renames are new
migrations (or admin edits), not edits to these rows.
"""

from django.db import migrations

SECTORS = [
    ("chemical", "Chemical", ["DHS"]),
    ("commercial_facilities", "Commercial Facilities", ["DHS"]),
    ("communications", "Communications", ["DHS"]),
    ("critical_manufacturing", "Critical Manufacturing", ["DHS"]),
    ("dams", "Dams", ["DHS"]),
    ("defense_industrial_base", "Defense Industrial Base", ["DOD"]),
    ("emergency_services", "Emergency Services", ["DHS"]),
    ("energy", "Energy", ["DOE"]),
    ("financial_services", "Financial Services", ["Treasury"]),
    ("food_agriculture", "Food and Agriculture", ["USDA", "HHS"]),
    ("government_services_facilities", "Government Services and Facilities", ["DHS", "GSA"]),
    ("healthcare_public_health", "Healthcare and Public Health", ["HHS"]),
    ("information_technology", "Information Technology", ["DHS"]),
    ("nuclear", "Nuclear Reactors, Materials, and Waste", ["DHS"]),
    ("transportation_systems", "Transportation Systems", ["DHS", "DOT"]),
    ("water_wastewater", "Water and Wastewater Systems", ["EPA"]),
]


def load(apps, schema_editor):
    Sector = apps.get_model("organizations", "Sector")
    for slug, name, srma in SECTORS:
        Sector.objects.update_or_create(slug=slug, defaults={"name": name, "srma": srma})


def unload(apps, schema_editor):
    apps.get_model("organizations", "Sector").objects.filter(
        slug__in=[slug for slug, _, _ in SECTORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
