"""The daily follow-up job: the command's refresh, run by the queue (eagerly in the tests)."""

from __future__ import annotations

import datetime as dt

from filiere.access.actors import SYSTEM
from filiere.followup.models import FollowUpSchedule
from filiere.followup.services import followup_rule_save
from filiere.followup.tasks import refresh_schedules
from filiere.nomenclature.models import DiseaseGroup
from filiere.patients.models import Diagnosis, Patient


def test_the_daily_job_brings_due_dates_in_line_with_a_rule_saved_without_refresh(
    rules: int, groups: dict[str, DiseaseGroup], glanzmann: Diagnosis, patient_a: Patient
) -> None:
    schedule = FollowUpSchedule.objects.get(patient=patient_a)
    assert schedule.interval_months == 24
    followup_rule_save(
        actor=SYSTEM,
        disease_group=groups["thrombopathies"],
        severity="",
        interval_months=12,
        refresh=False,
    )

    assert refresh_schedules.delay().get() == {"created": 0, "updated": 1, "deleted": 0}

    schedule.refresh_from_db()
    assert (schedule.interval_months, schedule.next_due_on) == (12, dt.date(2021, 1, 15))
    # A redelivered message runs it again: nothing more to write.
    assert refresh_schedules.delay().get() == {"created": 0, "updated": 0, "deleted": 0}
