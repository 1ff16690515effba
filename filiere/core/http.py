"""Request types for views behind ``login_required``, the API's user, and what an API request may
receive."""

from __future__ import annotations

from django.http import HttpRequest

from filiere.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request whose user has logged in (the view is decorated with ``login_required``)."""

    user: User


def api_user(request: HttpRequest) -> User:
    """Return the user an API route acts for: the token's owner, or the session's user.

    The API's authentication (``filiere.api``) stores that user in ``request.auth`` before any
    route runs; a route that reaches here without one was mounted without authentication.
    """
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise TypeError(f"{request.path} has no authenticated API user")
    return user


def identity_allowed(request: HttpRequest) -> bool:
    """Whether a response may carry identity traits: a session, or a token with that scope.

    For routes that mix identity into a wider answer (lists, searches) rather than refuse it.
    """
    api_token = getattr(request, "api_token", None)
    return api_token is None or bool(api_token.allows_identity)
