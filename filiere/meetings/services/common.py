"""What every write of the module shares: audit helpers and the record of refused input."""

from __future__ import annotations

from typing import Any, ParamSpec, TypeVar

from django.db import models
from django.utils import timezone

from filiere.access.actors import Actor
from filiere.audit.services import audit_record
from filiere.meetings.models import CaseRequest

P = ParamSpec("P")
R = TypeVar("R")


def audit(
    actor: Actor,
    action: str,
    obj: models.Model,
    *,
    case: CaseRequest | None = None,
    summary: str = "",
    changes: Any = None,
) -> None:
    """Record one event; a case event carries the patient's id (a case is a patient record)."""
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        patient_id=case.patient.public_id if case is not None else None,
        summary=summary,
        changes=changes,
    )


def touch(case: CaseRequest) -> None:
    CaseRequest.objects.filter(pk=case.pk).update(updated_at=timezone.now())
