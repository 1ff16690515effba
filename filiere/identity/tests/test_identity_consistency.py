"""Identity traits that contradict each other are refused, field by field, in French."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from filiere.access.actors import SYSTEM
from filiere.identity.models import Identity
from filiere.identity.services import INS_NIR_OID
from filiere.lib.identifiers import nir_key
from filiere.lib.partial_dates import PartialDate
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.patients.services import patient_register, patient_update_identity
from filiere.testing.factories import identity_input, make_patient


def _nir(first13: str) -> str:
    return first13 + f"{nir_key(first13):02d}"


def _register(centre: Centre, **identity: object) -> Patient:
    return patient_register(
        actor=SYSTEM,
        centre=centre,
        identity=identity_input(**identity),
        inclusion_date=PartialDate(2020, 1, 15),
    ).patient


def test_an_ins_matching_sex_and_birth_is_recorded(centre_a: Centre) -> None:
    """2 90 05 13 055 123: a woman born in May 1990, as the default identity."""
    patient = _register(centre_a, ins_matricule=_nir("2900513055123"), ins_oid=INS_NIR_OID)
    assert Identity.objects.get(link=patient.identity_link).ins_matricule.startswith("29005")


@pytest.mark.parametrize(
    ("first13", "word"),
    [
        ("1900513055123", "sexe"),
        ("2910513055123", "année"),
        ("2900613055123", "mois"),
    ],
)
def test_an_ins_contradicting_sex_or_birth_is_refused(
    centre_a: Centre, first13: str, word: str
) -> None:
    """The default identity is a woman born on 17/05/1990 (NIR digits 2, 90, 05)."""
    with pytest.raises(ValidationError) as error:
        _register(centre_a, ins_matricule=_nir(first13), ins_oid=INS_NIR_OID)
    message = " ".join(error.value.message_dict["ins_matricule"])
    assert "matricule INS" in message
    assert word in message
    assert Patient.objects.count() == 0


def test_an_ins_without_birth_month_is_accepted(centre_a: Centre) -> None:
    """Month code 20: the civil-status record had no month (INSEE), nothing to contradict."""
    patient = _register(centre_a, ins_matricule=_nir("2902013055123"), ins_oid=INS_NIR_OID)
    assert patient.pk is not None


def test_changing_the_sex_against_the_ins_is_refused(centre_a: Centre) -> None:
    patient = _register(centre_a, ins_matricule=_nir("2900513055123"), ins_oid=INS_NIR_OID)
    with pytest.raises(ValidationError) as error:
        patient_update_identity(actor=SYSTEM, patient=patient, values={"sex": "M"})
    assert "ins_matricule" in error.value.message_dict
    assert Identity.objects.get(link=patient.identity_link).sex == "F"


@pytest.mark.parametrize(
    ("birth_first_names", "first_given_name"),
    [
        ("Camille Marie", "Camille"),
        ("CAMILLE MARIE", "Camille"),
        ("Élodie Anne", "elodie"),
        ("Jean-Pierre Paul", "Jean-Pierre"),
        ("Anne Sophie Louise", "Anne Sophie"),
    ],
)
def test_the_first_given_name_opens_the_birth_first_names(
    centre_a: Centre, birth_first_names: str, first_given_name: str
) -> None:
    """INS rules: the first birth first name is the first of the list of birth first names
    (a compound one whole, "Jean-Pierre"); case and accents do not matter."""
    patient = make_patient(
        centre_a, birth_first_names=birth_first_names, first_given_name=first_given_name
    )
    assert patient.pk is not None


@pytest.mark.parametrize(
    ("birth_first_names", "first_given_name"),
    [
        ("Camille Marie", "Marie"),
        ("Camille Marie", "Sophie"),
        ("Jean-Pierre Paul", "Jean"),
        ("Camillette", "Camille"),
    ],
)
def test_a_first_given_name_not_first_of_the_birth_first_names_is_refused(
    centre_a: Centre, birth_first_names: str, first_given_name: str
) -> None:
    with pytest.raises(ValidationError) as error:
        make_patient(
            centre_a, birth_first_names=birth_first_names, first_given_name=first_given_name
        )
    message = " ".join(error.value.message_dict["first_given_name"])
    assert "premier prénom" in message
    assert Patient.objects.count() == 0


def test_the_used_first_name_is_free(centre_a: Centre) -> None:
    """The first name used in daily life (prénom utilisé) need not be a birth first name."""
    patient = make_patient(centre_a, used_first_name="Cam")
    assert Identity.objects.get(link=patient.identity_link).used_first_name == "Cam"


def test_changing_the_birth_first_names_keeps_the_rule(centre_a: Centre) -> None:
    patient = make_patient(centre_a)
    with pytest.raises(ValidationError) as error:
        patient_update_identity(
            actor=SYSTEM, patient=patient, values={"birth_first_names": "Marie Camille"}
        )
    assert "first_given_name" in error.value.message_dict
    changed = patient_update_identity(
        actor=SYSTEM,
        patient=patient,
        values={"birth_first_names": "Marie Camille", "first_given_name": "Marie"},
    )
    assert set(changed) == {"birth_first_names", "first_given_name"}
    assert Identity.objects.get(link=patient.identity_link).birth_date == dt.date(1990, 5, 17)
