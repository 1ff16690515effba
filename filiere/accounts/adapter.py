"""How django-allauth behaves in Filière: closed sign-up, throttling, audited logins."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from django.utils import timezone

from filiere.accounts.middleware import user_may_skip_second_factor
from filiere.accounts.models import User
from filiere.audit.context import client_ip
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.middleware import SESSION_STARTED_AT


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created by the network's administrators, never by sign-up.
        return False

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # Failed attempts are counted per (account, client address): someone guessing a
        # colleague's password from elsewhere cannot lock that colleague out of their own desk.
        login = str(credentials.get("email", "")).lower()
        return f"{login}@{self.get_client_ip(request)}"

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

    def logout(self, request: HttpRequest) -> None:
        user = request.user if request.user.is_authenticated else None
        if user is not None:
            with client_ip(self.get_client_ip(request)):
                audit_record(actor=user, action=AuditEvent.Action.LOGOUT, obj=user)
        super().logout(request)


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_issuer(self) -> str:
        from django.conf import settings

        return str(settings.MFA_TOTP_ISSUER)

    def is_mfa_enabled(self, user: Any, types: Any = None) -> bool:
        # On a DEBUG instance the demo accounts log in with their password alone.
        if user_may_skip_second_factor(user):
            return False
        return bool(super().is_mfa_enabled(user, types))

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # The second factor is mandatory: the authenticator app can be replaced by an
        # administrator, not removed by its owner.
        return authenticator.type != Authenticator.Type.TOTP
