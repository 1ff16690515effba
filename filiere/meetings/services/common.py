"""What every write of the module shares: audit helpers and the record of refused input."""

from __future__ import annotations

import datetime as dt
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from filiere.access.actors import Actor
from filiere.audit.services import audit_record
from filiere.meetings.models import CaseRequest, Meeting

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


def now_or(at: dt.datetime | None) -> dt.datetime:
    """``at`` when given (a time entered for the record), else now."""
    return at if at is not None else timezone.now()


def require_meeting_day(meeting: Meeting, when: dt.datetime, what: str) -> None:
    """Refuse to run an ordinary meeting on another day than its own: its documents would date
    a session that had not taken place. An urgent meeting meets when it must."""
    if meeting.kind == Meeting.Kind.URGENT:
        return
    day = timezone.localtime(meeting.starts_at).date()
    today = timezone.localtime(when).date()
    if today != day:
        raise ValidationError(
            {
                "meeting": f"{what} se fait le jour de la réunion, le {day:%d/%m/%Y} "
                f"(nous sommes le {today:%d/%m/%Y})."
            }
        )
