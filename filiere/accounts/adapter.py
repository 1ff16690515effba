"""How django-allauth behaves in Filière: closed sign-up, throttling, audited logins."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts.mfa_secrets import decrypt_secret, encrypt_secret
from filiere.accounts.middleware import PSC_SESSION_KEY, user_may_skip_second_factor
from filiere.accounts.models import User
from filiere.accounts.psc import (
    PROVIDER_ID,
    PSC_ACR_STATE,
    PscRefusal,
    check_assurance,
    rpps_from_claims,
)
from filiere.accounts.services import (
    api_tokens_revoke_all,
    email_address_verify,
    psc_identity_connect,
    psc_login_refuse,
)
from filiere.accounts.stages import psc_acr_of_login
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

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> Any:
        response = super().post_login(request, user, **kwargs)
        acr = psc_acr_of_login(kwargs.get("signal_kwargs"))
        if acr is not None:
            # Read by RequireSecondFactorMiddleware: this session's holder proved a second
            # factor through Pro Santé Connect, for this user only.
            request.session[PSC_SESSION_KEY] = {"user": user.pk, "acr": acr}
        return response

    def get_login_stages(self) -> list[str]:
        # allauth's second-factor challenge, except after a Pro Santé Connect login (stages.py).
        return [
            "filiere.accounts.stages.AuthenticateStage"
            if path == "allauth.mfa.stages.AuthenticateStage"
            else path
            for path in super().get_login_stages()
        ]

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


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Pro Santé Connect logs into existing accounts only, matched on the RPPS number."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # Never create an account from an identity provider: administrators create accounts.
        return False

    def validate_disconnect(self, account: Any, accounts: Any) -> None:
        # The link follows the RPPS and is checked at every login; removing it would be an
        # unaudited write for nothing: an administrator changes the account's RPPS instead.
        raise ValidationError(
            _("Le rattachement à Pro Santé Connect suit votre numéro RPPS : il ne se retire pas.")
        )

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Refuse the login unless PSC asserts a strong authentication and the RPPS of exactly
        one active account; link the PSC identity to that account on its first use."""
        if sociallogin.account.provider != PROVIDER_ID:
            raise self._refuse(request, None, "fournisseur d'identité inconnu")
        data = sociallogin.account.extra_data
        id_token = data.get("id_token") or {}
        userinfo = data.get("userinfo") or {}
        try:
            acr = check_assurance(
                id_token,
                accepted_acr=settings.PSC_ACCEPTED_ACR,
                accepted_amr=settings.PSC_ACCEPTED_AMR,
            )
            rpps = rpps_from_claims(userinfo, id_token)
        except PscRefusal as refusal:
            raise self._refuse(request, None, refusal.reason) from refusal
        matches = list(User.objects.filter(rpps=rpps, is_active=True)[:2])
        if len(matches) != 1:
            reason = "aucun compte actif" if not matches else "plusieurs comptes"
            raise self._refuse(request, None, f"{reason} avec le RPPS {rpps}")
        user = matches[0]
        if sociallogin.is_existing and sociallogin.user.pk != user.pk:
            # The identity was linked to an account whose RPPS has changed since.
            raise self._refuse(request, user, f"identité rattachée à un autre compte ({rpps})")
        connecting = sociallogin.state.get("process") == AuthProcess.CONNECT
        if connecting and request.user.pk != user.pk:
            raise self._refuse(request, user, f"RPPS {rpps} d'un autre compte que la session")
        if not sociallogin.is_existing:
            with client_ip(client_address(request)):
                psc_identity_connect(user=user, sociallogin=sociallogin, request=request)
        # Read by the login stages and post_login below: this login proved a second factor.
        sociallogin.state[PSC_ACR_STATE] = acr

    def _refuse(self, request: HttpRequest, user: User | None, reason: str) -> Exception:
        with client_ip(client_address(request)):
            psc_login_refuse(user=user, reason=reason)
        return ImmediateHttpResponse(render(request, "account/psc_refused.html", status=403))
