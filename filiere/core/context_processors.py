from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from filiere.core.navigation import menu_for


def filiere(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"DEBUG": settings.DEBUG}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["navigation"] = menu_for(request)
    return context
