"""Helpers shared by the transfusion services: the audit with the patient's id, plausible dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from filiere.access.actors import Actor
from filiere.audit.services import audit_record
from filiere.patients.models import Patient


def audit(
    actor: Actor,
    action: str,
    obj: Any,
    patient: Patient,
    summary: str,
    changes: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        patient_id=patient.public_id,
        summary=summary,
        changes=changes,
    )


def check_date(field: str, when: dt.date, patient: Patient, what: str) -> dict[str, str]:
    if when > timezone.localdate():
        return {field: f"{what} est dans le futur."}
    if when < patient.birth.earliest():
        return {field: f"{what} précède la naissance du patient."}
    return {}
