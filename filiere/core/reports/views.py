"""The yearly activity report's page, PDF and CSV (network and centre coordinators)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from filiere.access.reports import activity_report_rights
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.access_errors import NotVisible
from filiere.core.http import AuthenticatedRequest
from filiere.core.reports import (
    CSV_HEADER,
    ReportPeriod,
    activity_report,
    csv_rows,
    report_is_empty,
)
from filiere.core.reports.forms import ActivityReportForm
from filiere.core.reports.pdf import activity_report_pdf, shown
from filiere.lib.csvsafe import write_csv

OBJECT_TYPE = "core.activity_report"


def _filename(period: ReportPeriod, extension: str) -> str:
    where = period.centre.finess if period.centre is not None else "reseau"
    return f"rapport_activite_{period.year}_{where}.{extension}"


@login_required
def activity_report_view(request: AuthenticatedRequest) -> HttpResponse:
    rights = activity_report_rights(request.user)
    if rights is None:
        raise NotVisible(reason="rapport d'activité")
    last_year = timezone.localdate().year - 1
    asked = request.GET if "year" in request.GET else None
    form = ActivityReportForm(asked, rights=rights, initial={"year": last_year})
    if asked is None or not form.is_valid():
        return render(request, "core/activity_report.html", {"form": form})
    period = ReportPeriod(form.cleaned_data["year"], form.cleaned_data["centre"])
    sections = activity_report(period)
    wanted = request.GET.get("format", "")
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT if wanted in ("pdf", "csv") else AuditEvent.Action.VIEW,
        object_type=OBJECT_TYPE,
        summary=f"Rapport d'activité {period.year} — {period.scope_label}"
        + (f" ({wanted.upper()})" if wanted else ""),
    )
    if wanted == "pdf":
        response = HttpResponse(
            activity_report_pdf(period, sections), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{_filename(period, "pdf")}"'
        return response
    if wanted == "csv":
        content = write_csv(CSV_HEADER, csv_rows(period, sections))
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_filename(period, "csv")}"'
        return response
    return render(
        request,
        "core/activity_report.html",
        {
            "form": form,
            "period": period,
            "sections": [
                {
                    "section": section,
                    "figures": [(f, shown(f.value, f.unit)) for f in section.figures],
                    "tables": [
                        (t, [[shown(cell) for cell in row] for row in t.rows])
                        for t in section.tables
                    ],
                }
                for section in sections
            ],
            "empty": report_is_empty(sections),
            "query": request.GET.urlencode(),
        },
    )
