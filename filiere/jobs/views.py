from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from filiere.access.jobs import job_rights, mail_rights, may_follow_mail
from filiere.audit.services import audit_list_read
from filiere.core.access_errors import NotVisible
from filiere.core.http import AuthenticatedRequest
from filiere.core.pagination import page_from_query
from filiere.core.submissions import submit_once
from filiere.jobs.selectors import (
    get_job_file_for_user,
    get_job_for_user,
    get_mail_for_user,
    undelivered_mail,
)
from filiere.jobs.services import (
    MAX_ATTEMPTS,
    job_back_page,
    job_download_name,
    job_file_downloaded,
    job_other_files,
    outbox_resend,
)

# The counts a job's result may hold, as the page names them.
RESULT_LABELS = {
    "created": _("créées"),
    "updated": _("mises à jour"),
    "deleted": _("supprimées"),
    "patients": _("patients du centre"),
    "exported": _("patients exportés"),
    "opposed": _("patients opposés à la réutilisation, non exportés"),
    "incomplete": _("dossiers incomplets, non exportés"),
    "sections": _("rubriques du rapport"),
    "sections_with_activity": _("rubriques où une activité est enregistrée"),
    "cards": _("cartes de soins"),
}
MAIL_PAGE_SIZE = 50


@login_required
def job_view(request: AuthenticatedRequest, job_id: uuid.UUID) -> HttpResponse:
    """A job's progress and result; htmx polls the progress block until the job ends."""
    job = get_job_for_user(request.user, job_id)
    may_download = (
        bool(job.file_name) and not job.expired and job_rights(request.user, job).download
    )
    context = {
        "job": job,
        "result": [(RESULT_LABELS.get(key, key), value) for key, value in job.result.items()],
        # (URL, name) of each file the job wrote: the main one first.
        "downloads": [
            (
                reverse("jobs:file", args=[job.public_id])
                if not extension
                else reverse("jobs:other_file", args=[job.public_id, extension]),
                job_download_name(job, extension),
            )
            for extension in ("", *job_other_files(job))
        ]
        if may_download
        else [],
        "back": job_back_page(job),
        "retention_days": settings.JOB_FILES_RETENTION_DAYS,
    }
    htmx = bool(request.htmx)  # type: ignore[attr-defined]
    template = "jobs/partials/progress.html" if htmx else "jobs/job.html"
    return render(request, template, context)


@login_required
def job_file_view(
    request: AuthenticatedRequest, job_id: uuid.UUID, extension: str = ""
) -> FileResponse:
    """A file a finished job wrote, as an attachment; each download audited as an export."""
    job, path = get_job_file_for_user(request.user, job_id, extension)
    job_file_downloaded(actor=request.user, job=job, extension=extension)
    # The content type is guessed from the file's name (a .zip, a .pdf, a .csv).
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=job_download_name(job, extension)
    )


@login_required
def undelivered_mail_view(request: AuthenticatedRequest) -> HttpResponse:
    """The e-mails of the user's centres that have not left (given up, or waiting long), with
    a button to send each again."""
    if not may_follow_mail(request.user):
        raise NotVisible(reason=f"suivi des e-mails requis : {request.path}")
    mails = undelivered_mail(request.user)
    page = Paginator(mails, MAIL_PAGE_SIZE).get_page(page_from_query(request.GET.get("page")))
    audit_list_read(
        actor=request.user,
        object_type="jobs.outgoingmail",
        what="Messages non remis",
        count=len(page.object_list),
        query={"page": page.number},
    )
    return render(
        request,
        "jobs/undelivered_mail.html",
        {"page": page, "max_attempts": MAX_ATTEMPTS, "query": ""},
    )


@login_required
@require_POST
def mail_resend_view(request: AuthenticatedRequest, mail_id: uuid.UUID) -> HttpResponse:
    """« Renvoyer »: the message waits « à envoyer » again, with a fresh set of attempts."""
    mail = get_mail_for_user(request.user, mail_id)
    if not mail_rights(request.user, mail).resend:
        raise NotVisible("jobs.outgoingmail", str(mail.public_id), "renvoi non permis")
    back = reverse("jobs:undelivered_mail")

    def save() -> str:
        if outbox_resend(actor=request.user, mail=mail):
            messages.success(
                request,
                gettext("Le message « %(subject)s » est renvoyé.") % {"subject": mail.subject},
            )
        else:
            messages.info(request, gettext("Ce message est déjà envoyé ou en cours d'envoi."))
        return back

    try:
        return submit_once(request, save=save)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
