"""Duplicate review by a data manager: merge or dismiss, never automatic, refused to outsiders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.identity.models import DuplicateSuspicion
from filiere.network.models import Centre, Role
from filiere.patients.models import Patient
from filiere.patients.services import diagnosis_record
from filiere.testing.factories import give_role, glanzmann_values, make_patient, make_user

ClientFor = Callable[[User], Client]


@pytest.fixture
def pair(centre_a: Centre, centre_b: Centre, nomenclature: None) -> tuple[Patient, Patient]:
    first = make_patient(
        centre_a, birth_name="Roux", first_given_name="Lina", birth_date=dt.date(2010, 1, 2)
    )
    second = make_patient(
        centre_b, birth_name="ROUX", first_given_name="Lina", birth_date=dt.date(2010, 1, 2)
    )
    diagnosis_record(
        actor=SYSTEM, patient=second, centre=centre_b, **glanzmann_values(diagnosis_date=None)
    )
    return first, second


@pytest.fixture
def data_manager(centre_a: Centre, centre_b: Centre) -> User:
    """A data manager of both centres (a pair is hers only when she follows both records)."""
    user = make_user(email="dm@hopital.test")
    give_role(user, centre_a, Role.DATA_MANAGER)
    give_role(user, centre_b, Role.DATA_MANAGER)
    return user


def test_data_manager_merges_a_pair_and_nothing_is_lost(
    pair: tuple[Patient, Patient], data_manager: User, client_for: ClientFor
) -> None:
    first, second = pair
    client = client_for(data_manager)
    html = client.get("/patients/doublons/").content.decode()
    assert first.pseudonym in html
    assert second.pseudonym in html
    suspicion = DuplicateSuspicion.objects.get()
    response = client.post(
        f"/patients/doublons/{suspicion.public_id}/",
        {"decision": "merge", "keep": str(first.public_id)},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.merged_into == first
    assert first.diagnoses.count() == 1
    assert first.care_episodes.count() == 2
    assert Patient.objects.count() == 2  # the absorbed record stays, marked as merged


def test_dismissal_needs_a_reason(
    pair: tuple[Patient, Patient], data_manager: User, client_for: ClientFor
) -> None:
    suspicion = DuplicateSuspicion.objects.get()
    client = client_for(data_manager)
    client.post(f"/patients/doublons/{suspicion.public_id}/", {"decision": "dismiss"})
    suspicion.refresh_from_db()
    assert suspicion.status == DuplicateSuspicion.Status.OPEN
    client.post(
        f"/patients/doublons/{suspicion.public_id}/", {"decision": "dismiss", "note": "Jumelles"}
    )
    suspicion.refresh_from_db()
    assert suspicion.status == DuplicateSuspicion.Status.DISMISSED


def test_clinicians_and_unrelated_data_managers_are_refused(
    pair: tuple[Patient, Patient], alice: User, client_for: ClientFor, db: None
) -> None:
    suspicion = DuplicateSuspicion.objects.get()
    assert client_for(alice).get("/patients/doublons/").status_code == 404
    outsider = make_user()
    give_role(outsider, make_centre_elsewhere(), Role.DATA_MANAGER)
    client = client_for(outsider)
    assert pair[0].pseudonym not in client.get("/patients/doublons/").content.decode()
    response = client.post(
        f"/patients/doublons/{suspicion.public_id}/", {"decision": "dismiss", "note": "x"}
    )
    assert response.status_code == 404
    suspicion.refresh_from_db()
    assert suspicion.status == DuplicateSuspicion.Status.OPEN


def make_centre_elsewhere() -> Centre:
    from filiere.testing.factories import make_centre

    return make_centre(name="CCMR Brest", city="Brest", region="53")


def test_a_merge_moves_the_records_of_every_module(
    pair: tuple[Patient, Patient], data_manager: User, centre_b: Centre, client_for: ClientFor
) -> None:
    from filiere.followup.models import BleedingEvent
    from filiere.followup.services.bleeding import bleeding_event_record
    from filiere.patients.services import duplicate_merge

    first, second = pair
    event = bleeding_event_record(
        actor=SYSTEM,
        patient=second,
        centre=centre_b,
        occurred_on=dt.date(2024, 5, 2),
        site="epistaxis",
        severity=BleedingEvent.Severity.values[0],
    )
    duplicate_merge(actor=data_manager, suspicion=DuplicateSuspicion.objects.get(), keep=first)
    event.refresh_from_db()
    assert event.patient == first
