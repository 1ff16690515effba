from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from filiere.access import Capability
from filiere.audit.forms import AuditFilterForm
from filiere.audit.selectors import AuditFilter, audit_events_visible_to
from filiere.core.access_errors import capability_required
from filiere.lib.csvsafe import write_csv

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, AuditFilter]:
    form = AuditFilterForm(request.GET or None)
    filters = form.to_filter() if form.is_bound and form.is_valid() else AuditFilter()
    return form, filters


@capability_required(Capability.VIEW_AUDIT)
def event_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filtered(request)
    events = audit_events_visible_to(request.user, filters)  # type: ignore[arg-type]
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@capability_required(Capability.VIEW_AUDIT)
def event_export(request: HttpRequest) -> HttpResponse:
    _, filters = _filtered(request)
    events = audit_events_visible_to(request.user, filters)[:EXPORT_LIMIT]  # type: ignore[arg-type]
    rows = (
        [
            timezone.localtime(e.occurred_at).isoformat(timespec="seconds"),
            e.actor.email if e.actor else "",
            e.ip_address or "",
            e.get_action_display(),
            e.object_type,
            e.object_id,
            str(e.patient_id or ""),
            e.summary,
        ]
        for e in events.iterator()
    )
    body = write_csv(
        ["date", "auteur", "adresse_ip", "action", "type_objet", "objet", "patient", "résumé"],
        rows,
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="journal-audit.csv"'
    return response
