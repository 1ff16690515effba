"""The registry's background jobs (run by `filiere worker`): a centre's national exports, the
diagnosis observatory's nightly snapshots."""

from __future__ import annotations

import logging

from celery import shared_task

from filiere.access.actors import SYSTEM, Actor
from filiere.jobs.models import Job
from filiere.jobs.services import Progress, job_file_path, job_run
from filiere.patients.services.national_exports import (
    JOB_KINDS,
    national_export_zip,
)

logger = logging.getLogger(__name__)

_DATASETS: dict[str, str] = {kind: dataset for dataset, kind in JOB_KINDS.items()}


@shared_task(name="patients.export_centre")
def export_centre(job_id: str) -> dict[str, int]:
    """Write a centre's export (SDM-MR, Phenopackets or FHIR, after the job's kind) as a zip in the
    private storage, as `filiere export` does in a folder.

    Run twice (a worker killed midway, its message delivered again), the export starts over
    and the zip appears once, whole; a job already finished is not run again (``job_run``).
    """
    job = Job.objects.select_related("centre", "requested_by").get(public_id=job_id)
    actor: Actor = job.requested_by or SYSTEM
    centre = job.centre
    if centre is None:  # a database constraint forbids it
        raise ValueError("Un export est celui d'un centre.")

    def work(progress: Progress) -> dict[str, int]:
        result = national_export_zip(
            actor=actor,
            dataset=_DATASETS[job.kind],
            centre=centre,
            path=job_file_path(job),
            on_progress=progress,
        )
        return result.counts()

    counts = dict(job_run(job_id=job_id, work=work).result)
    logger.info("Export du centre terminé : %s", counts)
    return counts


@shared_task(name="patients.observatory_warm")
def observatory_warm() -> int:
    """Count the diagnosis observatory's network and centre views again (nightly)."""
    from filiere.patients.observatory.figures import observatory_warm as warm

    return warm()
