"""The treatment observatory (network coordinators): off-label cohorts and their export."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from filiere.access import Capability
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.access_errors import capability_required
from filiere.core.http import AuthenticatedRequest
from filiere.followup.forms import ObservatoryFilterForm
from filiere.followup.observatory import (
    EXPORT_HEADER,
    ObservatoryFilters,
    adverse_events_by_drug,
    cohorts,
    export_strata,
    published_adverse_events,
    published_cohorts,
)
from filiere.lib.csvsafe import write_csv


def _filters(request: AuthenticatedRequest) -> tuple[ObservatoryFilterForm, ObservatoryFilters]:
    form = ObservatoryFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, ObservatoryFilters(
        framework=data.get("framework", ""),
        atc_code=data.get("atc_code", ""),
        started_from=data.get("started_from"),
        started_until=data.get("started_until"),
    )


@capability_required(Capability.OBSERVATORY)
def observatory_view(request: AuthenticatedRequest) -> HttpResponse:
    """Cohorts of off-label prescriptions by drug, disease, indication and framework."""
    form, filters = _filters(request)
    rows = cohorts(filters)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="followup.observatory",
        summary="Observatoire des traitements hors AMM",
    )
    return render(
        request,
        "followup/observatory.html",
        {
            "form": form,
            "cohorts": published_cohorts(rows),
            "adverse_events": published_adverse_events(adverse_events_by_drug(filters)),
            "total_patients": sum(c.patients for c in rows),
            "total_treatments": sum(c.treatments for c in rows),
            "query": request.GET.urlencode(),
        },
    )


@capability_required(Capability.OBSERVATORY)
def observatory_export_view(request: AuthenticatedRequest) -> HttpResponse:
    """Patients and treatments per stratum, small cells suppressed, for the national agency
    (no row-level export: see ``filiere.followup.observatory``)."""
    _form, filters = _filters(request)
    rows = export_strata(filters)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="followup.observatory",
        summary=f"Export agrégé de l'observatoire : {len(rows)} strate(s)",
        changes={"filtres": request.GET.dict()},
    )
    response = HttpResponse(write_csv(EXPORT_HEADER, rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="observatoire_hors_amm_{stamp}.csv"'
    return response
