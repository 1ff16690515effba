"""A merge of two records of one person (issue 14: each app moves its own records).

The absorbed record's transfusions, typings and sera join the kept patient; a signed instruction
history stays on the record it was signed for when the kept patient has one, and the kept
instruction is shown « à revoir » when a newer serum arrived with the absorbed record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from filiere.accounts.models import User
from filiere.identity.models import DuplicateSuspicion
from filiere.network.models import Centre, Role
from filiere.patients.models import Patient
from filiere.patients.services import duplicate_merge
from filiere.testing.factories import give_role, make_patient, make_user
from filiere.transfusion.selectors import current_instruction, instruction_review
from filiere.transfusion.services import antibody_screen_import
from filiere.transfusion.tests.factories import SERUM_CSV, make_instruction, make_pool

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(centre_a: Centre, nomenclature: None) -> tuple[Patient, Patient]:
    """One person registered twice at centre A (a suspected duplicate)."""
    kept = make_patient(
        centre_a, birth_name="Garnier", first_given_name="Inès", birth_date=dt.date(2008, 3, 4)
    )
    absorbed = make_patient(
        centre_a, birth_name="GARNIER", first_given_name="Inès", birth_date=dt.date(2008, 3, 4)
    )
    assert DuplicateSuspicion.objects.count() == 1
    return kept, absorbed


@pytest.fixture
def data_manager(centre_a: Centre) -> User:
    user = make_user(email="dm.merge@hopital.test")
    give_role(user, centre_a, Role.DATA_MANAGER)
    return user


def _merge(data_manager: User, kept: Patient) -> None:
    duplicate_merge(actor=data_manager, suspicion=DuplicateSuspicion.objects.get(), keep=kept)


def test_the_absorbed_instructions_stay_where_they_were_signed(
    twins: tuple[Patient, Patient], data_manager: User, julien: User
) -> None:
    kept, absorbed = twins
    make_pool()
    own = make_instruction(kept, julien, threshold=3000)
    theirs = [make_instruction(absorbed, julien, threshold=t) for t in (3000, 5000)]

    _merge(data_manager, kept)

    assert list(kept.transfusion_instructions.all()) == [own]
    assert current_instruction(kept) == own
    for instruction in theirs:
        instruction.refresh_from_db()
        assert instruction.patient == absorbed
    assert kept.antibody_screens.count() == 2
    assert kept.hla_typings.count() == 2


def test_a_newer_serum_from_the_absorbed_record_puts_the_kept_instruction_to_review(
    twins: tuple[Patient, Patient], data_manager: User, julien: User
) -> None:
    kept, absorbed = twins
    make_pool()
    own = make_instruction(kept, julien, threshold=3000)
    antibody_screen_import(
        actor=julien,
        patient=absorbed,
        serum_date=timezone.localdate() - dt.timedelta(days=1),
        laboratory="Laboratoire HLA",
        file_name="serum-recent.csv",
        data=SERUM_CSV.encode(),
    )
    assert not instruction_review(own).needed

    _merge(data_manager, kept)

    assert instruction_review(own).needed


def test_a_patient_without_instruction_takes_the_absorbed_history(
    twins: tuple[Patient, Patient], data_manager: User, julien: User
) -> None:
    kept, absorbed = twins
    make_pool()
    theirs: Any = make_instruction(absorbed, julien, threshold=3000)

    _merge(data_manager, kept)

    assert current_instruction(kept) == theirs
