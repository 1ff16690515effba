"""The job record's writes: asked for (audited), handed to the queue, run by the worker with its
progress, finished (audited with its result).

A job is handed to the queue by ``job_send``. When the broker does not answer (Redis stopped),
the page that asked still answers: the job waits « en attente », its page says why, and the
scheduler's ``jobs_resend_waiting`` sends it again once the broker is back.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from filiere.access.actors import SYSTEM, Actor, acting_user
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.jobs.models import Job
from filiere.network.models import Centre

Progress = Callable[[int, int], None]

logger = logging.getLogger(__name__)

# A broker that does not answer is given up quickly: the person who asked is waiting for a page.
SEND_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}

# The task that runs each kind of job, registered by the app that owns the work, and the page
# (URL name) its job page leads back to.
_tasks: dict[str, Any] = {}
_back_pages: dict[str, str] = {}


def register_job_task(kind: str, task: Any, *, back: str = "") -> None:
    _tasks[kind] = task
    if back:
        _back_pages[kind] = back


def job_back_page(job: Job) -> str:
    """The URL name of the page the job was asked from ("" when none was registered)."""
    return _back_pages.get(job.kind, "")


def job_send(job: Job) -> bool:
    """Hand the job to the queue; False when the broker does not answer (the job waits)."""
    try:
        _tasks[job.kind].apply_async(args=[str(job.public_id)], retry=True, retry_policy=SEND_RETRY)
    except (OperationalError, OSError) as error:
        logger.warning(
            "File d'attente indisponible : tâche %s en attente (%s)",
            job.public_id,
            type(error).__name__,
        )
        return False
    Job.objects.filter(pk=job.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    return True


def jobs_resend_waiting(*, older_than_minutes: int = 10) -> int:
    """Send again the jobs still waiting: never accepted by the broker, or accepted but not
    started after ``older_than_minutes`` (a broker restarted without its messages). A job sent
    twice runs once (``job_run``). Return how many were sent."""
    cutoff = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    waiting = Job.objects.filter(status=Job.Status.QUEUED, created_at__lte=cutoff).order_by("pk")
    return sum(job_send(job) for job in waiting if job.kind in _tasks)


def _running_elsewhere(job: Job) -> bool:
    # Redis hands an unacknowledged message out again only after its visibility timeout: a job
    # started more recently is still in a live worker's hands.
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    return (
        job.status == Job.Status.RUNNING
        and job.started_at is not None
        and job.started_at > timezone.now() - dt.timedelta(seconds=timeout)
    )


@transaction.atomic
def job_create(
    *, actor: Actor, kind: str, centre: Centre | None = None, file_name: str = ""
) -> Job:
    """Record a job asked for by ``actor``, waiting for the worker (the caller sends it).

    ``centre`` is the centre the work is for; ``file_name`` the name its file is downloaded
    under, for a job that writes one (at ``job_file_path``)."""
    job = Job(kind=kind, requested_by=acting_user(actor), centre=centre, file_name=file_name)
    job.full_clean()
    job.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=job,
        summary=f"Tâche demandée : {job.get_kind_display()}",
        centre_id=centre.public_id if centre is not None else None,
    )
    return job


def job_file_path(job: Job) -> Path:
    """Where the file a job writes is kept: the private storage, outside the web root, under
    the job's identifier (the worker writes it there, the download reads it)."""
    return Path(settings.PRIVATE_FILES_DIR) / "jobs" / str(job.public_id)


@transaction.atomic
def job_file_downloaded(*, actor: Actor, job: Job) -> None:
    """Record that ``actor`` downloaded the job's file: an export, audited as one."""
    centre = job.centre
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=job,
        centre_id=centre.public_id if centre is not None else None,
        summary=f"Fichier téléchargé : {job.get_kind_display()} ({job.file_name})",
    )


def job_run(*, job_id: uuid.UUID | str, work: Callable[[Progress], dict[str, int]]) -> Job:
    """Run ``work`` for the job, recording its progress and then its result or its failure.

    ``work`` receives a ``progress(done, total)`` to call between its own transactions. A job
    already finished, or running in another worker (its message delivered twice), is not run
    again; one left running by a worker that died is run again from the start, so ``work`` must
    be safe to repeat.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().get(public_id=job_id)
        if job.finished or _running_elsewhere(job):
            return job
        job.status = Job.Status.RUNNING
        job.started_at = timezone.now()
        job.done = job.total = 0
        job.save(update_fields=["status", "started_at", "done", "total"])

    def progress(done: int, total: int) -> None:
        # A counter for the page, not audited: the job's start and end are.
        Job.objects.filter(pk=job.pk).update(done=min(done, total), total=total)

    try:
        result = work(progress)
    except Exception as error:
        _finish(job, status=Job.Status.FAILED, result={}, error=type(error).__name__)
        raise
    return _finish(job, status=Job.Status.DONE, result=result, error="")


@transaction.atomic
def _finish(job: Job, *, status: str, result: dict[str, int], error: str) -> Job:
    job.refresh_from_db(fields=["done", "total"])
    job.status = status
    job.result = result
    job.error = error[:200]
    job.finished_at = timezone.now()
    if status == Job.Status.DONE:
        job.done = job.total
    job.full_clean()
    job.save(update_fields=["status", "result", "error", "finished_at", "done"])
    # Every job ends here, once: the place to tell the person who asked that it is done (an
    # e-mail when an export is ready, once the outbox exists).
    audit_record(
        actor=SYSTEM,
        action=AuditEvent.Action.UPDATE,
        obj=job,
        summary=f"Tâche {job.get_status_display().lower()} : {job.get_kind_display()}",
        changes={"status": {"après": status}, "result": result} if result else {"status": status},
    )
    return job
