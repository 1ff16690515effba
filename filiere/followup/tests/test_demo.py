"""The demo follow-up: consistent with the diagnoses, seeded, and a second run creates nothing."""

from __future__ import annotations

import datetime as dt

from filiere.access.actors import SYSTEM
from filiere.audit.models import AuditEvent
from filiere.demo.context import DemoContext
from filiere.followup import demo
from filiere.followup.models import (
    AtcCode,
    BleedingEvent,
    BleedingScore,
    FollowUpRule,
    FollowUpSchedule,
    Treatment,
    Visit,
)
from filiere.network.models import Centre
from filiere.nomenclature.models import DiseaseGroup
from filiere.patients.services import diagnosis_record
from filiere.testing.factories import glanzmann_values, make_patient

MODELS = (AtcCode, FollowUpRule, Visit, BleedingScore, BleedingEvent, Treatment, FollowUpSchedule)


def _counts() -> list[int]:
    return [model.objects.count() for model in MODELS] + [AuditEvent.objects.count()]


def test_the_demo_follows_glanzmann_patients_and_is_idempotent(
    centre_a: Centre, groups: dict[str, DiseaseGroup]
) -> None:
    patients = []
    for index in range(6):
        patient = make_patient(
            centre_a, sex="F" if index % 2 else "M", birth_date=dt.date(1980 + index, 3, 1)
        )
        diagnosis_record(actor=SYSTEM, patient=patient, centre=centre_a, **glanzmann_values())
        patients.append(patient)
    ctx = DemoContext(seed=2026, size=6, report=lambda line: None)
    ctx.objects |= {"patients": patients, "centre:crpp-marseille": centre_a}
    demo.build(ctx)
    before = _counts()
    assert Visit.objects.count() >= 5
    assert BleedingScore.objects.filter(interviewer__isnull=True).exists()  # no demo persona
    assert FollowUpSchedule.objects.count() == 6
    assert set(Treatment.objects.values_list("atc__code", flat=True)) <= {
        "B02AA02",
        "B02BD08",
        "B05AX02",
        "G02BA03",
        None,
    }
    assert Treatment.objects.filter(usual_emergency=True, outcome="effective").exists()
    demo.build(ctx)
    assert _counts() == before
