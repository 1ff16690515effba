"""Registry records that contradict the patient or each other are refused, naming the field,
whether they come from a form or the API (both call these services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.core.corrections import record_withdraw
from filiere.lib.partial_dates import PartialDate
from filiere.network.models import Centre
from filiere.patients.models import (
    AgeCategory,
    Consent,
    Diagnosis,
    DiagnosisStatus,
    Patient,
    PhenotypeObservation,
    PlateletWorkup,
)
from filiere.patients.services import (
    consent_record,
    diagnosis_record,
    diagnosis_update,
    phenotype_record,
    platelet_workup_record,
    platelet_workup_update,
)
from filiere.testing.factories import glanzmann_values, make_patient

TODAY = timezone.localdate()


@pytest.fixture
def child(centre_a: Centre, nomenclature: None) -> Patient:
    """A girl born in June 2014: 12 years old on 02/12/2026."""
    patient: Patient = make_patient(
        centre_a, first_given_name="Inès", birth_date=dt.date(2014, 6, 10)
    )
    return patient


def _child_diagnosis(**changes: Any) -> dict[str, Any]:
    return glanzmann_values(diagnosis_date=PartialDate(2016, 3), **changes)


# --- Ages in the diagnosis (sent to the national dataset SDM-MR) ---------------------------


def test_ages_beyond_the_patient_age_are_refused(child: Patient, centre_a: Centre) -> None:
    """Age 40 at first signs and 50 at clinical diagnosis cannot describe a 12-year-old."""
    with pytest.raises(ValidationError) as error:
        diagnosis_record(
            actor=SYSTEM,
            patient=child,
            centre=centre_a,
            **_child_diagnosis(
                onset_years=40,
                onset_months=None,
                clinical_dx_years=50,
                genetic_dx_years=None,
                genetic_dx_category=AgeCategory.UNDETERMINED,
            ),
        )
    errors = error.value.message_dict
    assert "âge aux premiers signes" in errors["onset_years"][0]
    assert "40 ans" in errors["onset_years"][0]
    assert "12 ans" in errors["onset_years"][0]
    assert "âge au diagnostic clinique" in errors["clinical_dx_years"][0]
    assert Diagnosis.objects.count() == 0


def test_an_age_in_months_beyond_the_patient_age_is_refused(
    child: Patient, centre_a: Centre
) -> None:
    """12 years and 7 months at most on 02/12/2026 for a birth in June 2014."""
    with pytest.raises(ValidationError) as error:
        diagnosis_record(
            actor=SYSTEM,
            patient=child,
            centre=centre_a,
            **_child_diagnosis(genetic_dx_years=12, genetic_dx_months=11),
        )
    assert "genetic_dx_years" in error.value.message_dict


def test_ages_up_to_the_patient_age_are_recorded(child: Patient, centre_a: Centre) -> None:
    age_years = (TODAY.year - 2014) - (TODAY.month < 6)
    diagnosis = diagnosis_record(
        actor=SYSTEM,
        patient=child,
        centre=centre_a,
        **_child_diagnosis(genetic_dx_years=age_years),
    )
    assert diagnosis.genetic_dx_years == age_years


def test_a_presymptomatic_diagnosis_is_recorded(child: Patient, centre_a: Centre) -> None:
    """In a known family, the diagnosis is made at birth (cord blood, genetics) before the
    first bleeding: the first signs may come after the diagnoses, so no order is imposed."""
    diagnosis = diagnosis_record(
        actor=SYSTEM,
        patient=child,
        centre=centre_a,
        **_child_diagnosis(
            onset_months=10,
            clinical_dx_category=AgeCategory.NEONATAL,
            clinical_dx_years=None,
            genetic_dx_category=AgeCategory.NEONATAL,
            genetic_dx_years=None,
        ),
    )
    assert diagnosis.onset_months == 10


def test_an_update_beyond_the_patient_age_is_refused(child: Patient, centre_a: Centre) -> None:
    diagnosis = diagnosis_record(actor=SYSTEM, patient=child, centre=centre_a, **_child_diagnosis())
    with pytest.raises(ValidationError) as error:
        diagnosis_update(actor=SYSTEM, diagnosis=diagnosis, clinical_dx_years=50)
    assert "clinical_dx_years" in error.value.message_dict
    diagnosis.refresh_from_db()
    assert diagnosis.clinical_dx_years == 2


def test_the_age_of_a_deceased_patient_stops_at_death(child: Patient, centre_a: Centre) -> None:
    from filiere.patients.services import patient_update_status

    patient_update_status(
        actor=SYSTEM, patient=child, vital_status="deceased", death_date=PartialDate(2019, 2)
    )
    with pytest.raises(ValidationError) as error:
        diagnosis_record(
            actor=SYSTEM, patient=child, centre=centre_a, **_child_diagnosis(genetic_dx_years=6)
        )
    assert "4 ans" in error.value.message_dict["genetic_dx_years"][0]


# --- The same disease twice ---------------------------------------------------------------


def test_the_same_orpha_code_twice_is_refused(patient_a: Patient, centre_a: Centre) -> None:
    diagnosis_record(actor=SYSTEM, patient=patient_a, centre=centre_a, **glanzmann_values())
    with pytest.raises(ValidationError) as error:
        diagnosis_record(
            actor=SYSTEM,
            patient=patient_a,
            centre=centre_a,
            **glanzmann_values(status=DiagnosisStatus.ONGOING),
        )
    assert "ORPHA:849" in error.value.message_dict["orpha_code"][0]
    assert patient_a.diagnoses.count() == 1


def test_another_patient_may_have_the_same_orpha_code(patient_a: Patient, centre_a: Centre) -> None:
    other = make_patient(centre_a, first_given_name="Louise")
    diagnosis_record(actor=SYSTEM, patient=patient_a, centre=centre_a, **glanzmann_values())
    diagnosis_record(actor=SYSTEM, patient=other, centre=centre_a, **glanzmann_values())
    assert Diagnosis.objects.count() == 2


def test_the_same_icd10_code_twice_is_refused(patient_a: Patient, centre_a: Centre) -> None:
    values = glanzmann_values(orpha_code=None, icd10_code="D69.1", genes=[])
    diagnosis_record(actor=SYSTEM, patient=patient_a, centre=centre_a, **values)
    with pytest.raises(ValidationError) as error:
        diagnosis_record(actor=SYSTEM, patient=patient_a, centre=centre_a, **values)
    assert "D69.1" in error.value.message_dict["icd10_code"][0]


def test_a_withdrawn_diagnosis_does_not_block_its_disease(
    patient_a: Patient, centre_a: Centre
) -> None:
    """A diagnosis withdrawn as entered in error stays in the history, out of the record."""
    first = diagnosis_record(actor=SYSTEM, patient=patient_a, centre=centre_a, **glanzmann_values())
    record_withdraw(actor=SYSTEM, record=first, reason="Saisie erronée : mauvais patient")
    again = diagnosis_record(actor=SYSTEM, patient=patient_a, centre=centre_a, **glanzmann_values())
    assert again.orpha == first.orpha


# --- Consents -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answered_on", "words"),
    [
        (dt.date(1989, 12, 31), "précède la naissance"),
        (None, "dans le futur"),  # tomorrow, read when the test runs (not when collected)
    ],
)
def test_a_consent_dated_before_birth_or_in_the_future_is_refused(
    patient_a: Patient, answered_on: dt.date | None, words: str
) -> None:
    if answered_on is None:
        answered_on = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        consent_record(
            actor=SYSTEM,
            patient=patient_a,
            kind=Consent.Kind.RESEARCH_CONTACT,
            answer=True,
            answered_on=answered_on,
            information_version="notice v1",
        )
    assert words in error.value.message_dict["answered_on"][0]
    assert Consent.objects.count() == 0


# --- Phenotypes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("observed_on", "words"),
    [
        (dt.date(2030, 1, 1), "dans le futur"),
        (dt.date(1989, 1, 1), "précède la naissance"),
    ],
)
def test_an_observation_dated_in_the_future_or_before_birth_is_refused(
    patient_a: Patient, observed_on: dt.date, words: str
) -> None:
    with pytest.raises(ValidationError) as error:
        phenotype_record(
            actor=SYSTEM, patient=patient_a, hpo_id="HP:0001873", observed_on=observed_on
        )
    assert words in error.value.message_dict["observed_on"][0]
    assert PhenotypeObservation.objects.count() == 0


@pytest.mark.parametrize(
    "hpo_id",
    [
        "HP:0000001",  # All
        "HP:0000118",  # Phenotypic abnormality, the root of phenotypes, not one
        "HP:0000005",  # Mode of inheritance
        "HP:0000006",  # Autosomal dominant inheritance
        "HP:0012823",  # Clinical modifier
        "HP:0040279",  # Frequency
        "HP:0003577",  # Congenital onset
    ],
)
def test_hpo_terms_that_are_not_phenotypes_are_refused(patient_a: Patient, hpo_id: str) -> None:
    """Only the terms under Phenotypic abnormality (HP:0000118) describe a phenotype; the
    other subtrees of the HPO are inheritance, onset, modifiers and frequencies."""
    with pytest.raises(ValidationError) as error:
        phenotype_record(actor=SYSTEM, patient=patient_a, hpo_id=hpo_id)
    assert "anomalie phénotypique" in error.value.message_dict["hpo_id"][0]
    assert PhenotypeObservation.objects.count() == 0


def test_a_non_phenotype_term_is_refused_in_a_clinical_description(
    patient_a: Patient, centre_a: Centre
) -> None:
    with pytest.raises(ValidationError) as error:
        diagnosis_record(
            actor=SYSTEM,
            patient=patient_a,
            centre=centre_a,
            **glanzmann_values(
                orpha_code=616874,
                status=DiagnosisStatus.EQUIVOCAL,
                genes=[],
                clinical_description=["HP:0000006"],
            ),
        )
    assert "clinical_description" in error.value.message_dict


# --- Platelet work-ups --------------------------------------------------------------------


def _workup(patient: Patient, **values: Any) -> PlateletWorkup:
    return platelet_workup_record(
        actor=SYSTEM, patient=patient, sampled_on=dt.date(2024, 1, 1), **values
    )


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("platelet_count", Decimal("99999"), "Numération plaquettaire"),
        ("platelet_count", Decimal("-3"), "Numération plaquettaire"),
        ("mean_platelet_volume", Decimal("95"), "Volume plaquettaire moyen"),
        ("mean_platelet_volume", Decimal("1.2"), "Volume plaquettaire moyen"),
        ("cd41_cd61_expression", 900, "Expression αIIbβ3"),
        ("gpvi_expression", 450, "Expression GPVI"),
    ],
)
def test_implausible_workup_values_are_refused_naming_the_field(
    patient_a: Patient, field: str, value: Decimal | int, label: str
) -> None:
    """Bounds of filiere.clinical.lab_bounds: platelets 0-2,000 G/L (above 1,000 is already
    extreme thrombocytosis, Tefferi & Barbui, Am J Hematol 2023), MPV 3-30 fL (Wiskott-Aldrich
    microplatelets 3.5-5 fL, Ochs & Thrasher, JACI 2006), expression 0-300 % of the control."""
    with pytest.raises(ValidationError) as error:
        _workup(patient_a, **{field: value})
    message = error.value.message_dict[field][0]
    assert label in message
    assert "contrainte" not in message
    assert PlateletWorkup.objects.count() == 0


@pytest.mark.parametrize(
    ("expression", "glanzmann_type"),
    [(95, "type_1"), (12, "type_1"), (2, "type_2"), (30, "type_2"), (3, "variant")],
)
def test_a_glanzmann_type_contradicting_the_expression_is_refused(
    patient_a: Patient, expression: int, glanzmann_type: str
) -> None:
    """Type I < 5 % αIIbβ3, type II 5-20 %, variant > 20 % (George, Caen & Nurden, Blood
    1990;75:1383-95; Nurden, Orphanet J Rare Dis 2006;1:10)."""
    with pytest.raises(ValidationError) as error:
        _workup(patient_a, cd41_cd61_expression=expression, glanzmann_type=glanzmann_type)
    assert "αIIbβ3" in error.value.message_dict["glanzmann_type"][0]
    assert PlateletWorkup.objects.count() == 0


def test_a_workup_correction_keeps_the_bounds_and_the_glanzmann_type(
    patient_a: Patient,
) -> None:
    workup = _workup(patient_a, cd41_cd61_expression=2, glanzmann_type="type_1")
    with pytest.raises(ValidationError) as error:
        platelet_workup_update(actor=SYSTEM, workup=workup, platelet_count=Decimal("99999"))
    assert "Numération plaquettaire" in error.value.message_dict["platelet_count"][0]
    with pytest.raises(ValidationError) as error:
        platelet_workup_update(actor=SYSTEM, workup=workup, cd41_cd61_expression=95)
    assert "glanzmann_type" in error.value.message_dict
    workup.refresh_from_db()
    assert (workup.platelet_count, workup.cd41_cd61_expression) == (None, 2)


@pytest.mark.parametrize(
    ("expression", "glanzmann_type"),
    [(2, "type_1"), (12, "type_2"), (20, "type_2"), (20, "variant"), (95, "variant")],
)
def test_a_glanzmann_type_fitting_the_expression_is_recorded(
    patient_a: Patient, expression: int, glanzmann_type: str
) -> None:
    workup = _workup(patient_a, cd41_cd61_expression=expression, glanzmann_type=glanzmann_type)
    assert workup.glanzmann_type == glanzmann_type
