"""Objects of the follow-up module for the project-wide access matrix (core/tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from filiere.access.actors import SYSTEM
from filiere.followup import services
from filiere.network.models import Centre


def matrix_world(centre: Centre) -> dict[str, Any]:
    """A patient of ``centre`` with a visit, an ISTH-BAT and a treatment; their URL ids."""
    from filiere.testing.factories import load_test_nomenclature, make_patient

    load_test_nomenclature()
    services.atc_import_file(actor=SYSTEM)
    patient = make_patient(centre)
    visit = services.visit_record(
        actor=SYSTEM, patient=patient, centre=centre, visited_on=dt.date(2024, 1, 10)
    )
    score = services.bleeding_score_record(
        actor=SYSTEM,
        patient=patient,
        centre=centre,
        assessed_on=dt.date(2024, 1, 10),
        domain_scores={"epistaxis": 2},
    )
    treatment = services.treatment_record(
        actor=SYSTEM,
        patient=patient,
        centre=centre,
        kind="prescription",
        atc_code="B02AA02",
        indication="prophylaxis",
        started_on=dt.date(2024, 1, 10),
        regulatory_status="within_ma",
    )
    return {
        "public_id": patient.public_id,
        "visit_id": visit.public_id,
        "score_id": score.public_id,
        "treatment_id": treatment.public_id,
    }
