from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from filiere.access.jobs import job_rights
from filiere.core.http import AuthenticatedRequest
from filiere.jobs.selectors import get_job_file_for_user, get_job_for_user
from filiere.jobs.services import job_back_page, job_file_downloaded

# The counts a job's result may hold, as the page names them.
RESULT_LABELS = {
    "created": _("créées"),
    "updated": _("mises à jour"),
    "deleted": _("supprimées"),
    "patients": _("patients du centre"),
    "exported": _("patients exportés"),
    "opposed": _("patients opposés à la réutilisation, non exportés"),
    "incomplete": _("dossiers incomplets, non exportés"),
}


@login_required
def job_view(request: AuthenticatedRequest, job_id: uuid.UUID) -> HttpResponse:
    """A job's progress and result; htmx polls the progress block until the job ends."""
    job = get_job_for_user(request.user, job_id)
    context = {
        "job": job,
        "result": [(RESULT_LABELS.get(key, key), value) for key, value in job.result.items()],
        "may_download": bool(job.file_name) and job_rights(request.user, job).download,
        "back": job_back_page(job),
    }
    htmx = bool(request.htmx)  # type: ignore[attr-defined]
    template = "jobs/partials/progress.html" if htmx else "jobs/job.html"
    return render(request, template, context)


@login_required
def job_file_view(request: AuthenticatedRequest, job_id: uuid.UUID) -> FileResponse:
    """The file a finished export wrote, as an attachment; each download audited as an export."""
    job, path = get_job_file_for_user(request.user, job_id)
    job_file_downloaded(actor=request.user, job=job)
    # The content type is guessed from the file's name (a .zip).
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.file_name)
