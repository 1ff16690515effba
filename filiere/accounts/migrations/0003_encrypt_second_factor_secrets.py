"""Encrypt the TOTP secrets and recovery-code seeds already stored in clear.

The encryption is written out here rather than imported (migrations never import app code); it
matches filiere/accounts/mfa_secrets.py.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import migrations

PREFIX = "fernet:"


def _fernet() -> MultiFernet:
    keys = [key.encode() for key in settings.MFA_ENCRYPTION_KEYS]
    if not keys:
        if not settings.DEBUG:
            raise ImproperlyConfigured("MFA_ENCRYPTION_KEY must be set when DEBUG is off.")
        digest = hashlib.sha256(b"filiere-mfa-secrets:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(digest)]
    return MultiFernet([Fernet(key) for key in keys])


def _encrypt(value: str, fernet: MultiFernet) -> str:
    if value.startswith(PREFIX):
        return value
    return PREFIX + fernet.encrypt(value.encode()).decode()


def _decrypt(value: str, fernet: MultiFernet) -> str:
    if not value.startswith(PREFIX):
        return value
    return fernet.decrypt(value.removeprefix(PREFIX).encode()).decode()


def _transform(apps: Any, change: Any) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    fernet = None
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]):
        fernet = fernet or _fernet()
        data = dict(authenticator.data)
        for field in ("secret", "seed"):
            if isinstance(data.get(field), str):
                data[field] = change(data[field], fernet)
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [change(code, fernet) for code in data["migrated_codes"]]
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def encrypt_secrets(apps: Any, schema_editor: Any) -> None:
    _transform(apps, _encrypt)


def decrypt_secrets(apps: Any, schema_editor: Any) -> None:
    _transform(apps, _decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_constraint_messages_in_french"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
