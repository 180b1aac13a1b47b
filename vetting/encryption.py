"""Secrets at rest: a model field the database holds only as a Fernet token.

``FIELD_ENCRYPTION_KEYS`` lists Fernet keys, comma-separated (make one with
``python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'``).
The first key encrypts; every key listed decrypts (``MultiFernet``). To rotate:
put a new key first, run ``manage.py rotate_field_encryption`` (re-encrypts every
stored value with it), then drop the old key. Without the variable, development
derives a key from SECRET_KEY; production refuses to use it (and ``check --deploy``
says so), so a copy of the database alone never yields a webhook signing secret.

Lookups on an encrypted field match nothing (every token differs): never filter on it.
"""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def configured_keys() -> tuple[str, ...]:
    return tuple(k.strip() for k in settings.FIELD_ENCRYPTION_KEYS if k.strip())


def keys() -> tuple[str, ...]:
    configured = configured_keys()
    if configured:
        return configured
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set: production keeps no secret it cannot encrypt."
        )
    seed = hashlib.sha256(b"vetting field encryption\0" + settings.SECRET_KEY.encode()).digest()
    return (base64.urlsafe_b64encode(seed).decode(),)


@cache
def _fernet(key_list: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in key_list])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(keys())


class EncryptedTextField(models.TextField):
    """Plain text in Python, a Fernet token in the database."""

    description = "Text stored encrypted (Fernet)"

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        try:
            return fernet().decrypt(value.encode()).decode()
        except InvalidToken as exc:
            raise ImproperlyConfigured(
                f"{self.model._meta.label}.{self.name} cannot be decrypted with "
                "FIELD_ENCRYPTION_KEYS (was a key dropped before rotate_field_encryption?)"
            ) from exc

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return fernet().encrypt(value.encode()).decode()


@checks.register(checks.Tags.security, deploy=True)
def check_encryption_keys(app_configs=None, **kwargs):
    if not settings.PRODUCTION:
        return []
    if not configured_keys():
        return [
            checks.Error(
                "FIELD_ENCRYPTION_KEYS is not set.",
                hint="Webhook signing secrets are stored encrypted with it; see "
                "vetting/encryption.py to make a key.",
                id="vetting.E101",
            )
        ]
    try:
        fernet()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="vetting.E102")]
    return []
