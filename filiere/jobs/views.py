from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from filiere.core.http import AuthenticatedRequest
from filiere.jobs.selectors import get_job_for_user

# The counts a job's result may hold, as the page names them.
RESULT_LABELS = {
    "created": _("créées"),
    "updated": _("mises à jour"),
    "deleted": _("supprimées"),
}


@login_required
def job_view(request: AuthenticatedRequest, job_id: uuid.UUID) -> HttpResponse:
    """A job's progress and result; htmx polls the progress block until the job ends."""
    job = get_job_for_user(request.user, job_id)
    context = {
        "job": job,
        "result": [(RESULT_LABELS.get(key, key), value) for key, value in job.result.items()],
    }
    htmx = bool(request.htmx)  # type: ignore[attr-defined]
    template = "jobs/partials/progress.html" if htmx else "jobs/job.html"
    return render(request, template, context)
