from __future__ import annotations

import uuid

from django.http import Http404

from filiere.access.jobs import job_rights
from filiere.accounts.models import User
from filiere.core.access_errors import NotVisible
from filiere.jobs.models import Job


def get_job_for_user(user: User, public_id: uuid.UUID | str) -> Job:
    """The job, for the person who asked for it or an administrator; a 404 for anyone else."""
    job = Job.objects.filter(public_id=public_id).first()
    if job is None:
        raise Http404
    if not job_rights(user, job).see:
        raise NotVisible("jobs.job", str(job.public_id), "tâche demandée par un autre")
    return job
