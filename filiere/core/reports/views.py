"""The yearly activity report's page (network and centre coordinators): choose a year and a
perimeter, and the worker writes the report; its job's page shows the progress, then the PDF
and the CSV to download, for the requester alone."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from filiere.access.reports import activity_report_rights
from filiere.core.access_errors import NotVisible
from filiere.core.forms import apply_errors
from filiere.core.http import AuthenticatedRequest
from filiere.core.reports import ReportPeriod
from filiere.core.reports.forms import ActivityReportForm
from filiere.core.reports.services import activity_report_start
from filiere.core.submissions import submit_once
from filiere.jobs.models import Job
from filiere.jobs.selectors import jobs_asked_by


@login_required
def activity_report_view(request: AuthenticatedRequest) -> HttpResponse:
    rights = activity_report_rights(request.user)
    if rights is None:
        raise NotVisible(reason="rapport d'activité")
    last_year = timezone.localdate().year - 1
    form = ActivityReportForm(request.POST or None, rights=rights, initial={"year": last_year})
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            period = ReportPeriod(form.cleaned_data["year"], form.cleaned_data["centre"])
            job = activity_report_start(actor=request.user, period=period)
            return reverse("jobs:detail", kwargs={"job_id": job.public_id})

        try:
            return submit_once(request, save=save)
        except ValidationError as error:
            apply_errors(form, error)
    return render(
        request,
        "core/activity_report.html",
        {"form": form, "reports": jobs_asked_by(request.user, Job.Kind.ACTIVITY_REPORT)},
    )
