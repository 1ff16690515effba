"""Issue 17, faults: a worker killed (SIGKILL: the OOM killer, a power cut) in the middle of a
centre's export. After a new worker takes the job over, the export is finished once: one file,
whole, no temporary file left, the export audited once, the job done once.

The first worker is held mid-export by a lock on the audit table taken by this test (the export
writes its zip, then blocks on recording it), and killed there. Its job's message was never
acknowledged: Redis hands it out again after the visibility timeout, shortened to a few seconds
for the second worker (``JOBS_VISIBILITY_TIMEOUT``; six hours in production). PostgreSQL only,
as the other real-worker tests (``test_real_worker.py``).
"""

from __future__ import annotations

import signal
import time
import zipfile
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from filiere.access.actors import SYSTEM
from filiere.audit.models import AuditEvent
from filiere.jobs.models import Job
from filiere.jobs.services import job_create, job_file_path
from filiere.jobs.tests.conftest import Send, StartWorker
from filiere.network.models import Centre
from filiere.patients.models import Patient

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DEADLINE_SECONDS = 120
VISIBILITY_SECONDS = 4


def _wait(condition: Any, what: str, log: Path) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"{what}:\n{log.read_text(errors='replace')[-4000:]}"
        time.sleep(0.2)


def _admin() -> psycopg.Connection[Any]:
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )


def test_an_export_whose_worker_was_killed_is_finished_once(
    patient_a: Patient,
    centre_a: Centre,
    send: Send,
    start_worker: StartWorker,
    tmp_path: Path,
) -> None:
    from filiere.patients.tasks import export_centre

    job = job_create(
        actor=SYSTEM, kind=Job.Kind.EXPORT_PHENOPACKETS, centre=centre_a, file_name="export.zip"
    )
    send(export_centre, [str(job.public_id)])

    visibility = str(VISIBILITY_SECONDS)
    audit_table = AuditEvent._meta.db_table
    first_log, second_log = tmp_path / "worker-1.log", tmp_path / "worker-2.log"
    with _admin() as lock:
        # Reads go on, inserts wait: the export writes its file, then waits to record it.
        lock.execute(f'LOCK TABLE "{audit_table}" IN SHARE MODE')
        first = start_worker(tmp_path, first_log, JOBS_VISIBILITY_TIMEOUT=visibility)
        _wait(lambda: _job(job).status == Job.Status.RUNNING, "the job never started", first_log)
        time.sleep(1)  # inside the export, waiting on the lock
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        lock.rollback()
    assert _job(job).status == Job.Status.RUNNING  # left running by a worker that died
    events_before = AuditEvent.objects.count()

    # The message comes back after the visibility timeout, shortened for this worker.
    start_worker(tmp_path, second_log, JOBS_VISIBILITY_TIMEOUT=visibility)
    _wait(lambda: _job(job).finished, "the job was not taken over", second_log)

    done = _job(job)
    assert done.status == Job.Status.DONE, second_log.read_text(errors="replace")[-4000:]
    assert done.result == {"patients": 1, "exported": 1, "opposed": 0, "incomplete": 0}
    written = tmp_path / "private" / "jobs" / str(job.public_id)
    assert written.name == job_file_path(done).name
    with zipfile.ZipFile(written) as archive:
        assert archive.namelist() == [f"{patient_a.pseudonym}.json"]
    assert list(written.parent.iterdir()) == [written]  # no temporary file left
    # Recorded once: the killed worker's records were rolled back with its transaction.
    exports = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT)
    assert exports.filter(patient_id__isnull=True, summary__startswith="Export ").count() == 1
    assert exports.filter(patient_id=patient_a.public_id).count() == 1
    assert AuditEvent.objects.count() > events_before
    assert "Task patients.export_centre[" in second_log.read_text(errors="replace")


def _job(job: Job) -> Job:
    return Job.objects.get(pk=job.pk)
