"""Logging in: e-mail, password, then the TOTP second factor."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.testing.factories import PASSWORD, fresh_totp_code, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
SECOND_FACTOR = "/accounts/2fa/authenticate/"


def log_in_with_password(client: Client, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def test_login_page_is_in_french(client: Client) -> None:
    response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr"' in html
    assert "Connexion" in html
    assert "Mot de passe" in html


def test_login_asks_for_the_totp_code_then_lets_the_user_in(client: Client, alice: User) -> None:
    response = log_in_with_password(client, alice.email)
    assert response.status_code == 302
    assert response["Location"] == SECOND_FACTOR
    # Not logged in yet: the home page still sends to the login page.
    assert client.get("/").status_code == 302

    code = fresh_totp_code()
    response = client.post(SECOND_FACTOR, {"code": code})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert "Bonjour" in home.content.decode()
    assert AuditEvent.objects.filter(action="login", object_id=str(alice.public_id)).count() == 1


def test_a_totp_code_cannot_be_used_twice(alice: User) -> None:
    """OWASP ASVS v5.0.0-6.5.1: a one-time code is usable once."""
    code = fresh_totp_code()
    first, second = Client(), Client()
    log_in_with_password(first, alice.email)
    assert first.post(SECOND_FACTOR, {"code": code}).status_code == 302
    log_in_with_password(second, alice.email)
    response = second.post(SECOND_FACTOR, {"code": code})
    assert response.status_code == 200  # the form again, with an error
    assert second.get("/").status_code == 302


def test_wrong_password_is_refused_and_audited(client: Client, alice: User) -> None:
    response = log_in_with_password(client, alice.email, "pas-le-bon-mot-de-passe")
    assert response.status_code == 200
    assert "incorrect" in response.content.decode().lower()
    event = AuditEvent.objects.get(action="login_failed")
    assert event.object_id == str(alice.public_id)
    assert event.actor is None


def test_account_without_second_factor_must_enrol_before_anything_else(client: Client) -> None:
    user = make_user(second_factor=False)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get("/api/v1/moi").status_code == 403


@override_settings(DEBUG=True)
def test_demo_accounts_skip_the_second_factor_when_debug_is_on(client: Client) -> None:
    demo = make_user(is_demo=True)
    response = log_in_with_password(client, demo.email)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


@override_settings(DEBUG=False)
def test_demo_accounts_need_the_second_factor_when_debug_is_off(client: Client) -> None:
    demo = make_user(is_demo=True)
    response = log_in_with_password(client, demo.email)
    assert response["Location"] == SECOND_FACTOR


@override_settings(DEBUG=True)
def test_login_page_lists_demo_accounts_and_says_they_skip_totp_only_in_debug(
    client: Client,
) -> None:
    make_user(is_demo=True, email="demo.persona@demo.filiere.test")
    html = client.get(LOGIN).content.decode()
    assert "sans second facteur" in html
    assert "DEBUG" in html


def test_login_page_shows_no_demo_accounts_without_debug(client: Client) -> None:
    make_user(is_demo=True, email="demo.persona@demo.filiere.test")
    html = client.get(LOGIN).content.decode()
    assert "demo.persona@demo.filiere.test" not in html
    assert "sans second facteur" not in html


def test_signup_is_closed(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {"email": "intrus@exemple.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert not User.objects.filter(email="intrus@exemple.test").exists()
    assert response.status_code in {200, 302, 403}


def test_admin_login_goes_through_the_second_factor(client: Client) -> None:
    response = client.get("/gestion/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
