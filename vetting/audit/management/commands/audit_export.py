import sys

from django.core.management.base import BaseCommand

from vetting.audit.export import export_lines


class Command(BaseCommand):
    help = (
        "Write the audit trail as signed JSON lines for auditors; verify it anywhere with "
        "`python vetting/audit_verifier.py FILE --key <public key>`."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="file to write, or - for standard output")

    def handle(self, *args, **options):
        if options["output"] == "-":
            sys.stdout.writelines(export_lines())
            return
        with open(options["output"], "w", encoding="utf-8") as handle:
            handle.writelines(export_lines())
        self.stderr.write(f"Wrote {options['output']}")
