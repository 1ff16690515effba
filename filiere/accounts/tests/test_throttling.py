"""Login throttling slows an attacker without locking the real user out (ASVS v5.0.0-6.3.1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from pytest_django.fixtures import Settings

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.testing.factories import PASSWORD, fresh_totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PROXY = "10.0.0.1"


def attempt(client: Client, email: str, password: str, ip: str, forwarded: str = "") -> str:
    extra: dict[str, Any] = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    response = client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip, **extra)
    return response.content.decode() if response.status_code == 200 else response["Location"]


def test_repeated_failures_on_one_account_lock_it_with_a_french_message(alice: User) -> None:
    attacker = Client()
    for _ in range(10):
        assert "incorrect" in attempt(attacker, alice.email, "devine", "203.0.113.9").lower()
    # The next try is refused before the password is even checked, right one or not.
    page = attempt(attacker, alice.email, PASSWORD, "203.0.113.9")
    assert "trop de tentatives" in page.lower()
    assert "mot de passe oublié" in page.lower()


def test_the_real_user_can_still_log_in_from_her_own_workstation(alice: User) -> None:
    attacker = Client()
    for _ in range(6):
        attempt(attacker, alice.email, "devine", "203.0.113.9")
    alice_desk = Client()
    assert attempt(alice_desk, alice.email, PASSWORD, "10.1.2.3") == "/accounts/2fa/authenticate/"


def test_five_failures_behind_a_shared_hospital_address_do_not_lock_the_real_user(
    alice: User,
) -> None:
    """Seen: a colleague's five mistypings on the hospital's NAT address locked Alice out."""
    colleague, alice_desk = Client(), Client()
    for _ in range(5):
        attempt(colleague, alice.email, "devine", "192.0.2.50")
    assert attempt(alice_desk, alice.email, PASSWORD, "192.0.2.50") == (
        "/accounts/2fa/authenticate/"
    )


def test_guesses_spread_over_six_addresses_are_stopped_per_account(alice: User) -> None:
    """Seen: 30 guesses from 6 addresses (5 each) were never throttled."""
    refused = 0
    for guess in range(30):
        page = attempt(Client(), alice.email, f"devine-{guess}", f"198.51.100.{guess % 6 + 1}")
        refused += "trop de tentatives" in page.lower()
    assert refused == 20
    page = attempt(Client(), alice.email, PASSWORD, "198.51.100.99")
    assert "trop de tentatives" in page.lower()


def test_a_password_reset_unlocks_the_account(alice: User) -> None:
    for guess in range(11):
        attempt(Client(), alice.email, f"devine-{guess}", f"198.51.100.{guess % 6 + 1}")
    client = Client()
    client.post("/accounts/password/reset/", {"email": alice.email}, REMOTE_ADDR="10.1.2.3")
    link = next(
        line for line in mail.outbox[-1].body.splitlines() if "/accounts/password/reset/" in line
    )
    path = link[link.index("/accounts/") :].strip()
    form_page = client.get(path, REMOTE_ADDR="10.1.2.3", follow=True)
    new_password = "Un-nouveau-mot-de-passe-2026"
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": new_password, "password2": new_password},
        REMOTE_ADDR="10.1.2.3",
    )
    assert attempt(Client(), alice.email, new_password, "10.1.2.3") == (
        "/accounts/2fa/authenticate/"
    )


def test_behind_the_proxy_forged_forwarded_addresses_lock_no_one_else(
    alice: User, charlie: User, settings: Settings
) -> None:
    """Seen: 31 failures with forged X-Forwarded-For entries locked every user behind the proxy."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 1
    # A per-address limit of 5 instead of the default: the same door with fewer requests.
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": "5/15m/ip,10/15m/key",
    }
    for n in range(6):
        attempt(Client(), f"inconnu{n}@hopital.test", "devine", PROXY, f"192.0.2.{n}, 203.0.113.9")
    # The attacker's real address, added by the proxy, is the one throttled...
    page = attempt(Client(), charlie.email, PASSWORD, PROXY, "192.0.2.77, 203.0.113.9")
    assert "trop de tentatives" in page.lower()
    # ...not every user behind the proxy.
    assert attempt(Client(), alice.email, PASSWORD, PROXY, "10.1.2.3") == (
        "/accounts/2fa/authenticate/"
    )


def test_behind_the_proxy_the_audit_records_the_address_the_proxy_saw(
    alice: User, settings: Settings
) -> None:
    """Seen: the audit recorded the first X-Forwarded-For entry, which the client writes."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 1
    attempt(Client(), alice.email, "devine", PROXY, "1.2.3.4, 203.0.113.9")
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 10.1.2.3")
    client.post(LOGIN, {"login": alice.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": fresh_totp_code()})
    assert client.get("/").status_code == 200
    failed = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert failed.ip_address == "203.0.113.9"
    login = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert login.ip_address == "10.1.2.3"
    assert not AuditEvent.objects.filter(ip_address__in=["1.2.3.4", PROXY]).exists()
