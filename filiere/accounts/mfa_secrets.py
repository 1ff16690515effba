"""Encryption at rest of second-factor secrets: the TOTP key and the recovery-code seed.

A copy of the database (a backup, a replica, an admin page) must not be enough to generate a
user's codes. Fernet (AES-128-CBC with HMAC-SHA256) from ``cryptography``; several keys may be
configured to rotate them: the first encrypts, every one decrypts.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Marks a stored value as encrypted, so that a clear one is never taken for a secret.
PREFIX = "fernet:"


def _keys() -> list[bytes]:
    keys = [key.encode() for key in settings.MFA_ENCRYPTION_KEYS]
    if keys:
        return keys
    if not settings.DEBUG:
        raise ImproperlyConfigured("MFA_ENCRYPTION_KEY must be set when DEBUG is off.")
    # A demo instance works without configuration; its key follows its SECRET_KEY.
    digest = hashlib.sha256(b"filiere-mfa-secrets:" + settings.SECRET_KEY.encode()).digest()
    return [base64.urlsafe_b64encode(digest)]


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _keys()])


def encrypt_secret(text: str) -> str:
    """Return ``text`` encrypted with the current key, ready to be stored."""
    return PREFIX + _fernet().encrypt(text.encode()).decode()


def decrypt_secret(stored: str) -> str:
    """Return the clear secret of a stored value; refuse a value that was not encrypted."""
    if not stored.startswith(PREFIX):
        raise ValueError("A second-factor secret is stored unencrypted.")
    return _fernet().decrypt(stored.removeprefix(PREFIX).encode()).decode()


def key_problem() -> str | None:
    """Say what is wrong with the configured keys, or None when they can be used."""
    if not settings.MFA_ENCRYPTION_KEYS:
        return None if settings.DEBUG else "MFA_ENCRYPTION_KEY is not set."
    try:
        _fernet()
    except ValueError:
        return "MFA_ENCRYPTION_KEY is not a Fernet key (32 bytes in URL-safe base64)."
    return None
