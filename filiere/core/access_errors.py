"""Refusals that look like "not found" to the user but are recorded in the audit trail."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from filiere.access import Capability, can
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record

PATIENT_TYPE = "patients.patient"


class NotVisible(Http404):
    """The object exists but the user may not see it: answer 404 and record the attempt."""

    def __init__(
        self,
        object_type: str = "",
        object_id: str = "",
        reason: str = "",
        *,
        patient_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__("Not found")
        self.object_type = object_type
        self.object_id = object_id
        self.reason = reason
        self.patient_id = patient_id
        if patient_id is None and object_type == PATIENT_TYPE:
            # The audit page filtered on a patient must show the refused attempts too.
            try:
                self.patient_id = uuid.UUID(object_id)
            except ValueError:
                self.patient_id = None


def record_refusal(request: HttpRequest, exc: NotVisible, *, actor: Any = None) -> None:
    """Record a refused access; ``actor`` when the request's user is not set yet (an API token
    refused while it authenticates)."""
    user = actor or (request.user if request.user.is_authenticated else None)
    audit_record(
        actor=user,
        action=AuditEvent.Action.ACCESS_DENIED,
        object_type=exc.object_type,
        object_id=exc.object_id,
        patient_id=exc.patient_id,
        summary=(exc.reason or request.path)[:300],
    )


class AccessDeniedAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotVisible):
            record_refusal(request, exception)


F = TypeVar("F", bound=Callable[..., HttpResponse])


def capability_required(capability: Capability) -> Callable[[F], F]:
    """Let in only users holding ``capability`` somewhere; others get 404 (recorded)."""

    def decorator(view: F) -> F:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not can(request.user, capability):
                raise NotVisible(reason=f"{capability} requis : {request.path}")
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
