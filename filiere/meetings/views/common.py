"""Helpers shared by the case-meeting pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from filiere.meetings.models import AgendaItem, CaseRequest, Meeting
from filiere.patients.selectors import age_by_month_on, age_on


def flash_refusal(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def case_summary(case: CaseRequest, when: dt.datetime) -> dict[str, Any]:
    """What a meeting shows about a case: pseudonym, age, sex, centre; never an identity trait."""
    patient = case.patient
    on = timezone.localtime(when).date()
    age = age_on(patient, on)
    centre = case.requester_centre or case.requester_institution or "—"
    return {
        "case": case,
        "pseudonym": patient.pseudonym,
        "age": age,
        "age_shown": age_by_month_on(patient, on),
        "paediatric": age < 18,
        "sex": patient.get_sex_display(),
        "centre": centre,
    }


def agenda_rows(meeting: Meeting, items: list[AgendaItem]) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        versions = list(item.case.recommendations.all())
        row = case_summary(item.case, meeting.starts_at)
        row |= {
            "item": item,
            "end": item.starts_at + dt.timedelta(minutes=item.duration_minutes),
            "recommendation": versions[0] if versions else None,
        }
        rows.append(row)
    return rows
