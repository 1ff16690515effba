"""Treatments: drugs coded against the network's ATC table, the regulatory status with its
framework and justification when off-label, impossible dates refused; adverse events in the
EUHASS categories; the ATC table's import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.followup.models import AdverseEvent, AtcCode, Treatment
from filiere.followup.services import (
    adverse_event_record,
    atc_import_file,
    bleeding_event_record,
    treatment_record,
    treatment_update,
)
from filiere.followup.tests.helpers import rfviia_off_label
from filiere.network.models import Centre
from filiere.patients.models import Diagnosis, Patient

pytestmark = pytest.mark.usefixtures("atc")


def test_rfviia_off_label_in_glanzmann_is_recorded_with_its_framework(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User
) -> None:
    treatment = rfviia_off_label(patient_a, centre_a, glanzmann, rcp_recommendation_id=None)
    assert treatment.atc is not None
    assert treatment.atc.code == "B02BD08"
    assert treatment.category == "rfviia"  # from the ATC table
    event = AuditEvent.objects.get(object_id=str(treatment.public_id))
    assert event.patient_id == patient_a.public_id
    assert "Hors AMM, Cadre de prescription compassionnelle (CPC)" in event.summary


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"atc_code": "B2BD08"}, "atc_code", "n'est pas un code ATC"),
        ({"atc_code": "B02BD99"}, "atc_code", "absent de la table"),
        ({"off_label_framework": ""}, "off_label_framework", "exige son cadre"),
        ({"justification": "  "}, "justification", "exige une justification"),
        ({"diagnosis": None}, "diagnosis", "maladie traitée"),
        ({"ended_on": dt.date(2024, 5, 1)}, "ended_on", "précède son début"),
        ({"started_on": dt.date(2099, 1, 1), "ended_on": None}, "started_on", "dans le futur"),
        ({"regulatory_status": "within_ma"}, "off_label_framework", "suppose le statut"),
        ({"category": "antifibrinolytic"}, "category", "de la classe"),
        ({"dose_unit": ""}, "dose_unit", "avec son unité"),
        ({"rcp_recommendation_id": "pas-un-uuid"}, "rcp_recommendation_id", "invalide"),
    ],
)
def test_bad_treatments_are_refused_naming_the_field(
    patient_a: Patient,
    centre_a: Centre,
    glanzmann: Diagnosis,
    values: dict[str, Any],
    field: str,
    message: str,
) -> None:
    with pytest.raises(ValidationError) as caught:
        rfviia_off_label(patient_a, centre_a, **({"diagnosis": glanzmann} | values))
    assert message in " ".join(caught.value.message_dict[field])
    assert not Treatment.objects.exists()
    assert not AuditEvent.objects.filter(object_type="followup.treatment").exists()


def test_a_platelet_transfusion_has_no_marketing_authorisation(
    patient_a: Patient, centre_a: Centre
) -> None:
    values: dict[str, Any] = {
        "kind": "administration",
        "atc_code": "B05AX02",
        "indication": "surgery",
        "started_on": dt.date(2024, 1, 10),
    }
    with pytest.raises(ValidationError) as caught:
        treatment_record(
            actor=SYSTEM,
            patient=patient_a,
            centre=centre_a,
            regulatory_status="within_ma",
            **values,
        )
    assert "sans objet" in caught.value.message_dict["regulatory_status"][0]
    transfusion = treatment_record(
        actor=SYSTEM,
        patient=patient_a,
        centre=centre_a,
        regulatory_status="not_applicable",
        **values,
    )
    assert transfusion.category == "platelet_transfusion"


def test_a_graft_needs_no_atc_code_but_a_drug_does(patient_a: Patient, centre_a: Centre) -> None:
    values: dict[str, Any] = {
        "kind": "administration",
        "indication": "curative",
        "started_on": dt.date(2023, 1, 10),
        "regulatory_status": "not_applicable",
    }
    graft = treatment_record(
        actor=SYSTEM, patient=patient_a, centre=centre_a, category="hsct", **values
    )
    assert graft.atc is None
    with pytest.raises(ValidationError) as caught:
        treatment_record(
            actor=SYSTEM,
            patient=patient_a,
            centre=centre_a,
            category="antifibrinolytic",
            **(values | {"regulatory_status": "within_ma"}),
        )
    assert "code ATC" in caught.value.message_dict["atc_code"][0]


def test_a_treated_bleed_links_the_treatment_and_its_outcome(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User
) -> None:
    bleed = bleeding_event_record(
        actor=SYSTEM,
        patient=patient_a,
        centre=centre_a,
        occurred_on=dt.date(2024, 6, 1),
        site="epistaxis",
        severity="major",
    )
    treatment = rfviia_off_label(
        patient_a, centre_a, glanzmann, bleeding_event=bleed, outcome="", ended_on=None
    )
    changes = treatment_update(
        actor=alice, treatment=treatment, ended_on=dt.date(2024, 6, 3), outcome="effective"
    )
    assert set(changes) == {"ended_on", "outcome"}
    assert list(bleed.treatments.all()) == [treatment]
    with pytest.raises(ValidationError) as caught:
        treatment_update(actor=alice, treatment=treatment, ended_on=dt.date(2024, 5, 1))
    assert "ended_on" in caught.value.message_dict


def test_an_adverse_event_is_recorded_in_a_euhass_category(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis
) -> None:
    treatment = rfviia_off_label(patient_a, centre_a, glanzmann)
    event = adverse_event_record(
        actor=SYSTEM,
        patient=patient_a,
        centre=centre_a,
        treatment=treatment,
        occurred_on=dt.date(2024, 6, 3),
        category="thrombosis",
        description="Thrombose veineuse superficielle du bras perfusé.",
        outcome="recovered",
        serious=True,
        reported_to_pharmacovigilance=True,
        reported_on=dt.date(2024, 6, 4),
    )
    assert event.get_category_display() == "Thrombose"
    assert list(treatment.adverse_events.all()) == [event]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"category": "headache"}, "category"),
        ({"occurred_on": dt.date(2024, 5, 1)}, "occurred_on"),  # before the treatment
        ({"category": "death", "outcome": "recovered"}, "outcome"),
        ({"reported_on": dt.date(2024, 6, 5)}, "reported_on"),  # not reported
        ({"description": ""}, "description"),
    ],
)
def test_impossible_adverse_events_are_refused(
    patient_a: Patient,
    centre_a: Centre,
    glanzmann: Diagnosis,
    values: dict[str, Any],
    field: str,
) -> None:
    treatment = rfviia_off_label(patient_a, centre_a, glanzmann)
    arguments: dict[str, Any] = {
        "occurred_on": dt.date(2024, 6, 3),
        "category": "allergic_acute",
        "description": "Urticaire.",
        "outcome": "recovered",
    }
    with pytest.raises(ValidationError) as caught:
        adverse_event_record(
            actor=SYSTEM,
            patient=patient_a,
            centre=centre_a,
            treatment=treatment,
            **(arguments | values),
        )
    assert field in caught.value.message_dict
    assert not AdverseEvent.objects.exists()


def test_the_atc_table_import_is_idempotent_and_keeps_retired_codes(tmp_path: Path) -> None:
    assert AtcCode.objects.filter(code="B02BD08").exists()
    assert atc_import_file(actor=SYSTEM).added == 0
    smaller = tmp_path / "atc.tsv"
    smaller.write_text("code\tlabel\tclass\nB02AA02\tacide tranexamique\tantifibrinolytic\n")
    result = atc_import_file(actor=SYSTEM, path=smaller)
    assert result.obsoleted == AtcCode.objects.count() - 1
    assert AtcCode.objects.get(code="B02BD08").is_obsolete


def test_a_malformed_atc_table_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "atc.tsv"
    bad.write_text("B02-BD08\teptacog\trfviia\n")
    with pytest.raises(ValidationError):
        atc_import_file(actor=SYSTEM, path=bad)
