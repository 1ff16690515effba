"""The exports page: a centre's exporters (data managers, centre coordinators) start its national
export, run in the background; its job's page shows the progress and then the zip to download."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from filiere.access import Capability, centres_where
from filiere.core.access_errors import capability_required
from filiere.core.forms import apply_errors
from filiere.core.http import AuthenticatedRequest
from filiere.core.submissions import submit_once
from filiere.jobs.selectors import exports_of_centres
from filiere.network.models import Centre
from filiere.patients.forms import NationalExportForm
from filiere.patients.services.national_exports import national_export_start


@capability_required(Capability.EXPORT_NATIONAL)
def national_export_view(request: AuthenticatedRequest) -> HttpResponse:
    """Choose a centre and an export, start it; the job's page follows it."""
    centre_ids = centres_where(request.user, Capability.EXPORT_NATIONAL)
    centres = Centre.objects.filter(pk__in=centre_ids).order_by("name")
    form = NationalExportForm(request.POST or None, centres=centres)
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            job = national_export_start(
                actor=request.user,
                dataset=form.cleaned_data["dataset"],
                centre=form.cleaned_data["centre"],
            )
            return reverse("jobs:detail", kwargs={"job_id": job.public_id})

        try:
            return submit_once(request, save=save)
        except ValidationError as error:
            apply_errors(form, error)
    return render(
        request,
        "patients/exports.html",
        {"form": form, "exports": exports_of_centres(centre_ids)},
    )
