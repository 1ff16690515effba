"""Changing one's e-mail address: only a verified address becomes the account's, every step
audited.

Seen in issue 13 (finding 11): a new, unverified address could be made primary within five
minutes of login; it then opened the account at the login page and received the avis PDFs.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.testing.factories import PASSWORD, fresh_totp_code, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
SECOND_FACTOR = "/accounts/2fa/authenticate/"
EMAIL = "/accounts/email/"
NEW = "alice.durand@autre-hopital.test"


def logged_in(email: str) -> Client:
    """Log in through the real pages (password, then the TOTP code): a fresh login."""
    client = Client()
    response = client.post(LOGIN, {"login": email, "password": PASSWORD})
    assert response["Location"] == SECOND_FACTOR
    response = client.post(SECOND_FACTOR, {"code": fresh_totp_code()})
    assert response.status_code == 302
    return client


def password_accepted(email: str) -> bool:
    response = Client().post(LOGIN, {"login": email, "password": PASSWORD})
    return response.status_code == 302 and response["Location"] == SECOND_FACTOR


def add_new_address(client: Client) -> None:
    client.get(EMAIL)
    response = client.post(EMAIL, {"action_add": "", "email": NEW})
    assert response.status_code == 302, response.context["form"].errors


def confirmation_link() -> str:
    body = str(mail.outbox[-1].body)
    found = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", body)
    assert found, body
    return found.group(1)


def email_events(user: User) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(user.public_id), summary__contains="dresse")
        .order_by("occurred_at", "pk")
        .values_list("summary", flat=True)
    )


def test_an_unverified_address_cannot_become_the_account_address(alice: User) -> None:
    client = logged_in(alice.email)
    add_new_address(client)

    response = client.post(EMAIL, {"action_primary": "", "email": NEW}, follow=True)

    alice.refresh_from_db()
    assert alice.email == "alice@hopital.test"
    assert "vérifiée" in response.content.decode()


def test_an_unverified_address_does_not_open_the_account(alice: User) -> None:
    add_new_address(logged_in(alice.email))

    assert not password_accepted(NEW)
    assert password_accepted("alice@hopital.test")


def test_a_verified_address_becomes_the_account_address_and_receives_the_documents(
    alice: User,
) -> None:
    client = logged_in(alice.email)
    add_new_address(client)
    assert mail.outbox[-1].to == [NEW]

    client.post(confirmation_link())
    response = client.post(EMAIL, {"action_primary": "", "email": NEW})

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.email == NEW  # where the avis PDFs and the RCP mails go (user.email)
    assert password_accepted(NEW)


def test_every_change_of_address_is_audited(alice: User) -> None:
    client = logged_in(alice.email)
    add_new_address(client)
    client.post(confirmation_link())
    client.post(EMAIL, {"action_primary": "", "email": NEW})
    client.post(EMAIL, {"action_remove": "", "email": "alice@hopital.test"})

    assert email_events(alice) == [
        f"Adresse e-mail ajoutée (non vérifiée) : {NEW}",
        f"Adresse e-mail vérifiée : {NEW}",
        f"Adresse e-mail principale : {NEW} (avant : alice@hopital.test)",
        "Adresse e-mail retirée : alice@hopital.test",
    ]
    actors = AuditEvent.objects.filter(summary__startswith="Adresse e-mail").values_list(
        "actor", flat=True
    )
    assert set(actors) == {alice.pk}


def test_an_unverified_address_receives_no_password_reset_link(alice: User) -> None:
    add_new_address(logged_in(alice.email))
    mail.outbox.clear()

    Client().post("/accounts/password/reset/", {"email": NEW})

    assert not any("/accounts/password/reset/key/" in m.body for m in mail.outbox)


def test_as_seen_on_a_demo_account_the_unverified_address_stays_inert(settings: Any) -> None:
    """The finding as reproduced: a demo account on a DEBUG instance logs in without a second
    factor, which allauth's guard on adding addresses did not cover."""
    settings.DEBUG = True
    user = make_user(email="demo@hopital.test", is_demo=True, second_factor=False)
    client = Client()
    assert client.post(LOGIN, {"login": user.email, "password": PASSWORD}).status_code == 302
    add_new_address(client)

    client.post(EMAIL, {"action_primary": "", "email": NEW})

    user.refresh_from_db()
    assert user.email == "demo@hopital.test"
    response = Client().post(LOGIN, {"login": NEW, "password": PASSWORD})
    assert response.status_code == 200  # the login form again: the address opens nothing
