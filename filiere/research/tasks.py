"""The research extracts' background job (run by `filiere worker`): an approved extract."""

from __future__ import annotations

from celery import shared_task

from filiere.access.actors import SYSTEM, Actor
from filiere.jobs.models import Job
from filiere.jobs.services import Progress, job_run
from filiere.research.models import ResearchRequest
from filiere.research.services import research_extract_produce


@shared_task(name="research.produce_extract")
def produce_extract(job_id: str) -> dict[str, int]:
    """Produce the extract of the request the job names, on behalf of its approver.

    Run twice (a worker killed midway, its message delivered again), the production starts over
    in one transaction and its file is replaced whole; once produced, it is not produced again.
    """
    job = Job.objects.select_related("requested_by").get(public_id=job_id)
    actor: Actor = job.requested_by or SYSTEM

    def work(progress: Progress) -> dict[str, int]:
        request = ResearchRequest.objects.get(public_id=job.params["demande"])
        if request.status != ResearchRequest.Status.APPROVED:
            return {"patients": request.patients_count or 0}
        produced = research_extract_produce(actor=actor, request=request, on_progress=progress)
        return {
            "patients": produced.patients_count or 0,
            "écartés (k-anonymat)": produced.suppressed_count or 0,
        }

    return dict(job_run(job_id=job_id, work=work).result)
