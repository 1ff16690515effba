"""The job record's writes: asked for (audited), run by the worker with its progress, finished
(audited with its result)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from filiere.access.actors import SYSTEM, Actor, acting_user
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.jobs.models import Job

Progress = Callable[[int, int], None]


@transaction.atomic
def job_create(*, actor: Actor, kind: str) -> Job:
    """Record a job asked for by ``actor``, waiting for the worker (the caller sends it)."""
    job = Job(kind=kind, requested_by=acting_user(actor))
    job.full_clean()
    job.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=job,
        summary=f"Tâche demandée : {job.get_kind_display()}",
    )
    return job


def job_run(*, job_id: uuid.UUID | str, work: Callable[[Progress], dict[str, int]]) -> Job:
    """Run ``work`` for the job, recording its progress and then its result or its failure.

    ``work`` receives a ``progress(done, total)`` to call between its own transactions. A job
    already finished (its message delivered twice) is not run again; one left running by a
    worker that died is run again from the start, so ``work`` must be safe to repeat.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().get(public_id=job_id)
        if job.finished:
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
    audit_record(
        actor=SYSTEM,
        action=AuditEvent.Action.UPDATE,
        obj=job,
        summary=f"Tâche {job.get_status_display().lower()} : {job.get_kind_display()}",
        changes={"status": {"après": status}, "result": result} if result else {"status": status},
    )
    return job
