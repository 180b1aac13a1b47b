from django.core.management.base import BaseCommand

from vetting.audit.checkpoints import log_path, write_checkpoint


class Command(BaseCommand):
    help = "Sign the audit chain as it stands into the checkpoint log now (beat does it too)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="even if nothing changed")

    def handle(self, *args, **options):
        checkpoint = write_checkpoint(force=options["force"])
        if checkpoint is None:
            self.stdout.write(f"No new events since the last checkpoint in {log_path()}.")
            return
        self.stdout.write(
            f"Checkpoint #{checkpoint['seq']}: {checkpoint['count']} events, "
            f"last {checkpoint['last_hash']}, appended to {log_path()}"
        )
