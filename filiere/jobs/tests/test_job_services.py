"""The job record's service: progress between the work's own transactions, the result or the
failure at the end, and a job delivered twice run once."""

from __future__ import annotations

import pytest

from filiere.access.actors import SYSTEM
from filiere.followup.models import FollowUpSchedule
from filiere.followup.services import schedules_refresh_all
from filiere.jobs.models import Job
from filiere.jobs.services import Progress, job_create, job_run
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.testing.factories import make_patient

pytestmark = pytest.mark.django_db


def test_the_refresh_reports_its_progress_chunk_by_chunk(
    patient_a: Patient, centre_a: Centre
) -> None:
    make_patient(centre_a, birth_name="Martin", first_given_name="Hugo")
    FollowUpSchedule.objects.all().delete()
    job = job_create(actor=SYSTEM, kind=Job.Kind.FOLLOWUP_REFRESH)
    seen: list[tuple[int, int, int]] = []

    def work(progress: Progress) -> dict[str, int]:
        def recorded(done: int, total: int) -> None:
            progress(done, total)
            stored = Job.objects.get(pk=job.pk)
            # Each chunk's schedules are written before the progress says so.
            seen.append((stored.done, stored.total, FollowUpSchedule.objects.count()))

        result = schedules_refresh_all(on_progress=recorded, chunk_size=1)
        return {"created": result.created}

    finished = job_run(job_id=job.public_id, work=work)

    assert seen == [(1, 2, 1), (2, 2, 2)]
    assert (finished.status, finished.result) == (Job.Status.DONE, {"created": 2})
    assert finished.started_at is not None
    assert finished.finished_at is not None


def test_a_job_delivered_twice_runs_once() -> None:
    job = job_create(actor=SYSTEM, kind=Job.Kind.FOLLOWUP_REFRESH)
    runs: list[int] = []

    def work(progress: Progress) -> dict[str, int]:
        runs.append(1)
        return {"created": len(runs)}

    job_run(job_id=job.public_id, work=work)
    again = job_run(job_id=job.public_id, work=work)
    assert runs == [1]
    assert again.result == {"created": 1}


def test_a_failing_job_is_recorded_as_failed_and_the_error_reaches_the_worker() -> None:
    job = job_create(actor=SYSTEM, kind=Job.Kind.FOLLOWUP_REFRESH)

    def work(progress: Progress) -> dict[str, int]:
        progress(1, 3)
        raise LookupError("table absente")

    with pytest.raises(LookupError):
        job_run(job_id=job.public_id, work=work)
    job.refresh_from_db()
    assert (job.status, job.error, job.done, job.total) == (Job.Status.FAILED, "LookupError", 1, 3)
    assert job.finished_at is not None
