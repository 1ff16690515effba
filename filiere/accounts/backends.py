"""Logging in by e-mail: only with an address that is the account's, or verified."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.models import EmailAddress
from django.contrib.auth.base_user import AbstractBaseUser


class VerifiedEmailBackend(AuthenticationBackend):
    """allauth's backend, refusing an address added to an account but never verified.

    Without this, an address typed on /accounts/email/ (by the owner or by whoever holds the
    session) opened the account at once, before anyone had proved they read its mail.
    """

    def _authenticate_by_email(self, email: str, password: str) -> AbstractBaseUser | None:
        user = super()._authenticate_by_email(email, password)
        return user if user is not None and address_opens(user, email) else None


def address_opens(user: Any, email: str) -> bool:
    """Whether ``email`` may log into (or reset the password of) ``user``'s account.

    The account's own address, or another address its owner has verified.
    """
    if str(user.email).lower() == email.lower():
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
