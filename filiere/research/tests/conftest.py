"""A hand-made cohort of Glanzmann thrombasthenia (ORPHA:849) for the research extracts.

Centre A: five women of 35-39 (one class of 5) and a man of 75-79 alone; centre B: three women of
35-39; centre C: two women of 35-39 (classes of 3 and 2, which make 5 once the centre is
removed); one more woman of centre A who opposed reuse of her data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.network.models import Centre, Role
from filiere.patients.models import Consent, Patient
from filiere.patients.services import consent_record, diagnosis_record
from filiere.testing.factories import (
    give_role,
    glanzmann_values,
    make_centre,
    make_patient,
    make_user,
)


@dataclass
class Cohort:
    centre_a: Centre
    centre_b: Centre
    centre_c: Centre
    patients: list[Patient]
    lonely_man: Patient
    opposed: Patient


def _born(age: int, sex: str) -> dict[str, Any]:
    # Born in January: the age in completed years is the same in any month but the first.
    return {"birth_date": dt.date(timezone.localdate().year - age, 1, 10), "sex": sex}


def _glanzmann(centre: Centre, age: int, sex: str = "F") -> Patient:
    patient = make_patient(centre, **_born(age, sex))
    diagnosis_record(
        actor=SYSTEM,
        patient=patient,
        centre=centre,
        **glanzmann_values(comment="Suivie par le Dr Lenoir, rue des Lilas"),
    )
    return patient


@pytest.fixture
def cohort(centre_a: Centre, centre_b: Centre, nomenclature: None) -> Cohort:
    centre_c = make_centre(name="CCMR Brest (C)", short_name="Centre C", city="Brest")
    patients = [_glanzmann(centre_a, 37) for _ in range(5)]
    patients += [_glanzmann(centre_b, 36) for _ in range(3)]
    patients += [_glanzmann(centre_c, 38) for _ in range(2)]
    lonely_man = _glanzmann(centre_a, 76, "M")
    opposed = _glanzmann(centre_a, 37)
    consent_record(
        actor=SYSTEM,
        patient=opposed,
        kind=Consent.Kind.BNDMR_OPPOSITION,
        answer=True,
        answered_on=dt.date(2024, 3, 1),
        information_version="v2",
    )
    return Cohort(centre_a, centre_b, centre_c, [*patients, lonely_man], lonely_man, opposed)


@pytest.fixture
def researcher(centre_a: Centre) -> User:
    """A clinician of centre A who asks for an extract."""
    user = make_user(email="chercheuse@hopital.test", first_name="Rita", last_name="Cherche")
    give_role(user, centre_a, Role.CLINICIAN)
    return user
