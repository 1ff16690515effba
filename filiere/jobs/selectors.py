from __future__ import annotations

import uuid
from pathlib import Path

from django.http import Http404

from filiere.access.jobs import job_rights
from filiere.accounts.models import User
from filiere.core.access_errors import NotVisible
from filiere.jobs.models import EXPORT_KINDS, Job
from filiere.jobs.services import job_file_path


def get_job_for_user(user: User, public_id: uuid.UUID | str) -> Job:
    """The job, for the person who asked for it or an administrator; a 404 for anyone else."""
    job = Job.objects.filter(public_id=public_id).first()
    if job is None:
        raise Http404
    if not job_rights(user, job).see:
        raise NotVisible("jobs.job", str(job.public_id), "tâche demandée par un autre")
    return job


def get_job_file_for_user(user: User, public_id: uuid.UUID | str) -> tuple[Job, Path]:
    """The job and the file it wrote, for those who may download it (a centre's exporters); a
    404 for anyone else, and while the file is not complete (the job not done)."""
    job = get_job_for_user(user, public_id)
    if not job_rights(user, job).download:
        raise NotVisible("jobs.job", str(job.public_id), "fichier d'un export d'un autre centre")
    path = job_file_path(job)
    if job.status != Job.Status.DONE or not job.file_name or not path.is_file():
        raise Http404
    return job, path


def exports_of_centres(centre_ids: frozenset[int], *, limit: int = 10) -> list[Job]:
    """The latest exports of these centres, for their exporters' page."""
    return list(
        Job.objects.filter(kind__in=EXPORT_KINDS, centre_id__in=centre_ids)
        .select_related("centre", "requested_by")
        .order_by("-created_at")[:limit]
    )
