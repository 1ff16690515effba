"""Every account needs a second factor before it can use the application."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a user without a second factor may still reach: enrolling one, logging out, assets.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/favicon.ico")
# Session key set after a Pro Santé Connect login (accounts/adapter.py): {"user": pk, "acr": …}.
PSC_SESSION_KEY = "filiere_psc_login"


def user_may_skip_second_factor(user: object) -> bool:
    """Demo accounts may log in without a second factor, and only on a DEBUG instance."""
    return bool(getattr(user, "is_demo", False) and settings.DEBUG)


def session_proved_psc(request: HttpRequest) -> bool:
    """Return True when this session was opened by a Pro Santé Connect login of its user."""
    marker = request.session.get(PSC_SESSION_KEY)
    return isinstance(marker, dict) and marker.get("user") == request.user.pk


class RequireSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not user_may_skip_second_factor(user)
            and not session_proved_psc(request)
            and not Authenticator.objects.filter(
                user_id=user.pk, type=Authenticator.Type.TOTP
            ).exists()
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Activez le second facteur (TOTP) avant d'utiliser l'API."},
                    status=403,
                )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
