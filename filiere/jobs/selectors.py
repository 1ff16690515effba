from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from filiere.access.jobs import job_rights, mail_followed_by, mail_rights
from filiere.accounts.models import User
from filiere.core.access_errors import NotVisible
from filiere.jobs.models import EXPORT_KINDS, Job, OutgoingMail
from filiere.jobs.services import LONG_WAIT, job_file_path, job_other_files


def get_job_for_user(user: User, public_id: uuid.UUID | str) -> Job:
    """The job, for the person who asked for it or an administrator; a 404 for anyone else."""
    job = Job.objects.filter(public_id=public_id).first()
    if job is None:
        raise Http404
    if not job_rights(user, job).see:
        raise NotVisible("jobs.job", str(job.public_id), "tâche demandée par un autre")
    return job


def get_job_file_for_user(
    user: User, public_id: uuid.UUID | str, extension: str = ""
) -> tuple[Job, Path]:
    """The job and one file it wrote (the main one, or the one of that extension beside it),
    for those who may download it (a centre's exporters; the requester of any other job); a 404
    for anyone else, and while the file is not complete (the job not done)."""
    job = get_job_for_user(user, public_id)
    if not job_rights(user, job).download:
        raise NotVisible("jobs.job", str(job.public_id), "fichier de la tâche d'un autre")
    if extension and extension not in job_other_files(job):
        raise Http404
    path = job_file_path(job, extension)
    if job.status != Job.Status.DONE or not job.file_name or job.expired or not path.is_file():
        raise Http404
    return job, path


def jobs_asked_by(user: User, kind: str, *, limit: int = 10) -> list[Job]:
    """The user's latest jobs of a kind, for the page that asks for them."""
    return list(
        Job.objects.filter(kind=kind, requested_by=user)
        .select_related("centre")
        .order_by("-created_at")[:limit]
    )


def exports_of_centres(centre_ids: frozenset[int], *, limit: int = 10) -> list[Job]:
    """The latest exports of these centres, for their exporters' page."""
    return list(
        Job.objects.filter(kind__in=EXPORT_KINDS, centre_id__in=centre_ids)
        .select_related("centre", "requested_by")
        .order_by("-created_at")[:limit]
    )


def undelivered_mail(user: User, *, now: dt.datetime | None = None) -> QuerySet[OutgoingMail]:
    """The e-mails the user follows that have not left: given up, or still not sent an hour
    (``LONG_WAIT``) after they were written; oldest first."""
    cutoff = (now or timezone.now()) - LONG_WAIT
    undelivered = Q(status=OutgoingMail.Status.FAILED) | Q(
        status__in=[OutgoingMail.Status.PENDING, OutgoingMail.Status.SENDING],
        created_at__lte=cutoff,
    )
    return (
        OutgoingMail.objects.filter(mail_followed_by(user))
        .filter(undelivered)
        .select_related("centre")
        .order_by("created_at", "pk")
    )


def get_mail_for_user(user: User, public_id: uuid.UUID | str) -> OutgoingMail:
    """The e-mail, for those who follow its centre's mail; a 404 for anyone else."""
    mail = OutgoingMail.objects.select_related("centre").filter(public_id=public_id).first()
    if mail is None:
        raise Http404
    if not mail_rights(user, mail).see:
        raise NotVisible("jobs.outgoingmail", str(mail.public_id), "e-mail d'un autre centre")
    return mail
