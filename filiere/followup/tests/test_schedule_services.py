"""The follow-up rhythm in the database: rules per disease group and form, due dates derived
from the last visit (or the inclusion), refreshed when visits or rules change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.followup.models import FollowUpRule, FollowUpSchedule
from filiere.followup.services import (
    followup_rule_delete,
    followup_rule_save,
    followup_rules_install_defaults,
    schedules_refresh,
)
from filiere.followup.tests.helpers import record_visit
from filiere.jobs.models import Job
from filiere.lib.partial_dates import PartialDate
from filiere.network.models import Centre
from filiere.nomenclature.models import DiseaseGroup
from filiere.patients.models import Diagnosis, Patient
from filiere.patients.services import diagnosis_record, patient_update_status
from filiere.testing.factories import glanzmann_values, make_patient


def test_default_rules_are_installed_once(groups: dict[str, DiseaseGroup]) -> None:
    installed = followup_rules_install_defaults(actor=SYSTEM, background=False)
    assert installed.created == FollowUpRule.objects.count() > 10
    assert installed.refresh is None
    assert followup_rules_install_defaults(actor=SYSTEM).created == 0


def test_a_glanzmann_patient_is_expected_every_two_years(
    rules: int, glanzmann: Diagnosis, patient_a: Patient, centre_a: Centre
) -> None:
    record_visit(patient_a, centre_a, dt.date(2024, 3, 10))
    schedule = FollowUpSchedule.objects.select_related("disease_group", "rule").get()
    assert schedule.disease_group is not None
    assert schedule.disease_group.slug == "thrombopathies"
    assert (schedule.interval_months, schedule.next_due_on) == (24, dt.date(2026, 3, 10))


def test_without_a_visit_the_first_is_expected_one_interval_after_inclusion(
    rules: int, glanzmann: Diagnosis, patient_a: Patient
) -> None:
    schedules_refresh()
    schedule = FollowUpSchedule.objects.get(patient=patient_a)
    assert schedule.last_visit_on is None
    assert (schedule.anchor_on, schedule.next_due_on) == (
        dt.date(2020, 1, 15),
        dt.date(2022, 1, 15),
    )


def test_the_form_stated_at_the_last_visit_chooses_the_rule(
    rules: int, centre_a: Centre, nomenclature: None
) -> None:
    patient = make_patient(centre_a, sex="M", birth_date=dt.date(1985, 2, 1))
    diagnosis_record(
        actor=SYSTEM,
        patient=patient,
        centre=centre_a,
        **glanzmann_values(orpha_code=98878, genes=["F8"]),
    )
    record_visit(patient, centre_a, dt.date(2023, 1, 5), severity="mild")
    assert FollowUpSchedule.objects.get(patient=patient).interval_months == 48
    record_visit(patient, centre_a, dt.date(2024, 1, 5), severity="severe")
    schedule = FollowUpSchedule.objects.get(patient=patient)
    assert (schedule.interval_months, schedule.next_due_on) == (12, dt.date(2025, 1, 5))


def test_changing_a_rule_moves_every_patients_due_date_and_is_audited(
    rules: int,
    groups: dict[str, DiseaseGroup],
    glanzmann: Diagnosis,
    patient_a: Patient,
    centre_a: Centre,
    network_coordinator: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    record_visit(patient_a, centre_a, dt.date(2024, 3, 10))
    with django_capture_on_commit_callbacks(execute=True):
        change = followup_rule_save(
            actor=network_coordinator,
            disease_group=groups["thrombopathies"],
            severity="",
            interval_months=12,
        )
    # The recompute ran as a job sent once the rule was saved (eagerly in the tests).
    assert change.refresh is not None
    change.refresh.refresh_from_db()
    assert change.refresh.status == Job.Status.DONE
    assert FollowUpSchedule.objects.get().next_due_on == dt.date(2025, 3, 10)
    rule = change.rule
    assert AuditEvent.objects.filter(object_id=str(rule.public_id), action="update").exists()
    with django_capture_on_commit_callbacks(execute=True):
        followup_rule_delete(actor=network_coordinator, rule=rule)
    # No rule left for the group: the network's default of 2 years.
    assert FollowUpSchedule.objects.get().next_due_on == dt.date(2026, 3, 10)


def test_saving_a_rule_leaves_the_recompute_to_a_job(
    rules: int,
    groups: dict[str, DiseaseGroup],
    glanzmann: Diagnosis,
    patient_a: Patient,
    centre_a: Centre,
    network_coordinator: User,
) -> None:
    """Issue 17: the recompute over every patient no longer runs inside the request."""
    record_visit(patient_a, centre_a, dt.date(2024, 3, 10))
    before = FollowUpSchedule.objects.get().next_due_on
    change = followup_rule_save(
        actor=network_coordinator,
        disease_group=groups["thrombopathies"],
        severity="",
        interval_months=12,
    )
    assert FollowUpSchedule.objects.get().next_due_on == before
    assert change.refresh is not None
    assert change.refresh.status == Job.Status.QUEUED


def test_an_impossible_interval_is_refused(groups: dict[str, DiseaseGroup]) -> None:
    with pytest.raises(ValidationError) as caught:
        followup_rule_save(
            actor=SYSTEM, disease_group=groups["autres"], severity="", interval_months=0
        )
    assert "interval_months" in caught.value.message_dict


def test_a_deceased_patient_is_no_longer_expected(
    glanzmann: Diagnosis, patient_a: Patient, centre_a: Centre
) -> None:
    record_visit(patient_a, centre_a, dt.date(2022, 3, 10))
    patient_update_status(
        actor=SYSTEM, patient=patient_a, vital_status="deceased", death_date=PartialDate(2023, 2)
    )
    result = schedules_refresh()
    assert result.deleted == 1
    assert not FollowUpSchedule.objects.exists()


def test_a_second_refresh_writes_nothing(
    rules: int, glanzmann: Diagnosis, patient_a: Patient, centre_a: Centre
) -> None:
    record_visit(patient_a, centre_a, dt.date(2024, 3, 10))
    result = schedules_refresh()
    assert (result.created, result.updated, result.deleted) == (0, 0, 0)
