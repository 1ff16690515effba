"""System checks for misconfigurations specific to Filière."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


@register(deploy=True)
def check_production_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        messages.append(
            Warning(
                "SQLite is for development; production uses PostgreSQL (set DATABASE_URL).",
                id="filiere.W001",
            )
        )
    if "django.core.cache.backends.locmem" in settings.CACHES["default"]["BACKEND"]:
        messages.append(
            Error(
                "A per-process cache breaks login throttling and one-time TOTP codes.",
                id="filiere.E001",
            )
        )
    if settings.BEHIND_PROXY and settings.TRUSTED_PROXY_COUNT < 1:
        messages.append(
            Error(
                "BEHIND_PROXY needs TRUSTED_PROXY_COUNT ≥ 1, or every client shares the proxy's "
                "address for throttling and the audit trail.",
                id="filiere.E003",
            )
        )
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        messages.append(
            Warning("E-mails are printed, not sent (EMAIL_BACKEND).", id="filiere.W002")
        )
    return messages


@register()
def check_mfa_encryption_key(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    from filiere.accounts.mfa_secrets import key_problem

    problem = key_problem()
    if problem is None:
        return []
    return [
        Error(
            problem,
            hint='Generate one with: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"',
            id="filiere.E002",
        )
    ]


@register()
def check_pro_sante_connect(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    given = [
        name
        for name in ("PSC_DISCOVERY_URL", "PSC_CLIENT_ID", "PSC_CLIENT_SECRET")
        if getattr(settings, name)
    ]
    if not given or len(given) == 3:
        return []
    return [
        Error(
            f"Pro Santé Connect is half configured ({', '.join(given)} set): it stays off "
            "until PSC_DISCOVERY_URL, PSC_CLIENT_ID and PSC_CLIENT_SECRET are all set.",
            id="filiere.E004",
        )
    ]
