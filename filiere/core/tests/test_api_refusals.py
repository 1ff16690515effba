"""The API's refusals found by fuzzing (test_api_fuzz.py): French, documented, naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from filiere.accounts.models import User
from filiere.accounts.services import api_token_create
from filiere.api import api

pytestmark = pytest.mark.django_db


def bearer(user: User) -> dict[str, Any]:
    _, raw = api_token_create(actor=user, name="script", allows_write=True)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize("body", [b"b", b"\xff\xfe{", b'{"q": '])
def test_a_body_that_is_not_json_is_refused_in_french_naming_the_body(
    alice: User, body: bytes
) -> None:
    response = Client().post(
        "/api/v1/patients/recherche", body, content_type="application/json", **bearer(alice)
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Données invalides.",
        "erreurs": [
            {"champ": "body", "message": "Le corps de la requête n'est pas du JSON valide."}
        ],
    }


def test_an_anonymous_post_is_told_to_authenticate_not_refused_for_csrf() -> None:
    """No token and no session cookie: there is no session to forge, the caller is anonymous."""
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/patients", {}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentification requise."}


def test_a_session_post_without_csrf_token_is_refused_in_french(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(
        "/api/v1/patients/recherche", {"q": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Jeton CSRF absent ou invalide : rechargez la page et recommencez."
    }


def test_every_operation_documents_its_refusals() -> None:
    """401, 403, 404 and 422 everywhere (400 and 413 with a body), with the refusal's shape."""
    document = api.get_openapi_schema()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            expected = {"401", "403", "404", "422"}
            if "requestBody" in operation:
                expected |= {"400", "413"}
            documented = {str(status) for status in operation["responses"]}
            assert expected <= documented, (method, path, documented)
    refusal = document["components"]["schemas"]["RefusalOut"]
    assert refusal["required"] == ["detail"]
    assert "FieldErrorOut" in document["components"]["schemas"]
