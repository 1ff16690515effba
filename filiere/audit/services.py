"""Writing the audit trail. Every write service calls ``audit_record`` in its transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models

from filiere.access.actors import Actor, acting_user
from filiere.audit.chain import chain_append
from filiere.audit.context import current_client_ip
from filiere.audit.models import AuditEvent

if TYPE_CHECKING:
    from filiere.accounts.models import User

# Values of these fields are never written to the trail, only the fact that they changed.
REDACTED = "‹masqué›"


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", value.pk))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def changed_fields(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    redacted: Iterable[str] = (),
) -> dict[str, Any]:
    """Return {field: {"avant": …, "après": …}} for the fields whose value changed.

    Fields listed in ``redacted`` (identity traits) keep their name but not their values.
    """
    hidden = set(redacted)
    changes: dict[str, Any] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in hidden:
            changes[name] = {"avant": REDACTED, "après": REDACTED}
        else:
            changes[name] = {"avant": _jsonable(old), "après": _jsonable(new)}
    return changes


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Return the current values of ``fields`` (foreign keys as their public id)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            related = getattr(instance, name)
            values[name] = None if related is None else _jsonable(related)
        else:
            values[name] = _jsonable(getattr(instance, name))
    return values


def _recorded_user(actor: Actor | None) -> User | None:
    """The user an event names: none for the system's work nor for an anonymous visitor."""
    return acting_user(actor)


SUMMARY_LENGTH = 300


def clean_summary(text: str) -> str:
    """A summary the database can store: what a user typed and a service echoes in a refusal
    may hold control characters (PostgreSQL refuses NUL), lone surrogates or any length."""
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    if len(printable) > SUMMARY_LENGTH:
        return printable[: SUMMARY_LENGTH - 1] + "…"
    return printable


def audit_record(
    *,
    actor: Actor | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    patient_id: uuid.UUID | None = None,
    centre_id: uuid.UUID | None = None,
    summary: str = "",
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record one audit event (call it inside the service's transaction)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", obj.pk))
    user = _recorded_user(actor)
    (event,) = chain_append(
        [
            AuditEvent(
                actor=user,
                ip_address=current_client_ip(),
                action=action,
                object_type=object_type,
                object_id=object_id,
                patient_id=patient_id,
                centre_id=centre_id,
                summary=clean_summary(summary),
                changes=_jsonable(dict(changes or {})),
            )
        ]
    )
    return event


def audit_records(
    *,
    actor: Actor | None,
    action: str,
    objects: Sequence[tuple[models.Model, uuid.UUID | None]],
    summary: str,
) -> list[AuditEvent]:
    """Record one event per (object, patient id), all in one INSERT: a page that shows many
    records (a session's agenda) writes its reads at once rather than one round trip each."""
    user = _recorded_user(actor)
    ip_address = current_client_ip()
    return chain_append(
        [
            AuditEvent(
                actor=user,
                ip_address=ip_address,
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(getattr(obj, "public_id", obj.pk)),
                patient_id=patient_id,
                summary=clean_summary(summary),
            )
            for obj, patient_id in objects
        ]
    )


def audit_record_per_patient(
    *,
    actor: Actor | None,
    action: str,
    patient_ids: Sequence[uuid.UUID],
    summary: str,
) -> list[AuditEvent]:
    """Record one event per patient, all in one INSERT (a list page that shows many).

    One event each rather than one listing them all, so that the audit page filtered on a
    patient finds every read of that patient.
    """
    user = _recorded_user(actor)
    ip_address = current_client_ip()
    return chain_append(
        [
            AuditEvent(
                actor=user,
                ip_address=ip_address,
                action=action,
                object_type="patients.patient",
                object_id=str(patient_id),
                patient_id=patient_id,
                summary=clean_summary(summary),
            )
            for patient_id in patient_ids
        ]
    )


def audit_list_read(
    *,
    actor: Actor | None,
    object_type: str,
    what: str,
    count: int,
    query: Mapping[str, Any] | None = None,
    identified: Sequence[uuid.UUID] = (),
    identified_summary: str = "",
) -> list[AuditEvent]:
    """Record one read of a list or a search: what was asked and how many rows came back.

    One event per request, not per row; the rows whose identity was shown get one event each
    (``identified``, see ``audit_record_per_patient``), all written in one INSERT.
    """
    user = _recorded_user(actor)
    ip_address = current_client_ip()
    asked = {k: v for k, v in (query or {}).items() if v not in ("", None)}
    events = [
        AuditEvent(
            actor=user,
            ip_address=ip_address,
            action=AuditEvent.Action.VIEW,
            object_type=object_type,
            summary=f"{what} : {count} ligne(s)"[:300],
            changes=_jsonable({"requête": asked, "lignes": count}),
        )
    ]
    events += [
        AuditEvent(
            actor=user,
            ip_address=ip_address,
            action=AuditEvent.Action.VIEW,
            object_type="patients.patient",
            object_id=str(patient_id),
            patient_id=patient_id,
            summary=identified_summary[:300],
        )
        for patient_id in identified
    ]
    return chain_append(events)
