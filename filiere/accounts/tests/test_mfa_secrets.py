"""Second-factor secrets are encrypted at rest and never shown, even to staff (ASVS 11.3.3)."""

from __future__ import annotations

import importlib

import pytest
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.apps import apps
from django.test import Client
from pytest_django.fixtures import Settings

from filiere.accounts.mfa_secrets import decrypt_secret, encrypt_secret, key_problem
from filiere.accounts.models import User
from filiere.testing.factories import TOTP_SECRET, make_user

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "filiere.accounts.migrations.0003_encrypt_second_factor_secrets"
)


def test_the_totp_secret_is_not_stored_in_clear(alice: User) -> None:
    """Seen: mfa_authenticator.data held the TOTP secret in clear."""
    stored = Authenticator.objects.get(user=alice, type=Authenticator.Type.TOTP).data["secret"]
    assert TOTP_SECRET not in stored
    assert decrypt_secret(stored) == TOTP_SECRET


def test_staff_do_not_see_the_secret_in_the_admin(alice: User) -> None:
    """Seen: the admin's authenticator form showed the secret to staff."""
    admin = make_user(email="admin@filiere.test", is_staff=True)
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    authenticator = Authenticator.objects.get(user=alice, type=Authenticator.Type.TOTP)
    client = Client()
    client.force_login(admin)
    page = client.get(f"/gestion/mfa/authenticator/{authenticator.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    assert str(alice) in content
    assert TOTP_SECRET not in content
    assert authenticator.data["secret"] not in content


def test_the_data_migration_encrypts_secrets_stored_in_clear_and_back(alice: User) -> None:
    bob = make_user(email="bob@hopital.test", second_factor=False)
    clear = Authenticator.objects.create(
        user=bob, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    migration.encrypt_secrets(apps, None)
    migration.encrypt_secrets(apps, None)  # a second run leaves encrypted values alone
    clear.refresh_from_db()
    assert clear.data["secret"].startswith("fernet:")
    assert decrypt_secret(clear.data["secret"]) == TOTP_SECRET
    migration.decrypt_secrets(apps, None)
    clear.refresh_from_db()
    assert clear.data["secret"] == TOTP_SECRET


def test_a_secret_stored_in_clear_is_refused() -> None:
    with pytest.raises(ValueError, match="unencrypted"):
        decrypt_secret(TOTP_SECRET)


def test_production_refuses_a_missing_key_and_debug_derives_one(settings: Settings) -> None:
    settings.MFA_ENCRYPTION_KEYS = []
    settings.DEBUG = False
    assert key_problem() == "MFA_ENCRYPTION_KEY is not set."
    settings.DEBUG = True
    assert key_problem() is None
    assert decrypt_secret(encrypt_secret("secret")) == "secret"
    settings.MFA_ENCRYPTION_KEYS = ["pas-une-cle"]
    assert key_problem() is not None


def test_keys_rotate_the_first_encrypts_all_decrypt(settings: Settings) -> None:
    old = settings.MFA_ENCRYPTION_KEYS[0]
    stored = encrypt_secret("secret")
    settings.MFA_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    assert decrypt_secret(stored) == "secret"
