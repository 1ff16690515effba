"""How django-allauth behaves in Filière: closed sign-up, throttling, audited logins."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts.mfa_secrets import decrypt_secret, encrypt_secret
from filiere.accounts.middleware import user_may_skip_second_factor
from filiere.accounts.models import User
from filiere.accounts.services import api_tokens_revoke_all, email_address_verify
from filiere.audit.context import client_ip
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.client_address import client_address
from filiere.core.middleware import SESSION_STARTED_AT


class AccountAdapter(DefaultAccountAdapter):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        minutes = int(settings.LOGIN_FAILURE_WINDOW.total_seconds() // 60)
        messages: dict[str, Any] = dict(DefaultAccountAdapter.error_messages)
        self.error_messages = {
            **messages,
            "too_many_login_attempts": _(
                "Trop de tentatives de connexion échouées : la connexion est bloquée pendant "
                "%(minutes)s minutes. Attendez, ou choisissez « Mot de passe oublié ? » pour la "
                "débloquer tout de suite."
            )
            % {"minutes": minutes},
        }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created by the network's administrators, never by sign-up.
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        address = client_address(request)
        if address is None:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # The per-account count ("key" in ACCOUNT_RATE_LIMITS) is keyed on the login alone, so
        # guesses spread over many addresses add up; a password reset clears it.
        return str(credentials.get("email", "")).lower()

    def login(self, request: HttpRequest, user: Any) -> None:
        super().login(request, user)
        request.session[SESSION_STARTED_AT] = timezone.now().isoformat()
        with client_ip(self.get_client_ip(request)):
            audit_record(actor=user, action=AuditEvent.Action.LOGIN, obj=user)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        email = str(credentials.get("email", "")).lower()
        user = User.objects.filter(email=email).first()
        with client_ip(self.get_client_ip(request)):
            audit_record(
                actor=None,
                action=AuditEvent.Action.LOGIN_FAILED,
                object_type="accounts.user",
                object_id=str(user.public_id) if user else "",
                summary="Mot de passe refusé" if user else "Compte inconnu",
            )

    def set_password(self, user: Any, password: str) -> None:
        # Both the password change and the reset flows come through here: a password thought
        # compromised must not leave a token minted with it working for 30 more days.
        with transaction.atomic():
            super().set_password(user, password)
            api_tokens_revoke_all(actor=user, user=user, reason="mot de passe changé")

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        # Verifying never changes the account's address: making it so is a separate, audited
        # step on /accounts/email/ (allauth would also make it primary when none is).
        with client_ip(self.get_client_ip(request)):
            email_address_verify(address=email_address)
        self.add_message(
            request,
            messages.SUCCESS,
            "account/messages/email_confirmed.txt",
            {"email": email_address.email},
        )
        return True

    def logout(self, request: HttpRequest) -> None:
        user = request.user if request.user.is_authenticated else None
        if user is not None:
            with client_ip(self.get_client_ip(request)):
                audit_record(actor=user, action=AuditEvent.Action.LOGOUT, obj=user)
        super().logout(request)


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_issuer(self) -> str:
        return str(settings.MFA_TOTP_ISSUER)

    def is_mfa_enabled(self, user: Any, types: Any = None) -> bool:
        # On a DEBUG instance the demo accounts log in with their password alone.
        if user_may_skip_second_factor(user):
            return False
        return bool(super().is_mfa_enabled(user, types))

    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # The second factor is mandatory: the authenticator app can be replaced by an
        # administrator, not removed by its owner.
        return authenticator.type != Authenticator.Type.TOTP
