from django.core.management.base import BaseCommand, CommandError

from vetting.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; exits non-zero if it is broken."

    def handle(self, *args, **options):
        report = audit_verify_chain()
        if report.ok:
            self.stdout.write(f"OK: {report.count} audit events, chain intact")
            return
        where = f"event #{report.broken_event_id}" if report.broken_event_id else "chain head"
        raise CommandError(f"BROKEN at {where} after {report.count} valid events: {report.problem}")
