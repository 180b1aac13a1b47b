from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vetting.screening.importers import ListFormatError
from vetting.screening.lists import list_import


class Command(BaseCommand):
    help = (
        "Import a restricted-party list file (CSL CSV or Treasury sdn.csv, optionally "
        "with its alt.csv and add.csv) as a new version."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["csl", "sdn"], required=True)
        parser.add_argument("--alt", metavar="FILE", help="OFAC's alt.csv (with --format sdn)")
        parser.add_argument("--add", metavar="FILE", help="OFAC's add.csv (with --format sdn)")

    def handle(self, *args, file, format, alt=None, add=None, **options):  # noqa: A002 (the option's name)
        companions = {"alt": alt, "add": add}
        given = [f"--{role}" for role, name in companions.items() if name]
        if given and format != "sdn":
            raise CommandError(f"{' and '.join(given)} go only with --format sdn (OFAC's CSV set)")
        path = _existing(file)
        blobs = {role: _existing(name).read_bytes() for role, name in companions.items() if name}
        try:
            version, created = list_import(
                actor=None, data=path.read_bytes(), fmt=format, filename=path.name, **blobs
            )
        except ListFormatError as exc:
            where = "" if exc.file else f"{path.name}: "
            raise CommandError(f"{where}{exc} (nothing was imported)") from exc
        names = " + ".join([path.name, *(Path(companions[role]).name for role in blobs)])
        if created:
            self.stdout.write(
                f"Imported {names}: version {version.pk}, "
                f"{version.rows} entries. Re-screening is queued."
            )
        else:
            self.stdout.write(
                f"{names} was already imported as version {version.pk}, "
                f"{version.rows} entries; nothing changed."
            )


def _existing(name: str) -> Path:
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"{name}: no such file")
    return path
