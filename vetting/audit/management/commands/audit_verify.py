from django.core.management.base import BaseCommand, CommandError

from vetting import audit_verifier as trail
from vetting.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain against the signed checkpoints (the local "
        "log and any --checkpoints copy); exits 1 naming what is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            action="append",
            default=[],
            metavar="FILE_OR_URL",
            help="another copy of the checkpoint log, e.g. an outside party's (repeatable)",
        )
        parser.add_argument("--api-key", help="auditor API key for a --checkpoints URL")

    def handle(self, *args, **options):
        try:
            logs = [
                (src, list(trail.read_jsonl(trail.open_source(src, options["api_key"]), src)))
                for src in options["checkpoints"]
            ]
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read checkpoints: {exc}") from exc
        report = audit_verify_chain(logs)
        if report.ok:
            pinned = report.checkpoint
            against = (
                f"held to checkpoint #{pinned['seq']} of {pinned['at']} ({pinned['count']} events)"
                if pinned
                else "no signed checkpoint yet (truncation and re-hashing are not detectable)"
            )
            self.stdout.write(f"OK: {report.count} audit events, chain intact; {against}")
            return
        raise CommandError(
            f"BROKEN at {report.location} after {report.count} valid events: {report.problem}"
        )
