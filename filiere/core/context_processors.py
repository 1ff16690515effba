from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from filiere.core.navigation import menu_for


def _demo_accounts() -> list[dict[str, str]]:
    from filiere.demo.accounts import demo_account_descriptions

    return demo_account_descriptions()


def filiere(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"DEBUG": settings.DEBUG}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["navigation"] = menu_for(request)
    elif settings.DEBUG:
        from filiere.demo.accounts import DEMO_PASSWORD

        context["demo_accounts"] = _demo_accounts
        context["demo_password"] = DEMO_PASSWORD
    return context
