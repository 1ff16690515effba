"""A local OpenID Connect provider standing in for Pro Santé Connect, and Filière wired to it."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from pytest_django.fixtures import Settings

from filiere.accounts.psc import psc_providers
from filiere.testing.oidc_provider import CLIENT_ID, CLIENT_SECRET, LocalOpenIDProvider


@pytest.fixture(scope="session")
def oidc_server() -> Iterator[LocalOpenIDProvider]:
    provider = LocalOpenIDProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def psc(oidc_server: LocalOpenIDProvider, settings: Settings) -> LocalOpenIDProvider:
    """The local provider, configured as Pro Santé Connect the way the environment would."""
    settings.PSC_DISCOVERY_URL = oidc_server.discovery_url
    settings.PSC_CLIENT_ID = CLIENT_ID
    settings.PSC_CLIENT_SECRET = CLIENT_SECRET
    settings.SOCIALACCOUNT_PROVIDERS = psc_providers(
        discovery_url=oidc_server.discovery_url,
        client_id=CLIENT_ID,
        secret=CLIENT_SECRET,
        scopes=settings.PSC_SCOPES,
        acr_values=settings.PSC_ACCEPTED_ACR,
    )
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(oidc_server.url)
    settings.CONTENT_SECURITY_POLICY = policy
    oidc_server.identity = None
    return oidc_server
