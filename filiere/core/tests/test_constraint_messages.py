"""A database constraint never shows its technical name to a user: each one says, in French,
which value is wrong, and the shared write helpers attach it to that field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client

from filiere.accounts.models import User
from filiere.core.services import constraint_fields, create_validated, update_validated
from filiere.patients.models import Patient, PlateletWorkup

ClientFor = Callable[[User], Client]


def _speaks_to_users(constraint: models.BaseConstraint) -> bool:
    # A unique constraint on plain fields without a condition says "X with these fields
    # already exists" in the user's language; every other kind shows its violation message.
    if isinstance(constraint, models.UniqueConstraint):
        return bool(constraint.condition or constraint.expressions)
    return True


def test_every_constraint_of_the_project_has_a_french_message() -> None:
    missing = [
        f"{model._meta.label}.{constraint.name}"
        for model in apps.get_models()
        if model.__module__.startswith("filiere.")
        for constraint in model._meta.constraints
        if _speaks_to_users(constraint)
        and constraint.violation_error_message == constraint.default_violation_error_message
    ]
    assert missing == []


def test_every_constraint_message_is_attached_to_a_field_of_its_model() -> None:
    unattached = [
        f"{model._meta.label}.{constraint.name}"
        for model in apps.get_models()
        if model.__module__.startswith("filiere.")
        for constraint in model._meta.constraints
        if _speaks_to_users(constraint) and not constraint_fields(model, constraint)
    ]
    assert unattached == []


def test_a_negative_platelet_count_is_refused_beside_its_field(patient_a: Patient) -> None:
    """Defect: « La contrainte « workup_platelet_count_not_negative » n'est pas respectée. »"""
    with pytest.raises(ValidationError) as error:
        create_validated(
            PlateletWorkup,
            patient=patient_a,
            sampled_on=dt.date(2024, 1, 1),
            platelet_count=Decimal("-3"),
        )
    message = " ".join(error.value.message_dict["platelet_count"])
    assert "Numération plaquettaire" in message
    assert "workup_platelet_count_not_negative" not in str(error.value)
    assert "contrainte" not in str(error.value)
    assert not PlateletWorkup.objects.exists()


def test_an_update_breaking_a_constraint_is_refused_beside_its_field(
    patient_a: Patient,
) -> None:
    with pytest.raises(ValidationError) as error:
        update_validated(patient_a, {"idmr": "123"})
    assert "idmr" in error.value.message_dict
    assert "contrainte" not in str(error.value)


@pytest.mark.parametrize("count", ["-3", "99999"])
def test_the_workup_form_shows_the_refusal_beside_the_field(
    patient_a: Patient, alice: User, client_for: ClientFor, count: str
) -> None:
    response = client_for(alice).post(
        f"/patients/{patient_a.public_id}/bilans/nouveau/",
        {"sampled_on": "2024-01-01", "platelet_count": count},
    )
    html = response.content.decode()
    assert response.status_code == 200
    refusal = response.context["form"].errors["platelet_count"][0]
    assert refusal.startswith("Numération plaquettaire : valeur invraisemblable")
    assert "workup_platelet_count_not_negative" not in html
    assert "contrainte" not in html
    assert "Numération plaquettaire : valeur invraisemblable" in html
    assert not PlateletWorkup.objects.exists()
