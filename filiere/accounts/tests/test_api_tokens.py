"""Personal API tokens: shown once, stored hashed, revocable, with the owner's rights."""

from __future__ import annotations

import pytest
from django.test import Client

from filiere.accounts.models import ApiToken, User
from filiere.accounts.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def test_a_token_authenticates_its_owner_on_the_api(alice: User) -> None:
    token, raw = api_token_create(actor=alice, name="script")
    response = Client().get("/api/v1/moi", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["email"] == alice.email
    assert raw not in ApiToken.objects.values_list("digest", flat=True)
    assert token.digest == ApiToken.digest_of(raw)


def test_a_revoked_or_unknown_token_is_refused(alice: User) -> None:
    token, raw = api_token_create(actor=alice, name="script")
    api_token_revoke(actor=alice, token=token)
    assert Client().get("/api/v1/moi", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert Client().get("/api/v1/moi", HTTP_AUTHORIZATION="Bearer fil_inconnu").status_code == 401
    assert Client().get("/api/v1/moi").status_code == 401


def test_token_of_a_deactivated_user_is_refused(alice: User) -> None:
    _, raw = api_token_create(actor=alice, name="script")
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert Client().get("/api/v1/moi", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(alice: User, charlie: User) -> None:
    token, _ = api_token_create(actor=alice, name="script")
    client = Client()
    client.force_login(charlie)
    response = client.post(f"/profil/jetons/{token.public_id}/revoquer/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_token_page_shows_the_raw_token_once(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    response = client.post("/profil/jetons/", {"name": "export labo"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=alice)
    assert f"fil_{token.prefix}" in response.content.decode()
    assert f"fil_{token.prefix}" not in client.get("/profil/").content.decode()


def test_a_token_may_write_without_a_csrf_token(alice: User, patient_a: object) -> None:
    """A script holding a personal token has no cookie and no CSRF token: its POST is accepted."""
    _, raw = api_token_create(actor=alice, name="script")
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/patients/recherche",
        {"q": "inconnu"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200, response.content


def test_a_cookie_session_post_without_csrf_token_is_still_refused(
    alice: User, patient_a: object
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(
        "/api/v1/patients/recherche", {"q": "inconnu"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_a_cookie_session_post_with_its_csrf_token_is_accepted(
    alice: User, patient_a: object
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get("/profil/")
    response = client.post(
        "/api/v1/patients/recherche",
        {"q": "inconnu"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 200, response.content
