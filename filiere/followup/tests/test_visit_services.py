"""Visits: recorded as national-dataset activities, impossible dates and values refused with a
French message naming the field, nothing half-written, every write audited with the patient."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.followup.models import FollowUpSchedule, Visit
from filiere.followup.selectors import activities_of
from filiere.followup.services import visit_record, visit_update
from filiere.followup.tests.helpers import record_visit
from filiere.lib.partial_dates import PartialDate
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.patients.services import patient_update_status


def test_a_visit_is_recorded_audited_and_counts_as_a_national_activity(
    patient_a: Patient, centre_a: Centre, alice: User
) -> None:
    visit = visit_record(
        actor=alice,
        patient=patient_a,
        centre=centre_a,
        visited_on=dt.date(2024, 5, 2),
        context="MED-096",
        weight_kg=58.5,
        platelet_count=240,
    )
    assert visit.recorded_by == alice
    event = AuditEvent.objects.get(object_id=str(visit.public_id), action="create")
    assert event.patient_id == patient_a.public_id
    (activity,) = activities_of(patient_a)
    assert (activity.context_code, activity.objective_code) == ("MED-096", "ORG-047")


def test_the_period_described_runs_from_the_previous_visit(
    patient_a: Patient, centre_a: Centre
) -> None:
    record_visit(patient_a, centre_a, dt.date(2022, 3, 1))
    later = record_visit(patient_a, centre_a, dt.date(2024, 3, 1))
    assert later.period_start == dt.date(2022, 3, 1)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"visited_on": dt.date(1989, 1, 1)}, "visited_on", "précède la naissance"),
        ({"visited_on": "future"}, "visited_on", "dans le futur"),
        ({"period_start": dt.date(2024, 6, 1)}, "period_start", "après la visite"),
        ({"weight_kg": 900}, "weight_kg", "invraisemblable"),
        ({"platelet_count": -3}, "platelet_count", "invraisemblable"),
        ({"context": "XYZ"}, "context", "jeu de valeurs national"),
        ({"objective": "ORG-999"}, "objective", "jeu de valeurs national"),
        ({"to_complete": True}, "missing_data", "Indiquez les données"),
    ],
)
def test_impossible_visits_are_refused_naming_the_field(
    patient_a: Patient, centre_a: Centre, values: dict[str, Any], field: str, message: str
) -> None:
    if values.get("visited_on") == "future":
        values["visited_on"] = timezone.localdate() + dt.timedelta(days=1)
    arguments = {"visited_on": dt.date(2024, 5, 2)} | values
    with pytest.raises(ValidationError) as caught:
        record_visit(patient_a, centre_a, arguments.pop("visited_on"), **arguments)
    assert message in " ".join(caught.value.message_dict[field])
    assert not Visit.objects.exists()
    assert not AuditEvent.objects.filter(object_type="followup.visit").exists()


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("platelet_count", 99999, "Numération plaquettaire"),
        ("mean_platelet_volume", 95, "Volume plaquettaire moyen"),
        ("haemoglobin", 120, "Hémoglobine"),
        ("factor_viii", 900, "Facteur VIII"),
        ("factor_ix", -1, "Facteur IX"),
        ("vwf_activity", 1000, "Activité VWF"),
        ("weight_kg", 900, "Poids"),
        ("height_cm", 10, "Taille"),
    ],
)
def test_implausible_visit_values_name_the_value_and_its_bounds(
    patient_a: Patient, centre_a: Centre, field: str, value: int, label: str
) -> None:
    """The work-ups' bounds (filiere.clinical.lab_bounds): platelets 0-2,000 G/L, MPV 3-30 fL
    (Wiskott-Aldrich microplatelets 3.5-5 fL, Ochs & Thrasher, JACI 2006), haemoglobin
    2-25 g/dL, factors and VWF 0-400 %."""
    with pytest.raises(ValidationError) as caught:
        record_visit(patient_a, centre_a, dt.date(2024, 5, 2), **{field: value})
    message = caught.value.message_dict[field][0]
    assert message.startswith(f"{label} : valeur invraisemblable")
    assert "attendue entre" in message
    assert not Visit.objects.exists()


def test_a_visit_after_the_death_is_refused(patient_a: Patient, centre_a: Centre) -> None:
    patient_update_status(
        actor=SYSTEM, patient=patient_a, vital_status="deceased", death_date=PartialDate(2023, 2)
    )
    with pytest.raises(ValidationError) as caught:
        record_visit(patient_a, centre_a, dt.date(2023, 3, 1))
    assert "postérieure au décès" in caught.value.message_dict["visited_on"][0]


def test_a_centre_that_does_not_follow_the_patient_cannot_record(
    patient_a: Patient, centre_b: Centre, charlie: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        visit_record(
            actor=charlie, patient=patient_a, centre=centre_b, visited_on=dt.date(2024, 1, 1)
        )
    assert "centre" in caught.value.message_dict


def test_completing_a_visit_clears_its_missing_data_and_is_audited(
    patient_a: Patient, centre_a: Centre, alice: User
) -> None:
    visit = record_visit(
        patient_a, centre_a, dt.date(2024, 5, 2), to_complete=True, missing_data="Plaquettes"
    )
    changes = visit_update(actor=alice, visit=visit, to_complete=False, platelet_count=212)
    visit.refresh_from_db()
    assert (visit.to_complete, visit.missing_data, visit.platelet_count) == (False, "", 212)
    assert set(changes) == {"to_complete", "missing_data", "platelet_count"}
    assert AuditEvent.objects.filter(
        object_id=str(visit.public_id), action="update", patient_id=patient_a.public_id
    ).exists()


def test_a_visit_moves_the_next_due_date(patient_a: Patient, centre_a: Centre) -> None:
    record_visit(patient_a, centre_a, dt.date(2024, 5, 2))
    schedule = FollowUpSchedule.objects.get(patient=patient_a)
    # No disease group here: the network's default rhythm of a visit every 2 years.
    assert (schedule.last_visit_on, schedule.next_due_on) == (
        dt.date(2024, 5, 2),
        dt.date(2026, 5, 2),
    )


def test_an_implausible_weight_is_explained_with_french_decimals(
    patient_a: Patient, centre_a: Centre
) -> None:
    with pytest.raises(ValidationError) as caught:
        record_visit(patient_a, centre_a, dt.date(2024, 5, 2), weight_kg=900)
    assert caught.value.message_dict["weight_kg"] == [
        "Poids : valeur invraisemblable (900 kg), attendue entre 0,3 et 400 kg."
    ]
