"""Pro Santé Connect: what a PSC login must assert before it opens a Filière session.

Pure functions, no Django: the settings import `psc_providers`, the social-account adapter calls
`check_assurance` and `rpps_from_claims` on the claims allauth has already verified (issuer,
audience, expiry; the signature too when the ID token does not come straight from the token
endpoint over TLS, OpenID Connect Core 1.0 §3.1.3.7).

PSC's user info carries the national identifier of the professional (`SubjectNameID`, also in
`preferred_username`): for an RPPS holder it is "8" followed by the 11-digit RPPS. A bare
11-digit RPPS is accepted too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from filiere.lib.identifiers import is_valid_rpps

PROVIDER_ID = "psc"
PROVIDER_NAME = "Pro Santé Connect"
# Claims naming the professional's national identifier, in the order they are trusted.
IDENTIFIER_CLAIMS = ("SubjectNameID", "preferred_username")
# Prefix of a national identifier ("idNat_PS") built on an RPPS number.
RPPS_PREFIX = "8"
# Where the checked `acr` travels with allauth's SocialLogin, from the checks to the login stages.
PSC_ACR_STATE = "filiere_psc_acr"


class PscRefusal(Exception):
    """A PSC login that must not open a session; `reason` goes to the audit trail."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def psc_providers(
    *,
    discovery_url: str,
    client_id: str,
    secret: str,
    scopes: Iterable[str],
    acr_values: Iterable[str],
) -> dict[str, Any]:
    """Return SOCIALACCOUNT_PROVIDERS: PSC as allauth's OpenID Connect app, or nothing when any
    of its three settings is missing (no button, no callback)."""
    if not (discovery_url and client_id and secret):
        return {}
    return {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": PROVIDER_NAME,
                    "client_id": client_id,
                    "secret": secret,
                    "settings": {
                        "server_url": discovery_url,
                        "scope": list(scopes),
                        # Asks for the level; the answer is checked anyway (check_assurance).
                        "auth_params": {"acr_values": " ".join(acr_values)},
                        "fetch_userinfo": True,
                        "oauth_pkce_enabled": True,
                    },
                }
            ]
        }
    }


def origin_of(url: str) -> str:
    """Return scheme://host[:port] of a URL, or "" for an empty one."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def check_assurance(
    id_token: Mapping[str, Any], *, accepted_acr: Iterable[str], accepted_amr: Iterable[str]
) -> str:
    """Return the ID token's `acr` when it is an accepted level reached with an accepted method.

    Raise PscRefusal otherwise: a lower level (a password alone) is no second factor.
    """
    acr = id_token.get("acr")
    if not isinstance(acr, str) or acr not in set(accepted_acr):
        raise PscRefusal(f"niveau d'authentification refusé (acr={acr!r})")
    amr = id_token.get("amr")
    if isinstance(amr, str):
        amr = [amr]
    if not isinstance(amr, list) or not set(map(str, amr)) & set(accepted_amr):
        raise PscRefusal(f"méthode d'authentification refusée (amr={amr!r})")
    return acr


def rpps_from_claims(*claim_sets: Mapping[str, Any]) -> str:
    """Return the RPPS number asserted by PSC (user info first, then the ID token).

    Raise PscRefusal when no claim holds a valid RPPS (an ADELI-only professional, say).
    """
    for claims in claim_sets:
        for name in IDENTIFIER_CLAIMS:
            value = claims.get(name)
            if not isinstance(value, str):
                continue
            value = value.strip()
            if len(value) == 12 and value.startswith(RPPS_PREFIX):
                value = value[1:]
            if len(value) == 11 and value.isdigit() and is_valid_rpps(value):
                return value
    raise PscRefusal("aucun numéro RPPS valide dans l'identité Pro Santé Connect")
