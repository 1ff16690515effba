"""Reads of the audit trail: only for auditors and network coordinators."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import QuerySet

from filiere.access import Capability, grants_for
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    actor_email: str = ""
    action: str = ""
    object_type: str = ""
    patient_id: uuid.UUID | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def audit_events_visible_to(user: User, filters: AuditFilter | None = None) -> QuerySet[AuditEvent]:
    """Return the events the user may browse, newest first, filtered as asked."""
    if not grants_for(user).is_network_wide(Capability.VIEW_AUDIT):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.select_related("actor").order_by("-occurred_at", "-id")
    if filters is None:
        return events
    if filters.actor_email:
        events = events.filter(actor__email__icontains=filters.actor_email)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.patient_id:
        events = events.filter(patient_id=filters.patient_id)
    if filters.date_from:
        events = events.filter(occurred_at__date__gte=filters.date_from)
    if filters.date_to:
        events = events.filter(occurred_at__date__lte=filters.date_to)
    return events
