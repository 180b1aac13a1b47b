from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vetting.screening.importers import ListFormatError
from vetting.screening.lists import list_import


class Command(BaseCommand):
    help = "Import a restricted-party list file (CSL CSV or Treasury sdn.csv) as a new version."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["csl", "sdn"], required=True)

    def handle(self, *args, file, format, **options):  # noqa: A002 (the option's name)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            version, created = list_import(
                actor=None, data=path.read_bytes(), fmt=format, filename=path.name
            )
        except ListFormatError as exc:
            raise CommandError(f"{path.name}: {exc} (nothing was imported)") from exc
        if created:
            self.stdout.write(
                f"Imported {path.name}: version {version.pk}, "
                f"{version.rows} entries. Re-screening is queued."
            )
        else:
            self.stdout.write(
                f"{path.name} was already imported as version {version.pk}, "
                f"{version.rows} entries; nothing changed."
            )
