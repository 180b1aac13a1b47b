"""Re-encrypt every encrypted field (webhook signing secrets) with the first key of
FIELD_ENCRYPTION_KEYS; afterwards the other keys can be dropped (vetting.encryption)."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from vetting.encryption import EncryptedTextField


class Command(BaseCommand):
    help = "Re-encrypt stored secrets with the first FIELD_ENCRYPTION_KEYS key."

    def handle(self, *args, **options):
        for model in apps.get_models():
            fields = [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            count = 0
            with transaction.atomic():
                # Reading decrypts with any listed key; the update encrypts with the first.
                for row in model._base_manager.select_for_update().only("pk", *fields):
                    values = {name: getattr(row, name) for name in fields}
                    model._base_manager.filter(pk=row.pk).update(**values)
                    count += 1
            self.stdout.write(f"{model._meta.label}: {count} row(s) re-encrypted")
