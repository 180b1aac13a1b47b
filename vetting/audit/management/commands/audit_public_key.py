from django.core.management.base import BaseCommand

from vetting.audit.checkpoints import published_keys


class Command(BaseCommand):
    help = "Print the public key(s) that verify the audit checkpoints, to publish."

    def handle(self, *args, **options):
        for key in published_keys():
            note = "current" if key["current"] else "retired"
            self.stdout.write(f"{key['public_key']}  kid={key['kid']} ({note})")
