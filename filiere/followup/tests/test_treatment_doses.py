"""Doses that make sense: the ATC table's routes, units, usual ranges and absolute bounds
(section 4.2 of each product's SmPC / RCP, cited in ``data/atc_haemostatics.tsv``) checked when
a treatment is recorded or corrected; a dose outside the usual range needs a confirmation.
And the usual emergency treatment, chosen by a clinician, is the only one the card lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.followup.care_card import build_care_card
from filiere.followup.models import AtcCode, DoseRange, Treatment
from filiere.followup.services import (
    atc_import_file,
    treatment_mark_emergency,
    treatment_record,
    treatment_update,
)
from filiere.followup.tests.helpers import rfviia_off_label
from filiere.network.models import Centre
from filiere.patients.models import Diagnosis, Patient

pytestmark = pytest.mark.usefixtures("atc")
TODAY = dt.date(2025, 1, 1)


def _tranexamic(patient: Patient, centre: Centre, **values: Any) -> Treatment:
    defaults: dict[str, Any] = {
        "kind": "prescription",
        "atc_code": "B02AA02",
        "indication": "bleed",
        "started_on": dt.date(2024, 9, 1),
        "regulatory_status": "within_ma",
        "dose": 1,
        "dose_unit": "g",
        "route": "oral",
        "outcome": "",
    }
    return treatment_record(actor=SYSTEM, patient=patient, centre=centre, **(defaults | values))


def _errors(caught: pytest.ExceptionInfo[ValidationError], field: str) -> str:
    return " ".join(caught.value.message_dict[field])


# --- Recording -----------------------------------------------------------------------------


def test_an_absurd_rfviia_dose_is_refused_naming_the_dose(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis
) -> None:
    """Defect: « rFVIIa (B02BD08), 900000 mg/kg, intravenous » was accepted. The NovoSeven SmPC
    (4.2) gives 15-300 µg/kg; the table's absolute bounds are 1-1000 µg/kg."""
    with pytest.raises(ValidationError) as caught:
        rfviia_off_label(patient_a, centre_a, glanzmann, dose=900000, dose_unit="mg/kg")
    assert _errors(caught, "dose") == (
        "Dose : 900000 mg/kg est hors des bornes possibles pour eptacog alfa activé "
        "(facteur VII activé recombinant) (1–1000 µg/kg)."
    )
    assert "µg/kg" in _errors(caught, "dose_unit")
    assert not Treatment.objects.exists()


def test_rfviia_by_mouth_is_refused(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis
) -> None:
    """Defect: rFVIIa by mouth was accepted; the NovoSeven SmPC (4.2) says intravenous bolus."""
    with pytest.raises(ValidationError) as caught:
        rfviia_off_label(patient_a, centre_a, glanzmann, route="oral")
    assert _errors(caught, "route") == (
        "Voie : eptacog alfa activé (facteur VII activé recombinant) ne se donne pas par voie "
        "orale (voies possibles : intraveineuse)."
    )
    assert not Treatment.objects.exists()


@pytest.mark.parametrize(
    ("code", "dose", "unit", "route", "label"),
    [
        ("B02BD08", 90, "µg/kg", "iv", "NovoSeven 4.2: Glanzmann 90 µg/kg every 2 h"),
        ("B02BD08", 270, "µg/kg", "iv", "NovoSeven 4.2: single 270 µg/kg with inhibitors"),
        ("B02BD08", 20, "µg/kg", "iv", "NovoSeven 4.2: FVII deficiency 15-30 µg/kg"),
        ("B02AA02", 1, "g", "oral", "Exacyl 4.2: 2-4 g/day in 2-3 intakes, 1 g ×3/day"),
        ("B02AA02", 20, "mg/kg", "oral", "Cyklokapron 4.2: 15-25 mg/kg 2-3 times a day"),
        ("B02AA02", 10, "mg/kg", "iv", "Cyklokapron 4.2: 10 mg/kg IV"),
        ("H01BA02", Decimal("0.3"), "µg/kg", "iv", "Minirin 4.2: 0.3 µg/kg IV"),
        ("H01BA02", Decimal("0.3"), "µg/kg", "sc", "Minirin 4.2: 0.3 µg/kg SC"),
        ("H01BA02", 300, "µg", "intranasal", "Octim 4.2: 300 µg, one spray per nostril"),
        ("B02BD02", 50, "UI/kg", "iv", "Advate 4.2: severe bleed 30-50 UI/kg"),
        ("B02BX06", 3, "mg/kg", "sc", "Hemlibra 4.2: 3 mg/kg weekly loading"),
        ("B02BX05", 75, "mg", "oral", "Revolade 4.2: at most 75 mg a day"),
        ("B02BX04", 1, "µg/kg", "sc", "Nplate 4.2: start at 1 µg/kg weekly"),
        ("B05AX02", 2, "unités", "iv", "HAS 2015: 1-2 platelet concentrates"),
    ],
)
def test_the_label_doses_are_recorded_without_confirmation(
    patient_a: Patient, centre_a: Centre, code: str, dose: Any, unit: str, route: str, label: str
) -> None:
    status = "not_applicable" if code == "B05AX02" else "within_ma"
    treatment = _tranexamic(
        patient_a,
        centre_a,
        atc_code=code,
        dose=dose,
        dose_unit=unit,
        route=route,
        regulatory_status=status,
    )
    assert not treatment.dose_confirmed, label


@pytest.mark.parametrize(
    ("code", "dose", "unit", "route", "field", "message"),
    [
        ("B02BD08", 90, "UI/kg", "iv", "dose_unit", "attendu : µg/kg"),
        ("B02BD08", Decimal("0.5"), "µg/kg", "iv", "dose", "(1–1000 µg/kg)"),
        ("B02BD08", 90, "µg/kg", "sc", "route", "ne se donne pas par voie sous-cutanée"),
        ("B02AA02", 200, "mg/kg", "iv", "dose", "acide tranexamique (1–100 mg/kg)"),
        ("H01BA02", 3, "µg/kg", "iv", "dose", "(0,05–1 µg/kg)"),
        ("H01BA02", 300, "µg/kg", "intranasal", "dose_unit", "attendu : µg"),
        ("B02BX06", 3, "mg/kg", "iv", "route", "voies possibles : sous-cutanée"),
        ("B02BX05", 750, "mg", "oral", "dose", "eltrombopag (1–150 mg)"),
    ],
)
def test_a_dose_in_the_wrong_unit_route_or_beyond_the_bounds_is_refused(
    patient_a: Patient,
    centre_a: Centre,
    code: str,
    dose: Any,
    unit: str,
    route: str,
    field: str,
    message: str,
) -> None:
    with pytest.raises(ValidationError) as caught:
        _tranexamic(patient_a, centre_a, atc_code=code, dose=dose, dose_unit=unit, route=route)
    assert message in _errors(caught, field)
    assert not Treatment.objects.exists()
    assert not AuditEvent.objects.filter(object_type="followup.treatment").exists()


def test_a_dose_outside_the_usual_range_needs_a_confirmation_kept_with_who_and_when(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User
) -> None:
    """NovoSeven SmPC 4.2: usual doses up to 270 µg/kg; 600 µg/kg is possible, not usual."""
    with pytest.raises(ValidationError) as caught:
        rfviia_off_label(patient_a, centre_a, glanzmann, dose=600, actor=alice)
    assert caught.value.error_dict["dose"][0].code == "dose_outside_usual_range"
    assert _errors(caught, "dose") == (
        "Dose : 600 µg/kg est hors de la plage usuelle pour eptacog alfa activé (facteur VII "
        "activé recombinant) (15–300 µg/kg) : confirmez cette dose pour l'enregistrer."
    )
    assert not Treatment.objects.exists()
    treatment = rfviia_off_label(
        patient_a, centre_a, glanzmann, dose=600, dose_confirmed=True, actor=alice
    )
    assert treatment.dose_confirmed
    assert treatment.dose_confirmed_by == alice
    assert treatment.dose_confirmed_at is not None
    event = AuditEvent.objects.get(action="create", object_id=str(treatment.public_id))
    assert "dose hors plage usuelle confirmée" in event.summary


def test_a_usual_dose_does_not_keep_a_needless_confirmation(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis
) -> None:
    treatment = rfviia_off_label(patient_a, centre_a, glanzmann, dose_confirmed=True)
    assert not treatment.dose_confirmed
    assert treatment.dose_confirmed_at is None


def test_a_drug_without_ranges_takes_any_positive_dose_but_keeps_its_route(
    patient_a: Patient, centre_a: Centre
) -> None:
    """The levonorgestrel intra-uterine device has a route in the table and no dose range."""
    values: dict[str, Any] = {"atc_code": "G02BA03", "indication": "prophylaxis", "outcome": ""}
    treatment = _tranexamic(
        patient_a, centre_a, **values, dose=52, dose_unit="mg", route="intrauterine"
    )
    assert treatment.dose == 52
    with pytest.raises(ValidationError) as caught:
        _tranexamic(patient_a, centre_a, **values, dose=52, dose_unit="mg", route="oral")
    assert "voies possibles : intra-utérine" in _errors(caught, "route")


# --- Correcting ----------------------------------------------------------------------------


def test_the_correction_changes_drug_dose_unit_and_route_with_the_same_rules(
    patient_a: Patient, centre_a: Centre, alice: User
) -> None:
    """Defect: the drug could not be corrected. Tranexamic acid typed for desmopressin."""
    treatment = _tranexamic(patient_a, centre_a)
    with pytest.raises(ValidationError) as caught:
        treatment_update(actor=alice, treatment=treatment, atc_code="H01BA02")
    assert "route" in caught.value.message_dict  # desmopressin is not given by mouth
    changes = treatment_update(
        actor=alice,
        treatment=treatment,
        atc_code="H01BA02",
        dose=Decimal("0.3"),
        dose_unit="µg/kg",
        route="sc",
    )
    assert set(changes) >= {"atc", "category", "dose", "dose_unit", "route"}
    treatment.refresh_from_db()
    assert treatment.atc is not None
    assert (treatment.atc.code, treatment.category) == ("H01BA02", "desmopressin")
    with pytest.raises(ValidationError) as caught:
        treatment_update(actor=alice, treatment=treatment, dose=900000)
    assert "hors des bornes possibles" in _errors(caught, "dose")
    treatment.refresh_from_db()
    assert treatment.dose == Decimal("0.3")


def test_a_confirmed_dose_stays_confirmed_when_something_else_changes(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User
) -> None:
    treatment = rfviia_off_label(
        patient_a, centre_a, glanzmann, dose=600, dose_confirmed=True, actor=alice
    )
    treatment_update(actor=alice, treatment=treatment, comment="Bonne tolérance.")
    treatment.refresh_from_db()
    assert treatment.dose_confirmed
    with pytest.raises(ValidationError) as caught:
        treatment_update(actor=alice, treatment=treatment, dose=700)
    assert "confirmez cette dose" in _errors(caught, "dose")


# --- The usual emergency treatment ---------------------------------------------------------


def test_the_card_lists_only_the_treatment_marked_usual_not_the_latest(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User
) -> None:
    """Defect: the card took the most recent treatment not marked ineffective (here tranexamic
    acid of unknown effect), not the rFVIIa that worked and that the clinician chose."""
    rfviia = rfviia_off_label(patient_a, centre_a, glanzmann)
    _tranexamic(patient_a, centre_a)
    card = build_care_card(patient_a, identity=None, today=TODAY)
    assert card.emergency_treatment == []
    treatment_mark_emergency(actor=alice, treatment=rfviia, usual=True)
    rfviia.refresh_from_db()
    assert rfviia.usual_emergency
    assert rfviia.emergency_validated_by == alice
    on = rfviia.emergency_validated_at
    assert on is not None
    (line,) = build_care_card(patient_a, identity=None, today=TODAY).emergency_treatment
    assert line.startswith("eptacog alfa activé (facteur VII activé recombinant) 90 µg/kg")
    assert "intraveineuse" in line
    assert f"validé par Alice Durand le {timezone.localtime(on):%d/%m/%Y}" in line
    assert "acide tranexamique" not in line
    event = AuditEvent.objects.filter(object_id=str(rfviia.public_id)).latest("pk")
    assert "traitement d'urgence habituel" in event.summary
    treatment_mark_emergency(actor=alice, treatment=rfviia, usual=False)
    assert build_care_card(patient_a, identity=None, today=TODAY).emergency_treatment == []


def test_the_card_says_when_the_dose_was_confirmed_outside_the_usual_range(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User
) -> None:
    rfviia = rfviia_off_label(
        patient_a, centre_a, glanzmann, dose=600, dose_confirmed=True, actor=alice
    )
    treatment_mark_emergency(actor=alice, treatment=rfviia, usual=True)
    (line,) = build_care_card(patient_a, identity=None, today=TODAY).emergency_treatment
    assert "dose hors plage usuelle confirmée par Alice Durand le" in line


def test_an_ineffective_treatment_or_a_graft_cannot_be_the_usual_emergency_treatment(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User
) -> None:
    rfviia = rfviia_off_label(patient_a, centre_a, glanzmann, outcome="ineffective")
    with pytest.raises(ValidationError) as caught:
        treatment_mark_emergency(actor=alice, treatment=rfviia, usual=True)
    assert "inefficace" in _errors(caught, "usual_emergency")
    graft = treatment_record(
        actor=SYSTEM,
        patient=patient_a,
        centre=centre_a,
        kind="administration",
        category="hsct",
        indication="curative",
        started_on=dt.date(2023, 1, 10),
        regulatory_status="not_applicable",
    )
    with pytest.raises(ValidationError):
        treatment_mark_emergency(actor=alice, treatment=graft, usual=True)


def test_correcting_the_dose_withdraws_the_emergency_validation(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User
) -> None:
    """What the clinician validated was a drug at a dose by a route: a new one needs a new look."""
    rfviia = rfviia_off_label(patient_a, centre_a, glanzmann)
    treatment_mark_emergency(actor=alice, treatment=rfviia, usual=True)
    treatment_update(actor=alice, treatment=rfviia, comment="Relu.")
    rfviia.refresh_from_db()
    assert rfviia.usual_emergency
    treatment_update(actor=alice, treatment=rfviia, dose=120)
    rfviia.refresh_from_db()
    assert not rfviia.usual_emergency
    assert rfviia.emergency_validated_at is None
    event = AuditEvent.objects.filter(object_id=str(rfviia.public_id)).latest("pk")
    assert "validation comme traitement d'urgence habituel retirée" in event.summary


def test_an_emergency_treatment_found_ineffective_leaves_the_card(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User
) -> None:
    rfviia = rfviia_off_label(patient_a, centre_a, glanzmann)
    treatment_mark_emergency(actor=alice, treatment=rfviia, usual=True)
    treatment_update(actor=alice, treatment=rfviia, outcome="ineffective")
    assert build_care_card(patient_a, identity=None, today=TODAY).emergency_treatment == []


# --- The table -----------------------------------------------------------------------------


def test_the_table_carries_routes_and_ranges_and_reimports_idempotently(tmp_path: Path) -> None:
    rfviia = AtcCode.objects.get(code="B02BD08")
    assert rfviia.routes == ["iv"]
    (rng,) = DoseRange.objects.filter(atc=rfviia)
    assert (rng.route, rng.unit, rng.usual_low, rng.usual_high, rng.lowest, rng.highest) == (
        "iv",
        "µg/kg",
        15,
        300,
        1,
        1000,
    )
    result = atc_import_file(actor=SYSTEM)
    assert (result.added, result.updated, result.obsoleted) == (0, 0, 0)
    changed = tmp_path / "atc.tsv"
    changed.write_text(
        "code\tlabel\tclass\troutes\tdoses\n"
        "B02BD08\teptacog alfa activé (facteur VII activé recombinant)\trfviia\tiv\t"
        "iv:µg/kg:15-270:1-1000\n",
        encoding="utf-8",
    )
    assert atc_import_file(actor=SYSTEM, path=changed).updated == 1
    assert DoseRange.objects.get(atc=rfviia).usual_high == 270


@pytest.mark.parametrize(
    "doses",
    ["iv:µg/kg:300-15:1-1000", "iv:µg/kg:15-300", "iv:furlongs:1-2:1-3", "mouth:mg"],
)
def test_a_malformed_dose_entry_is_refused_at_import(tmp_path: Path, doses: str) -> None:
    bad = tmp_path / "atc.tsv"
    bad.write_text(f"B02BD08\teptacog\trfviia\tiv\t{doses}\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        atc_import_file(actor=SYSTEM, path=bad)
    assert DoseRange.objects.get(atc__code="B02BD08").usual_high == 300
