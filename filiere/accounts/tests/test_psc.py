"""Logging in with Pro Santé Connect, against a local OpenID Connect provider started by the
tests: the browser's redirects are followed for real (client → provider → callback)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.core.checks import run_checks
from django.test import Client
from django.urls import NoReverseMatch, reverse
from pytest_django.fixtures import Settings

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.accounts.services import user_deactivate
from filiere.audit.models import AuditEvent
from filiere.lib.identifiers import luhn_key
from filiere.testing.factories import PASSWORD, make_user
from filiere.testing.oidc_provider import LocalOpenIDProvider, PscIdentity

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PSC_BUTTON = "Se connecter avec Pro Santé Connect"


def rpps(body: str) -> str:
    return body + luhn_key(body)


ALICE_RPPS = rpps("1000000001")
UNKNOWN_RPPS = rpps("1000000002")


def log_in_with_psc(client: Client, provider: LocalOpenIDProvider, identity: PscIdentity) -> Any:
    """Press the PSC button, let the provider consent, come back to Filière's callback."""
    provider.identity = identity
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "psc"}))
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider.url}/authorize?")
    consent = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert consent.status_code == 302
    callback = urlsplit(consent.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


@pytest.fixture
def alice_psc(alice: User) -> User:
    alice.rpps = ALICE_RPPS
    alice.save(update_fields=["rpps"])
    return alice


def psc_refusals() -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action="login_failed", summary__startswith="Pro Santé Connect")
    )


def test_no_psc_button_when_psc_is_not_configured(client: Client) -> None:
    html = client.get(LOGIN).content.decode()
    assert PSC_BUTTON not in html
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "psc"}))
    assert response.status_code == 404


def test_login_page_shows_the_psc_button_when_configured(
    client: Client, psc: LocalOpenIDProvider
) -> None:
    html = client.get(LOGIN).content.decode()
    assert PSC_BUTTON in html


def test_psc_login_at_substantial_level_opens_the_matching_account_without_totp(
    client: Client, psc: LocalOpenIDProvider, alice_psc: User
) -> None:
    response = log_in_with_psc(client, psc, PscIdentity(rpps=ALICE_RPPS))
    assert response.status_code == 302
    assert response["Location"] == "/"  # not the TOTP challenge
    home = client.get("/")
    assert home.status_code == 200
    assert "Bonjour" in home.content.decode()
    assert int(client.session["_auth_user_id"]) == alice_psc.pk
    account = SocialAccount.objects.get(user=alice_psc)
    assert (account.provider, account.uid) == ("psc", f"f:psc:{ALICE_RPPS}")
    linked = AuditEvent.objects.filter(
        action="update", actor=alice_psc, summary__contains="Pro Santé Connect"
    )
    assert linked.count() == 1
    assert AuditEvent.objects.filter(action="login", actor=alice_psc).count() == 1


def test_the_link_is_recorded_once_and_later_logins_reuse_it(
    psc: LocalOpenIDProvider, alice_psc: User
) -> None:
    log_in_with_psc(Client(), psc, PscIdentity(rpps=ALICE_RPPS))
    second = Client()
    response = log_in_with_psc(second, psc, PscIdentity(rpps=ALICE_RPPS))
    assert response["Location"] == "/"
    assert second.get("/").status_code == 200
    assert SocialAccount.objects.filter(user=alice_psc).count() == 1
    assert AuditEvent.objects.filter(action="update", summary__contains="Pro Santé").count() == 1
    assert AuditEvent.objects.filter(action="login", actor=alice_psc).count() == 2


def test_psc_counts_as_second_factor_only_for_the_session_it_opened(
    psc: LocalOpenIDProvider, centre_a: object
) -> None:
    """A user without TOTP gets in through PSC; the same user's password login still has to
    enrol a TOTP authenticator."""
    bob = make_user(email="bob@hopital.test", rpps=rpps("1000000003"), second_factor=False)
    with_psc = Client()
    log_in_with_psc(with_psc, psc, PscIdentity(rpps=bob.rpps))
    assert with_psc.get("/").status_code == 200

    with_password = Client()
    with_password.post(LOGIN, {"login": bob.email, "password": PASSWORD})
    response = with_password.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize(
    ("acr", "amr", "why"),
    [
        ("eidas0", ["pin", "sc"], "acr"),
        ("", ["pin", "sc"], "acr"),
        ("eidas1", ["pwd"], "amr"),
        ("eidas1", [], "amr"),
    ],
)
def test_a_weaker_authentication_is_refused_and_audited(
    client: Client, psc: LocalOpenIDProvider, alice_psc: User, acr: str, amr: list[str], why: str
) -> None:
    response = log_in_with_psc(client, psc, PscIdentity(rpps=ALICE_RPPS, acr=acr, amr=amr))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Connexion refusée" in html
    assert "niveau substantiel" in html
    assert client.get("/").status_code == 302  # still logged out
    assert not SocialAccount.objects.exists()
    [refusal] = psc_refusals()
    assert why in refusal.summary
    assert refusal.ip_address == "127.0.0.1"


def test_an_unknown_rpps_is_refused_and_no_account_is_created(
    client: Client, psc: LocalOpenIDProvider, alice_psc: User
) -> None:
    users = User.objects.count()
    response = log_in_with_psc(client, psc, PscIdentity(rpps=UNKNOWN_RPPS))
    assert response.status_code == 403
    assert "ne crée jamais de compte" in response.content.decode()
    assert User.objects.count() == users
    assert not SocialAccount.objects.exists()
    [refusal] = psc_refusals()
    assert UNKNOWN_RPPS in refusal.summary
    assert "aucun compte actif" in refusal.summary


def test_a_deactivated_account_is_not_opened_by_psc(
    client: Client, psc: LocalOpenIDProvider, alice_psc: User
) -> None:
    user_deactivate(actor=SYSTEM, user=alice_psc)
    response = log_in_with_psc(client, psc, PscIdentity(rpps=ALICE_RPPS))
    assert response.status_code == 403
    assert len(psc_refusals()) == 1


def test_an_rpps_shared_by_two_accounts_opens_neither(
    client: Client, psc: LocalOpenIDProvider, alice_psc: User
) -> None:
    make_user(email="homonyme@hopital.test", rpps=ALICE_RPPS)
    response = log_in_with_psc(client, psc, PscIdentity(rpps=ALICE_RPPS))
    assert response.status_code == 403
    assert "plusieurs comptes" in psc_refusals()[0].summary


def test_a_linked_identity_whose_account_rpps_changed_is_refused(
    psc: LocalOpenIDProvider, alice_psc: User
) -> None:
    log_in_with_psc(Client(), psc, PscIdentity(rpps=ALICE_RPPS))
    alice_psc.rpps = rpps("1000000004")
    alice_psc.save(update_fields=["rpps"])
    make_user(email="nouveau@hopital.test", rpps=ALICE_RPPS)
    client = Client()
    response = log_in_with_psc(client, psc, PscIdentity(rpps=ALICE_RPPS))
    assert response.status_code == 403
    assert "rattachée à un autre compte" in psc_refusals()[0].summary


def test_half_configured_psc_fails_the_system_check(settings: Settings) -> None:
    settings.PSC_DISCOVERY_URL = "https://auth.esw.esante.gouv.fr/.well-known/openid-configuration"
    settings.PSC_CLIENT_ID = ""
    settings.PSC_CLIENT_SECRET = ""
    assert "filiere.E004" in [message.id for message in run_checks()]


def test_the_owner_cannot_remove_the_psc_link(psc: LocalOpenIDProvider, alice_psc: User) -> None:
    client = Client()
    log_in_with_psc(client, psc, PscIdentity(rpps=ALICE_RPPS))
    account = SocialAccount.objects.get(user=alice_psc)
    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert response.status_code == 200  # the form again, with the error
    assert "il ne se retire pas" in str(response.context["form"].errors)
    assert SocialAccount.objects.filter(pk=account.pk).exists()


def test_no_identity_provider_can_be_added_in_the_admin() -> None:
    """An application added under PSC's provider id could assert any RPPS: the environment
    alone configures PSC."""
    with pytest.raises(NoReverseMatch):
        reverse("admin:socialaccount_socialapp_changelist")
