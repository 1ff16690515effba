"""In a real Chromium: "Se connecter avec Pro Santé Connect", through the local OpenID provider,
back on the user's home page."""

from __future__ import annotations

from typing import Any

import pytest

from filiere.accounts.models import User
from filiere.lib.identifiers import luhn_key
from filiere.testing.oidc_provider import LocalOpenIDProvider, PscIdentity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clinician_logs_in_with_pro_sante_connect_and_lands_on_home(
    live_server: Any, page: Any, psc: LocalOpenIDProvider, alice: User
) -> None:
    alice.rpps = "1000000005" + luhn_key("1000000005")
    alice.save(update_fields=["rpps"])
    psc.identity = PscIdentity(rpps=alice.rpps)

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Se connecter avec Pro Santé Connect").click()

    page.wait_for_url(f"{live_server.url}/")
    body = page.locator("main").inner_text()
    assert "Bonjour" in body
    assert "CRPP Marseille (A)" in body
    assert any(path.startswith("/authorize?") for path in psc.requests)
