"""Request types for views behind ``login_required``."""

from __future__ import annotations

from django.http import HttpRequest

from filiere.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request whose user has logged in (the view is decorated with ``login_required``)."""

    user: User
