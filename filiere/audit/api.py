# No "from __future__ import annotations" here: django-ninja reads these annotations at run time.

import datetime as dt
import uuid

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from filiere.access import Capability, can
from filiere.audit.models import AuditEvent
from filiere.audit.schemas import AuditEventOut
from filiere.audit.selectors import AuditFilter, audit_events_visible_to
from filiere.core.http import api_user
from filiere.core.pagination import BoundedLimitOffsetPagination

router = Router(tags=["audit"])


class AuditQuery(Schema):
    actor_email: str = ""
    action: str = ""
    object_type: str = ""
    patient_id: uuid.UUID | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@router.get("/evenements", response=list[AuditEventOut], summary="Le journal d'audit")
@paginate(BoundedLimitOffsetPagination)
def list_events(request: HttpRequest, query: Query[AuditQuery]) -> QuerySet[AuditEvent]:
    user = api_user(request)
    if not can(user, Capability.VIEW_AUDIT):
        raise Http404
    return audit_events_visible_to(user, AuditFilter(**query.dict()))
