"""Diagnoses, genetic findings, phenotypes, consents and vital status: checked against the
nomenclatures, impossible dates refused, nothing half-written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from filiere.access.actors import SYSTEM
from filiere.audit.models import AuditEvent
from filiere.lib.partial_dates import PartialDate
from filiere.network.models import Centre
from filiere.patients.models import AgeCategory, Consent, Diagnosis, DiagnosisStatus, Patient
from filiere.patients.selectors import current_consents, has_opposed_national_reuse
from filiere.patients.services import (
    consent_record,
    diagnosis_record,
    diagnosis_update,
    genetic_finding_record,
    patient_update_status,
    phenotype_record,
    platelet_workup_record,
)
from filiere.testing.factories import glanzmann_values


def test_a_confirmed_glanzmann_diagnosis_is_recorded_with_its_gene(
    patient_a: Patient, centre_a: Centre
) -> None:
    diagnosis = diagnosis_record(
        actor=SYSTEM, patient=patient_a, centre=centre_a, **glanzmann_values()
    )
    assert diagnosis.orpha is not None
    assert diagnosis.orpha.code == 849
    assert list(diagnosis.genes.values_list("symbol", flat=True)) == ["ITGB3"]
    assert diagnosis.diagnosis_date == PartialDate(1993, 4)
    assert (
        AuditEvent.objects.filter(object_id=str(diagnosis.public_id), action="create").count() == 1
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"orpha_code": 99999999}, "orpha_code"),
        ({"orpha_code": "ORPHA:123456"}, "orpha_code"),
        ({"orpha_code": None, "icd10_code": "Z99.9"}, "icd10_code"),
        ({"orpha_code": None}, "orpha_code"),
        ({"genes": ["NOTAGENE"]}, "genes"),
        ({"diagnosis_date": PartialDate(1980)}, "diagnosis_date"),
        ({"onset_months": None}, "onset_years"),
        ({"clinical_dx_category": AgeCategory.NEONATAL}, "clinical_dx_years"),
        ({"genetic_techniques": ["MED-999"]}, "genetic_techniques"),
        ({"clinical_description": ["HP:9999999"]}, "clinical_description"),
        ({"bleeding_severity": "severe"}, "bleeding_severity"),
    ],
)
def test_bad_diagnoses_are_refused_naming_the_field(
    patient_a: Patient, centre_a: Centre, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        diagnosis_record(
            actor=SYSTEM, patient=patient_a, centre=centre_a, **glanzmann_values(**changes)
        )
    assert field in error.value.message_dict
    assert Diagnosis.objects.count() == 0


def test_a_diagnostic_dead_end_carries_the_network_items(
    patient_a: Patient, centre_a: Centre
) -> None:
    diagnosis = diagnosis_record(
        actor=SYSTEM,
        patient=patient_a,
        centre=centre_a,
        **glanzmann_values(
            orpha_code=616874,
            status=DiagnosisStatus.EQUIVOCAL,
            genes=[],
            clinical_description=["HP:0001873", "ORPHA:275729"],
            bleeding_severity="moderate",
            bleeding_sites=["epistaxis", "menorrhagia"],
            transmission="ad",
            diagnostic_delay_months=84,
        ),
    )
    assert diagnosis.clinical_description == ["HP:0001873", "ORPHA:275729"]
    assert diagnosis.diagnostic_delay_months == 84


def test_a_dead_end_must_be_equivocal(patient_a: Patient, centre_a: Centre) -> None:
    with pytest.raises(ValidationError) as error:
        diagnosis_record(
            actor=SYSTEM,
            patient=patient_a,
            centre=centre_a,
            **glanzmann_values(orpha_code=616874, genes=[]),
        )
    assert "équivoque" in str(error.value.message_dict["status"])


def test_status_change_is_audited_with_before_and_after(
    patient_a: Patient, centre_a: Centre
) -> None:
    diagnosis = diagnosis_record(
        actor=SYSTEM,
        patient=patient_a,
        centre=centre_a,
        **glanzmann_values(status=DiagnosisStatus.ONGOING),
    )
    changes = diagnosis_update(actor=SYSTEM, diagnosis=diagnosis, status=DiagnosisStatus.CONFIRMED)
    assert changes["status"] == {"avant": "ongoing", "après": "confirmed"}


def test_death_before_a_diagnosis_is_refused(patient_a: Patient, centre_a: Centre) -> None:
    diagnosis_record(actor=SYSTEM, patient=patient_a, centre=centre_a, **glanzmann_values())
    with pytest.raises(ValidationError) as error:
        patient_update_status(
            actor=SYSTEM,
            patient=patient_a,
            vital_status="deceased",
            death_date=PartialDate(1992, 1, 1),
        )
    assert "précède le diagnostic" in str(error.value.message_dict["death_date"])
    patient_a.refresh_from_db()
    assert patient_a.vital_status == "alive"


def test_deceased_needs_a_date_and_a_date_needs_deceased(patient_a: Patient) -> None:
    with pytest.raises(ValidationError):
        patient_update_status(actor=SYSTEM, patient=patient_a, vital_status="deceased")
    with pytest.raises(ValidationError):
        patient_update_status(
            actor=SYSTEM, patient=patient_a, vital_status="alive", death_date=PartialDate(2020)
        )
    patient_update_status(
        actor=SYSTEM,
        patient=patient_a,
        vital_status="deceased",
        death_date=PartialDate(2024, 2),
        death_due_to_rare_disease=True,
    )
    patient_a.refresh_from_db()
    assert patient_a.death_date == PartialDate(2024, 2)


@pytest.mark.parametrize(
    ("hgvs", "gene"),
    [
        ("NM_000212.3:c.1697G>A", "NOTAGENE"),
        ("NM_000212:c.1697G>A", "ITGB3"),
        ("c.1697G>A", "ITGB3"),
    ],
)
def test_bad_variants_are_refused(patient_a: Patient, hgvs: str, gene: str) -> None:
    with pytest.raises(ValidationError):
        genetic_finding_record(
            actor=SYSTEM,
            patient=patient_a,
            gene=gene,
            hgvs=hgvs,
            zygosity="homozygous",
            acmg_class=5,
            technique="panel",
        )


def test_a_relative_needs_a_kinship(patient_a: Patient) -> None:
    with pytest.raises(ValidationError) as error:
        genetic_finding_record(
            actor=SYSTEM,
            patient=patient_a,
            gene="ITGB3",
            hgvs="NM_000212.3:c.1697G>A",
            zygosity="heterozygous",
            acmg_class=5,
            technique="sanger",
            is_index_case=False,
        )
    assert "kinship" in error.value.message_dict
    finding = genetic_finding_record(
        actor=SYSTEM,
        patient=patient_a,
        gene="ITGB3",
        hgvs="NM_000212.3:c.1697G>A",
        zygosity="heterozygous",
        acmg_class=5,
        technique="sanger",
        is_index_case=False,
        kinship="MTH",
    )
    assert finding.kinship == "MTH"


def test_hpo_terms_come_from_the_real_ontology(patient_a: Patient) -> None:
    observation = phenotype_record(
        actor=SYSTEM, patient=patient_a, hpo_id="hp:0001873", onset="HP:0003577"
    )
    assert observation.hpo_label == "Thrombocytopenia"
    with pytest.raises(ValidationError):
        phenotype_record(actor=SYSTEM, patient=patient_a, hpo_id="HP:0001873")
    with pytest.raises(ValidationError):
        phenotype_record(actor=SYSTEM, patient=patient_a, hpo_id="HP:9999999")


def test_platelet_workup_percentages_are_bounded(patient_a: Patient) -> None:
    with pytest.raises(ValidationError):
        platelet_workup_record(
            actor=SYSTEM, patient=patient_a, sampled_on=dt.date(2024, 1, 1), aggregation_adp=140
        )
    workup = platelet_workup_record(
        actor=SYSTEM,
        patient=patient_a,
        sampled_on=dt.date(2024, 1, 1),
        platelet_count=245,
        aggregation_adp=4,
        cd41_cd61_expression=2,
        glanzmann_type="type_1",
    )
    assert workup.glanzmann_type == "type_1"


def test_consents_are_dated_versioned_and_the_latest_applies(patient_a: Patient) -> None:
    consent_record(
        actor=SYSTEM,
        patient=patient_a,
        kind=Consent.Kind.BNDMR_OPPOSITION,
        answer=True,
        answered_on=dt.date(2023, 1, 5),
        information_version="notice v1",
    )
    assert has_opposed_national_reuse(patient_a)
    consent_record(
        actor=SYSTEM,
        patient=patient_a,
        kind=Consent.Kind.BNDMR_OPPOSITION,
        answer=False,
        answered_on=dt.date(2024, 3, 1),
        information_version="notice v2",
    )
    assert not has_opposed_national_reuse(patient_a)
    assert (
        current_consents(patient_a)[Consent.Kind.BNDMR_OPPOSITION].information_version
        == "notice v2"
    )
    assert patient_a.consents.count() == 2  # nothing is overwritten
    with pytest.raises(ValidationError):
        consent_record(
            actor=SYSTEM,
            patient=patient_a,
            kind=Consent.Kind.RESEARCH_CONTACT,
            answer=True,
            answered_on=dt.date(2024, 3, 1),
            information_version=" ",
        )
