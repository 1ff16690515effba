"""The demo accounts, offered on the login page of a development server (DEBUG) only."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from filiere.demo.accounts import DEMO_PASSWORD, demo_account_descriptions


def demo_accounts(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not settings.DEBUG or (user is not None and user.is_authenticated):
        return {}
    # A callable: the template reads the accounts only where it shows them (the login page).
    return {"demo_accounts": demo_account_descriptions, "demo_password": DEMO_PASSWORD}
