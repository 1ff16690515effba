"""The shell of the interface: home page by role, French by default, secure headers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from filiere.accounts.models import User

pytestmark = pytest.mark.django_db


def test_home_shows_my_centres_and_roles_in_french(
    alice: User, client_for: Callable[[User], Client]
) -> None:
    html = client_for(alice).get("/").content.decode()
    assert "Mes centres et mes rôles" in html
    assert "CRPP Marseille (A)" in html
    assert "Clinicien" in html
    assert 'href="/audit/"' not in html


def test_auditor_home_offers_the_audit_log(
    auditor: User, client_for: Callable[[User], Client]
) -> None:
    html = client_for(auditor).get("/").content.decode()
    assert "Journal d&#x27;audit" in html
    assert 'href="/audit/"' in html


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_english_is_available(alice: User, client_for: Callable[[User], Client]) -> None:
    client = client_for(alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en"' in html
    assert "My centres and roles" in html


def test_pages_of_logged_in_users_are_never_cached(
    alice: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(alice).get("/")
    assert "no-store" in response["Cache-Control"]


def test_security_headers(client: Client) -> None:
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_admin_at_the_usual_address(client: Client) -> None:
    assert client.get("/admin/").status_code == 404


def test_api_publishes_its_openapi_document_to_logged_in_users(
    alice: User, client: Client, client_for: Callable[[User], Client]
) -> None:
    assert client.get("/api/v1/openapi.json").status_code == 302
    schema = client_for(alice).get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Filière API"
    assert "/api/v1/centres" in schema["paths"]
