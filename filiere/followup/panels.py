"""The follow-up panel on the registry's patient page: next visit, last scores, links."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from filiere.access.patients import PatientRights
from filiere.accounts.models import User
from filiere.followup.rhythm import status_on
from filiere.followup.selectors import schedule_of
from filiere.patients.models import Patient


def followup_panel(user: User, patient: Patient, rights: PatientRights) -> dict[str, Any] | None:
    """Return the panel's context (the patient page has already checked that the user sees it)."""
    schedule = schedule_of(patient)
    today = timezone.localdate()
    return {
        "schedule": schedule,
        "status": status_on(schedule.next_due_on, today) if schedule else None,
        "last_visit": patient.followup_visits.current().first(),
        "last_score": patient.bleeding_scores.current().first(),
        "treatments": patient.treatments.current()
        .select_related("atc")
        .filter(ended_on__isnull=True, kind="prescription")[:5],
        "can_edit": rights.edit,
    }
