from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema

from filiere.audit.models import AuditEvent


class AuditEventOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    occurred_at: dt.datetime
    actor_email: str | None = None
    ip_address: str | None
    action: str
    object_type: str
    object_id: str
    patient_id: uuid.UUID | None
    summary: str
    changes: dict[str, Any]

    @staticmethod
    def resolve_actor_email(obj: AuditEvent) -> str | None:
        return obj.actor.email if obj.actor is not None else None
