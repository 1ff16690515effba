"""The specialist's worklist: refractory patients and current instructions, in fixed queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from filiere.accounts.models import User
from filiere.network.models import Centre
from filiere.testing.factories import make_patient
from filiere.transfusion.tests.factories import (
    make_instruction,
    make_pool,
    make_refractory,
    make_transfusion,
)

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


def test_julien_sees_the_refractory_patient_and_the_instruction(
    julien: User, patient: Any, centre_a: Centre, client_for: Login
) -> None:
    make_refractory(patient)
    make_pool()
    instruction = make_instruction(patient, julien, threshold=3000)
    quiet = make_patient(centre_a)
    make_transfusion(quiet, counts=(10, 45, 35))

    html = client_for(julien).get("/transfusion/").content.decode()

    assert html.index(patient.pseudonym) < html.index(quiet.pseudonym)  # refractory first
    assert "cause immune" in html
    assert f"v{instruction.version}</a>, 3\u202f000 MFI" in html


def test_missing_product_data_puts_the_patient_before_quiet_ones(
    julien: User, patient: Any, centre_a: Centre, client_for: Login
) -> None:
    """Issue 11: two poor 1 h CCIs with the ABO relation unknown are not silent."""
    quiet = make_patient(centre_a)
    make_transfusion(quiet, counts=(10, 45, 35))
    make_transfusion(patient, counts=(8, 12, 9), abo_relation="")
    make_transfusion(patient, counts=(7, 10, 8), abo_relation="")

    html = client_for(julien).get("/transfusion/").content.decode()

    assert html.index(patient.pseudonym) < html.index(quiet.pseudonym)
    assert "non exclu : données manquantes" in html
    assert "badge-alert" not in html


def test_patients_of_another_region_are_not_listed(
    victor: User, patient: Any, client_for: Login
) -> None:
    make_refractory(patient)
    html = client_for(victor).get("/transfusion/").content.decode()
    assert patient.pseudonym not in html


def test_the_worklist_is_for_transfusion_specialists(alice: User, client_for: Login) -> None:
    assert client_for(alice).get("/transfusion/").status_code == 404


def test_the_menu_offers_the_worklist_to_specialists_only(
    julien: User, alice: User, client_for: Login
) -> None:
    assert 'href="/transfusion/"' in client_for(julien).get("/").content.decode()
    assert 'href="/transfusion/"' not in client_for(alice).get("/").content.decode()


def test_the_query_count_does_not_grow_with_the_patients(
    julien: User,
    centre_a: Centre,
    client_for: Login,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(julien)
    first = make_patient(centre_a)
    make_refractory(first)
    client.get("/transfusion/")  # warm the session and the user's rights

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/transfusion/")
    for _ in range(4):
        make_refractory(make_patient(centre_a))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/transfusion/")
    assert response.content.decode().count("badge-alert") == 5
