"""Personal API tokens: shown once, stored hashed, revocable, with the owner's rights."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from filiere.accounts.models import ApiToken, User
from filiere.accounts.services import api_token_create, api_token_revoke
from filiere.testing.factories import PASSWORD, fresh_totp_code

pytestmark = pytest.mark.django_db


def reauthentication() -> dict[str, str]:
    return {"password": PASSWORD, "code": fresh_totp_code()}


def bearer(raw: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


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
    response = client.post("/profil/jetons/", {"name": "export labo", **reauthentication()})
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


def test_a_token_is_minted_only_after_the_password_and_the_code(alice: User) -> None:
    """Seen: an open session was enough to mint a 90-day token."""
    client = Client()
    client.force_login(alice)
    code = fresh_totp_code()
    for refused in (
        {"name": "script"},
        {"name": "script", "password": "devine", "code": code},
        {"name": "script", "password": PASSWORD},
        {"name": "script", "password": PASSWORD, "code": "000000"},
    ):
        response = client.post("/profil/jetons/", refused)
        assert response.status_code == 200
        assert "fil_" not in response.content.decode()
    assert not ApiToken.objects.exists()
    fresh = {"name": "script", "password": PASSWORD, "code": fresh_totp_code()}
    response = client.post("/profil/jetons/", fresh)
    assert "fil_" in response.content.decode(), response.content.decode()[-3000:]
    token = ApiToken.objects.get(user=alice)
    assert (token.allows_write, token.allows_identity) == (False, False)


def test_a_token_lasts_thirty_days_by_default(alice: User) -> None:
    token, _ = api_token_create(actor=alice, name="script")
    assert token.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert token.expires_at - timezone.now() > dt.timedelta(days=29)


def phenotype(client: Client, patient: Any, raw: str) -> Any:
    return client.post(
        f"/api/v1/patients/{patient.public_id}/phenotypes",
        {"hpo_id": "HP:0001873"},
        content_type="application/json",
        **bearer(raw),
    )


def test_a_read_token_is_refused_on_a_write_route(alice: User, patient_a: Any) -> None:
    _, raw = api_token_create(actor=alice, name="lecture")
    response = phenotype(Client(enforce_csrf_checks=True), patient_a, raw)
    assert response.status_code == 403
    assert response.json()["detail"] == "Ce jeton ne permet que la lecture."
    assert patient_a.phenotypes.count() == 0


def test_a_write_token_posts_without_a_csrf_token(alice: User, patient_a: Any) -> None:
    """Seen: every token POST/PATCH failed with « CSRF check Failed »."""
    _, raw = api_token_create(actor=alice, name="saisie", allows_write=True)
    response = phenotype(Client(enforce_csrf_checks=True), patient_a, raw)
    assert response.status_code == 201, response.content
    assert patient_a.phenotypes.count() == 1


def test_identity_is_refused_to_a_token_without_the_identity_scope(
    alice: User, patient_a: Any
) -> None:
    """Seen: any token read /identite."""
    url = f"/api/v1/patients/{patient_a.public_id}/identite"
    _, plain = api_token_create(actor=alice, name="lecture", allows_write=True)
    response = Client().get(url, **bearer(plain))
    assert response.status_code == 403
    assert "identité" in response.json()["detail"]
    _, identity = api_token_create(actor=alice, name="identité", allows_identity=True)
    assert Client().get(url, **bearer(identity)).status_code == 200


def test_a_password_change_revokes_every_token(alice: User) -> None:
    """Seen: tokens survived a password change."""
    token, raw = api_token_create(actor=alice, name="script")
    client = Client()
    client.force_login(alice)
    new_password = "Un-nouveau-mot-de-passe-2026"
    client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/moi", **bearer(raw)).status_code == 401


def test_logout_leaves_tokens_working(alice: User) -> None:
    """A token belongs to a script, not to the browser session that created it."""
    _, raw = api_token_create(actor=alice, name="script")
    client = Client()
    client.force_login(alice)
    client.post("/accounts/logout/")
    assert Client().get("/api/v1/moi", **bearer(raw)).status_code == 200


def test_token_scope_refusals_are_audited_like_other_refusals(alice: User, patient_a: Any) -> None:
    """Seen: a read token writing, or a token without the identity scope asking /identite, was
    refused without a trace in the audit trail."""
    from filiere.audit.models import AuditEvent

    _, raw = api_token_create(actor=alice, name="lecture")
    assert phenotype(Client(), patient_a, raw).status_code == 403
    url = f"/api/v1/patients/{patient_a.public_id}/identite"
    assert Client().get(url, **bearer(raw)).status_code == 403
    refusals = AuditEvent.objects.filter(action="access_denied", actor=alice).order_by("pk")
    assert [event.patient_id for event in refusals] == [patient_a.public_id] * 2
    assert "lecture" in refusals[0].summary
    assert "identité" in refusals[1].summary
