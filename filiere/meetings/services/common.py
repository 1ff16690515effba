"""What every write of the module shares: audit helpers and the record of refused input."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from filiere.access.actors import Actor
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
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


def _target_of(kwargs: dict[str, Any]) -> tuple[str, str, Any]:
    """Find the object a refused call was about, for the audit event."""
    patient_id = getattr(kwargs.get("patient"), "public_id", None)
    for name in ("case", "recommendation", "agenda_item", "participant", "meeting", "series"):
        obj = kwargs.get(name)
        if isinstance(obj, models.Model):
            case = obj if isinstance(obj, CaseRequest) else getattr(obj, "case", None)
            if isinstance(case, CaseRequest):
                patient_id = case.patient.public_id
            return obj._meta.label_lower, str(getattr(obj, "public_id", obj.pk)), patient_id
    return "", "", patient_id


def refusal_record(
    *, actor: Actor | None, what: str, error: ValidationError, target: dict[str, Any]
) -> None:
    """Record that input was refused (called after the refused write rolled back)."""
    object_type, object_id, patient_id = _target_of(target)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.REFUSED,
        object_type=object_type or "meetings",
        object_id=object_id,
        patient_id=patient_id,
        summary=f"{what} refusé : " + " ".join(error.messages),
    )


def records_refusals(what: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run the service atomically; when it refuses the input, nothing is written but the refusal
    itself, in the audit trail."""

    def decorator(service: Callable[P, R]) -> Callable[P, R]:
        atomic_service = transaction.atomic(service)

        @wraps(service)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return atomic_service(*args, **kwargs)
            except ValidationError as error:
                actor = kwargs.get("actor")
                refusal_record(
                    actor=actor if isinstance(actor, User) else None,
                    what=what,
                    error=error,
                    target=dict(kwargs),
                )
                raise

        return wrapper

    return decorator


def touch(case: CaseRequest) -> None:
    CaseRequest.objects.filter(pk=case.pk).update(updated_at=timezone.now())
