"""Refused input is recorded in one place (issue 14): the services of the registry, follow-up and
transfusion record a refusal the way the case meetings always did — one « refusé » event naming
the patient, written after the refused write rolled back, and nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.followup.models import Visit
from filiere.followup.services.visits import visit_record
from filiere.network.models import Centre, Role
from filiere.patients.models import Patient, PhenotypeObservation
from filiere.patients.services import phenotype_record
from filiere.testing.factories import give_role, make_user
from filiere.transfusion.models import HlaTyping
from filiere.transfusion.services import hla_typing_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinician(centre_a: Centre) -> User:
    user = make_user(email="refus@hopital.test")
    give_role(user, centre_a, Role.CLINICIAN)
    return user


def _refused_phenotype(user: User, patient: Patient, centre: Centre) -> Any:
    return phenotype_record(actor=user, patient=patient, hpo_id="HP:9999999")


def _refused_visit(user: User, patient: Patient, centre: Centre) -> Any:
    future = timezone.localdate() + dt.timedelta(days=30)
    return visit_record(actor=user, patient=patient, centre=centre, visited_on=future)


def _refused_typing(user: User, patient: Patient, centre: Centre) -> Any:
    return hla_typing_record(
        actor=user, patient=patient, typing="pas un typage", typed_on=dt.date(2024, 1, 10)
    )


CASES: list[tuple[str, Callable[[User, Patient, Centre], Any], type[Any], str]] = [
    ("registry", _refused_phenotype, PhenotypeObservation, "Enregistrement d'un phénotype HPO"),
    ("follow-up", _refused_visit, Visit, "Enregistrement d'une visite"),
    ("transfusion", _refused_typing, HlaTyping, "Enregistrement d'un typage HLA"),
]


@pytest.mark.parametrize(("module", "refused", "model", "what"), CASES, ids=[c[0] for c in CASES])
def test_a_refused_record_leaves_one_refusal_naming_the_patient_and_nothing_else(
    module: str,
    refused: Callable[[User, Patient, Centre], Any],
    model: type[Any],
    what: str,
    clinician: User,
    patient_a: Patient,
    centre_a: Centre,
) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        refused(clinician, patient_a, centre_a)
    assert not model.objects.exists()
    (event,) = AuditEvent.objects.order_by("-pk")[: AuditEvent.objects.count() - before]
    assert event.action == AuditEvent.Action.REFUSED
    assert event.actor == clinician
    assert event.patient_id == patient_a.public_id
    assert event.summary.startswith(f"{what} refusé : ")
