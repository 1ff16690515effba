"""In a real Chromium: log in with password and TOTP, see the French home page, log out."""

from __future__ import annotations

from typing import Any

import pytest

from filiere.accounts.models import User
from filiere.testing.factories import PASSWORD, fresh_totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clinician_logs_in_with_totp_sees_home_in_french_and_logs_out(
    live_server: Any, page: Any, alice: User
) -> None:
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Connexion").is_visible()

    page.get_by_label("Adresse e-mail").fill(alice.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.locator("input[name=code]").fill(fresh_totp_code())
    page.locator("form button[type=submit]").first.click()

    page.wait_for_url(f"{live_server.url}/")
    body = page.locator("main").inner_text()
    assert "Bonjour" in body
    assert "CRPP Marseille (A)" in body
    assert "Clinicien" in body

    page.locator("details.dropdown summary").click()
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/accounts/login/**")
    # The session is gone server-side: the home page sends back to the login page.
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
