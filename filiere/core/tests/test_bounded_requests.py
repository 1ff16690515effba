"""Bounded requests: odd page numbers and oversized bodies get a clear answer, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from filiere.accounts.models import User
from filiere.core.pagination import MAX_PAGE, page_from_query
from filiere.network.models import Centre

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
# Seen: « ² » passes str.isdigit() and then fails int(); the huge number overflows SQLite.
ODD_PAGES = ["²", "٣", HUGE, "-3", "abc", "", "1e9", str(MAX_PAGE + 1)]


def test_a_page_number_is_a_plain_decimal_number_within_bounds() -> None:
    assert page_from_query("3") == 3
    assert page_from_query(None) == 1
    assert page_from_query(str(MAX_PAGE)) == MAX_PAGE
    for odd in ODD_PAGES:
        assert page_from_query(odd) == 1, odd


@pytest.mark.parametrize("odd", ["²", HUGE])
def test_the_list_pages_answer_an_odd_page_with_the_first_page(
    alice: User,
    centre_a: Centre,
    patient_a: Any,
    client_for: Callable[[User], Client],
    odd: str,
) -> None:
    """Seen: `?page=²` and `?page=99999999999999999999` answered 500."""
    client = client_for(alice)
    for url in ("/patients/", "/rcp/demandes/", f"/suivi/centres/{centre_a.public_id}/"):
        response = client.get(url, {"page": odd})
        assert response.status_code == 200, (url, response.status_code)


@pytest.mark.parametrize("odd", ["²", HUGE])
def test_the_api_lists_refuse_an_odd_page_in_french(
    alice: User,
    auditor: User,
    centre_a: Centre,
    patient_a: Any,
    client_for: Callable[[User], Client],
    odd: str,
) -> None:
    """Seen: the four API lists answered 500 to a page, offset or limit past 2**63."""
    client = client_for(alice)
    for url in (
        "/api/v1/patients",
        "/api/v1/rcp/demandes",
        f"/api/v1/suivi/centres/{centre_a.public_id}/retards",
    ):
        response = client.get(url, {"page": odd})
        assert response.status_code == 422, (url, response.status_code)
        assert response.json()["erreurs"][0]["champ"].endswith("page")
    response = client.post(
        f"/api/v1/patients/recherche?page={odd}", {"q": "x"}, content_type="application/json"
    )
    assert response.status_code == 422
    audit = client_for(auditor)
    for name in ("offset", "limit"):
        response = audit.get("/api/v1/audit/evenements", {name: odd})
        assert response.status_code == 422, (name, response.status_code)
        assert response.json()["erreurs"][0]["champ"].endswith(name)


def test_a_far_page_within_bounds_is_empty(
    alice: User, patient_a: Any, client_for: Callable[[User], Client]
) -> None:
    response = client_for(alice).get("/api/v1/patients", {"page": MAX_PAGE})
    assert response.status_code == 200
    assert response.json() == []


def test_an_oversized_json_body_is_refused_with_413(
    alice: User, patient_a: Any, client_for: Callable[[User], Client]
) -> None:
    """Seen: a 6 MB JSON body answered 500."""
    body = '{"q": "' + "x" * (6 * 1024 * 1024) + '"}'
    response = client_for(alice).post(
        "/api/v1/patients/recherche", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "Requête trop volumineuse."


def test_an_oversized_form_is_refused_without_a_500(
    alice: User, client_for: Callable[[User], Client]
) -> None:
    body = "q=" + "x" * (6 * 1024 * 1024)
    response = client_for(alice).post(
        "/patients/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (400, 405, 413)
