"""The data manager's block of the home page: duplicates to review among their centres' patients
and the follow-up visits of their centres flagged "à compléter"."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from filiere.accounts.models import User
from filiere.core.tests.home_counts import PAGE_QUERIES, home_counts
from filiere.followup.tests.helpers import record_visit
from filiere.identity.models import DuplicateSuspicion
from filiere.network.models import Centre, Role
from filiere.patients.models import Patient
from filiere.patients.services import duplicate_dismiss
from filiere.testing.factories import give_role, make_centre, make_patient, make_user

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
DUPLICATES = "Doublons potentiels à examiner"
TO_COMPLETE = "Visites à compléter"


@pytest.fixture
def diane(centre_a: Centre) -> User:
    """Diane, data manager of centre A."""
    user = make_user(email="diane@hopital.test", first_name="Diane", last_name="Morel")
    give_role(user, centre_a, Role.DATA_MANAGER)
    return user


@pytest.fixture
def bruno(centre_b: Centre) -> User:
    """Bruno, data manager of centre B: an outsider to centre A's records."""
    user = make_user(email="bruno@hopital.test", first_name="Bruno", last_name="Petit")
    give_role(user, centre_b, Role.DATA_MANAGER)
    return user


def _twins(centre: Centre, name: str) -> tuple[Patient, Patient]:
    """Two registrations of the same person at ``centre``: flagged as a possible duplicate."""
    values: dict[str, Any] = {
        "birth_name": name,
        "first_given_name": "Lina",
        "birth_date": dt.date(2010, 1, 2),
    }
    return make_patient(centre, **values), make_patient(centre, **values)


def _incomplete_visit(patient: Patient, centre: Centre) -> None:
    record_visit(
        patient,
        centre,
        timezone.localdate(),
        to_complete=True,
        missing_data="Numération plaquettaire du bilan de suivi.",
    )


def test_duplicates_and_visits_to_complete_of_my_centre(
    diane: User, centre_a: Centre, centre_b: Centre, patient_a: Patient, client_for: Login
) -> None:
    _twins(centre_a, "Roux")
    first, _second = _twins(centre_a, "Blanc")
    duplicate_dismiss(
        actor=diane,
        suspicion=DuplicateSuspicion.objects.get(
            Q(first_link=first.identity_link) | Q(second_link=first.identity_link)
        ),
        note="Jumelles : deux personnes différentes.",
    )
    _twins(centre_b, "Faure")  # centre B's pair: not Diane's to review
    _incomplete_visit(patient_a, centre_a)
    record_visit(patient_a, centre_a, timezone.localdate() - dt.timedelta(days=200))
    _incomplete_visit(make_patient(centre_b), centre_b)

    counts = home_counts(client_for(diane))

    assert counts["data_manager"] == {DUPLICATES: 1, TO_COMPLETE: 1}


def test_a_data_manager_of_another_centre_sees_zero(
    bruno: User, centre_a: Centre, patient_a: Patient, client_for: Login
) -> None:
    _twins(centre_a, "Roux")
    _incomplete_visit(patient_a, centre_a)

    counts = home_counts(client_for(bruno))

    assert counts["data_manager"] == {DUPLICATES: 0, TO_COMPLETE: 0}


def test_the_data_manager_home_page_query_count(
    diane: User,
    centre_a: Centre,
    patient_a: Patient,
    client_for: Login,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(diane)
    client.get("/")
    for name in ("Roux", "Blanc", "Faure"):
        _twins(centre_a, name)
    with django_assert_max_num_queries(PAGE_QUERIES + 2):  # one query per count
        assert client.get("/").status_code == 200


def test_the_duplicates_page_lists_what_the_home_page_counts(
    diane: User, centre_a: Centre, client_for: Login
) -> None:
    """Regression: the page read the network's 200 newest open pairs, then kept those of the
    reader's centres; with 200 newer pairs elsewhere, Diane's pair was counted but not listed."""
    first, second = _twins(centre_a, "Roux")
    DuplicateSuspicion.objects.bulk_create(
        DuplicateSuspicion(
            first_link=uuid.uuid4(),
            second_link=uuid.uuid4(),
            reason=DuplicateSuspicion.Reason.SAME_TRAITS,
            detected_at=timezone.now() + dt.timedelta(minutes=1),
        )
        for _ in range(200)
    )
    client = client_for(diane)

    assert home_counts(client)["data_manager"][DUPLICATES] == 1
    html = client.get("/patients/doublons/").content.decode()
    assert first.pseudonym in html
    assert second.pseudonym in html


def test_the_visits_to_complete_page_lists_my_centres_visits(
    diane: User,
    centre_a: Centre,
    centre_b: Centre,
    patient_a: Patient,
    client_for: Login,
    django_assert_max_num_queries: Any,
) -> None:
    _incomplete_visit(patient_a, centre_a)
    elsewhere = make_patient(centre_b)
    _incomplete_visit(elsewhere, centre_b)
    client = client_for(diane)
    client.get("/suivi/a-completer/")
    for _ in range(3):
        _incomplete_visit(make_patient(centre_a), centre_a)

    # The session and rights, the page of visits, the audit event and the session's save.
    with django_assert_max_num_queries(PAGE_QUERIES + 4):
        html = client.get("/suivi/a-completer/").content.decode()

    assert patient_a.pseudonym in html
    assert "Numération plaquettaire du bilan de suivi." in html
    assert elsewhere.pseudonym not in html


def test_the_visits_to_complete_page_is_refused_to_a_transfusion_specialist(
    client_for: Login,
) -> None:
    site = make_centre(name="EFS Marseille", kind=Centre.Kind.BLOOD_ESTABLISHMENT)
    specialist = make_user(email="efs@efs.test")
    give_role(specialist, site, Role.TRANSFUSION_SPECIALIST)
    assert client_for(specialist).get("/suivi/a-completer/").status_code == 404
