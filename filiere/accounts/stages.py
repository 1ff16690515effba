"""allauth login stages: a Pro Santé Connect login is its own second factor."""

from __future__ import annotations

from typing import Any

from allauth.mfa.stages import AuthenticateStage as AllauthAuthenticateStage
from django.http import HttpRequest

from filiere.accounts.psc import PROVIDER_ID, PSC_ACR_STATE


def psc_acr_of_login(signal_kwargs: dict[str, Any] | None) -> str | None:
    """Return the checked `acr` when this login comes through Pro Santé Connect, else None.

    SocialAccountAdapter.pre_social_login stores it only after accepting the `acr` and `amr`.
    """
    sociallogin = (signal_kwargs or {}).get("sociallogin")
    if sociallogin is None or sociallogin.account.provider != PROVIDER_ID:
        return None
    acr = sociallogin.state.get(PSC_ACR_STATE)
    return acr if isinstance(acr, str) else None


class AuthenticateStage(AllauthAuthenticateStage):
    """allauth's TOTP challenge, skipped after a PSC login at eIDAS "substantiel": the CPS card
    with its PIN, or the e-CPS app, already is a second factor; asking for a TOTP code on top
    would add nothing but a reason to leave the TOTP enrolled on a shared phone."""

    def _should_handle(self, request: HttpRequest) -> bool:
        if psc_acr_of_login(self.login.signal_kwargs) is not None:
            return False
        return bool(super()._should_handle(request))
