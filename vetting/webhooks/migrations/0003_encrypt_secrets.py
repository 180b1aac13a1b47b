"""Webhook signing secrets are stored encrypted (vetting.encryption): widen the
column, then encrypt every secret still stored in plain text."""

from cryptography.fernet import InvalidToken
from django.db import migrations

import vetting.encryption
import vetting.webhooks.models


def encrypt_plain_secrets(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, secret FROM webhooks_webhookendpoint")
        rows = cursor.fetchall()
        fernet = vetting.encryption.fernet() if rows else None  # no key needed for none
        for pk, stored in rows:
            try:
                fernet.decrypt(stored.encode())
                continue  # already a token
            except InvalidToken:
                token = fernet.encrypt(stored.encode()).decode()
            cursor.execute(
                "UPDATE webhooks_webhookendpoint SET secret = %s WHERE id = %s", [token, pk]
            )


def decrypt_secrets(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, secret FROM webhooks_webhookendpoint")
        rows = cursor.fetchall()
        fernet = vetting.encryption.fernet() if rows else None
        for pk, stored in rows:
            plain = fernet.decrypt(stored.encode()).decode()
            cursor.execute(
                "UPDATE webhooks_webhookendpoint SET secret = %s WHERE id = %s", [plain, pk]
            )


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0002_change_history")]

    operations = [
        migrations.AlterField(
            model_name="webhookendpoint",
            name="secret",
            field=vetting.encryption.EncryptedTextField(
                default=vetting.webhooks.models.new_secret,
                help_text="Shared with the receiver; it verifies the Vetting-Signature "
                "header with it.",
            ),
        ),
        migrations.RunPython(encrypt_plain_secrets, decrypt_secrets),
    ]
