"""Login throttling slows an attacker without locking the real user out (ASVS v5.0.0-6.3.1)."""

from __future__ import annotations

import pytest
from django.test import Client

from filiere.accounts.models import User
from filiere.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def attempt(client: Client, email: str, password: str, ip: str) -> str:
    response = client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip)
    return response.content.decode() if response.status_code == 200 else response["Location"]


def test_repeated_failures_from_one_address_are_throttled(alice: User) -> None:
    attacker = Client()
    for _ in range(5):
        assert "incorrect" in attempt(attacker, alice.email, "devine", "203.0.113.9").lower()
    # The sixth try is refused before the password is even checked, right one or not.
    page = attempt(attacker, alice.email, PASSWORD, "203.0.113.9")
    assert "trop de tentatives" in page.lower()


def test_the_real_user_can_still_log_in_from_her_own_workstation(alice: User) -> None:
    attacker = Client()
    for _ in range(6):
        attempt(attacker, alice.email, "devine", "203.0.113.9")
    alice_desk = Client()
    assert attempt(alice_desk, alice.email, PASSWORD, "10.1.2.3") == "/accounts/2fa/authenticate/"
