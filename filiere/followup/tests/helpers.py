"""Small builders for the follow-up tests (every object through its service)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from filiere.access.actors import SYSTEM, Actor
from filiere.followup import services
from filiere.followup.models import BleedingScore, Treatment, Visit
from filiere.network.models import Centre
from filiere.patients.models import Diagnosis, Patient

# A Glanzmann patient's assessment: nosebleeds needing packing, bruises with consultation,
# gum bleeding treated with tranexamic acid, menorrhagia since menarche (total 3+2+3+3 = 11).
GLANZMANN_SCORES = {"epistaxis": 3, "cutaneous": 2, "oral_cavity": 3, "menorrhagia": 3}


def record_visit(patient: Patient, centre: Centre, on: dt.date, **values: Any) -> Visit:
    return services.visit_record(
        actor=SYSTEM, patient=patient, centre=centre, visited_on=on, **values
    )


def record_score(patient: Patient, centre: Centre, **values: Any) -> BleedingScore:
    defaults: dict[str, Any] = {
        "actor": SYSTEM,
        "assessed_on": dt.date(2024, 3, 1),
        "domain_scores": GLANZMANN_SCORES,
    }
    return services.bleeding_score_record(patient=patient, centre=centre, **(defaults | values))


def rfviia_off_label(
    patient: Patient,
    centre: Centre,
    diagnosis: Diagnosis | None = None,
    *,
    actor: Actor = SYSTEM,
    **values: Any,
) -> Treatment:
    """rFVIIa for a bleed in Glanzmann thrombasthenia, off-label under a CPC."""
    defaults: dict[str, Any] = {
        "kind": Treatment.Kind.ADMINISTRATION,
        "atc_code": "B02BD08",
        "indication": Treatment.Indication.BLEED,
        "started_on": dt.date(2024, 6, 1),
        "ended_on": dt.date(2024, 6, 2),
        "dose": 90,
        "dose_unit": "µg/kg",
        "route": "iv",
        "doses_count": 3,
        "regulatory_status": Treatment.RegulatoryStatus.OFF_LABEL,
        "off_label_framework": Treatment.OffLabelFramework.CPC,
        "justification": "Pas de réfractarité plaquettaire : rFVIIa en première intention.",
        "outcome": Treatment.Outcome.EFFECTIVE,
    }
    if diagnosis is not None:
        defaults["diagnosis"] = diagnosis
    return services.treatment_record(
        actor=actor, patient=patient, centre=centre, **(defaults | values)
    )
