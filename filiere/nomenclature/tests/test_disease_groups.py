"""Issue 14: one disease-group classifier. An ICD-10-coded patient (D69.1, qualitative platelet
defect, in the « Thrombopathies » group by its ICD-10 prefix) was grouped by follow-up and put
in « Sans groupe » by the patient list filter and the RCP statistics, which read ORPHA only."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.meetings.clinical_file import registry_snapshot
from filiere.meetings.statistics import Period, Statistics, _diseases
from filiere.network.models import Centre
from filiere.nomenclature.demo import DEFAULT_GROUPS
from filiere.nomenclature.groups import GroupIndex, diagnoses_in_group, snapshot_codes
from filiere.nomenclature.models import DiseaseGroup
from filiere.nomenclature.services import disease_group_save
from filiere.patients.models import Diagnosis, Patient
from filiere.patients.selectors import PatientFilters, patient_list
from filiere.patients.services import diagnosis_record
from filiere.testing.factories import glanzmann_values, make_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(nomenclature: None) -> dict[str, DiseaseGroup]:
    return {
        slug: disease_group_save(
            actor=SYSTEM,
            slug=slug,
            name=name,
            position=position,
            orpha_codes=roots,
            icd10_prefixes=icd10,
        )
        for position, (slug, name, roots, icd10) in enumerate(DEFAULT_GROUPS)
    }


@pytest.fixture
def icd10_patient(centre_a: Centre, nomenclature: None) -> Patient:
    patient = make_patient(centre_a, birth_name="Garnier", first_given_name="Inès")
    diagnosis_record(
        actor=SYSTEM,
        patient=patient,
        centre=centre_a,
        **glanzmann_values(orpha_code=None, icd10_code="D69.1", genes=[]),
    )
    return patient


def test_the_patient_list_filter_finds_an_icd10_coded_patient(
    groups: dict[str, DiseaseGroup], icd10_patient: Patient, alice: User
) -> None:
    found = patient_list(alice, PatientFilters(disease_group=groups["thrombopathies"]))
    assert icd10_patient in found
    other = patient_list(alice, PatientFilters(disease_group=groups["willebrand"]))
    assert icd10_patient not in other


def test_the_rcp_statistics_group_an_icd10_coded_case(
    groups: dict[str, DiseaseGroup], icd10_patient: Patient
) -> None:
    stats = Statistics(Period.year(2026))
    case = SimpleNamespace(registry_snapshot=registry_snapshot(icd10_patient), is_urgent=False)
    _diseases(stats, [case])  # type: ignore[list-item]
    assert stats.by_disease_group == [("Thrombopathies", 1)]


def test_a_snapshot_taken_before_the_icd10_key_is_still_grouped() -> None:
    old = {"diagnoses": [{"code": "CIM-10 D69.1", "orpha": None, "label": "…"}]}
    assert snapshot_codes(old) == ([], ["D69.1"])


def test_follow_up_list_and_statistics_agree(
    groups: dict[str, DiseaseGroup], icd10_patient: Patient
) -> None:
    index = GroupIndex.load()
    follow_up = index.groups_of([], ["D69.1"])
    listed = set(
        DiseaseGroup.objects.filter(
            pk__in=[
                group.pk
                for group in groups.values()
                if Diagnosis.objects.filter(patient=icd10_patient)
                .filter(diagnoses_in_group(group))
                .exists()
            ]
        ).values_list("pk", flat=True)
    )
    orpha, icd10 = snapshot_codes(registry_snapshot(icd10_patient))
    assert follow_up == listed == index.groups_of(orpha, icd10) == {groups["thrombopathies"].pk}


def test_an_orpha_coded_diagnosis_is_grouped_by_its_ancestors(
    groups: dict[str, DiseaseGroup], patient_a: Patient, centre_a: Centre, alice: User
) -> None:
    diagnosis_record(actor=SYSTEM, patient=patient_a, centre=centre_a, **glanzmann_values())
    assert patient_a in patient_list(alice, PatientFilters(disease_group=groups["thrombopathies"]))
    assert GroupIndex.load().group_names([849]) == {"Thrombopathies"}
