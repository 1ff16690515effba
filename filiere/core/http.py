"""Request types for views behind ``login_required``, and what an API request may receive."""

from __future__ import annotations

from django.http import HttpRequest

from filiere.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request whose user has logged in (the view is decorated with ``login_required``)."""

    user: User


def identity_allowed(request: HttpRequest) -> bool:
    """Whether a response may carry identity traits: a session, or a token with that scope.

    For routes that mix identity into a wider answer (lists, searches) rather than refuse it.
    """
    api_token = getattr(request, "api_token", None)
    return api_token is None or bool(api_token.allows_identity)
