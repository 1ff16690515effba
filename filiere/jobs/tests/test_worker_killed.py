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

import os
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection
from kombu import Exchange, Queue

from filiere.access.actors import SYSTEM
from filiere.audit.models import AuditEvent
from filiere.jobs.models import Job
from filiere.jobs.queue import app
from filiere.jobs.services import job_create, job_file_path
from filiere.jobs.tests.test_real_worker import REDIS_URL, _redis_listening, _test_database_url
from filiere.network.models import Centre
from filiere.patients.models import Patient

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DEADLINE_SECONDS = 120
VISIBILITY_SECONDS = 4


@pytest.fixture
def queue() -> Iterator[str]:
    if not _redis_listening():
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is not listening at {REDIS_URL} and REQUIRE_REDIS=1")
        pytest.skip(f"Redis is not listening at {REDIS_URL}")
    name = f"filiere-test-{uuid.uuid4().hex[:12]}"
    yield name
    with app.connection_for_write(REDIS_URL) as conn:
        client: Any = conn.default_channel.client
        client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")


def _start_worker(queue: str, data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": REDIS_URL,
        "JOBS_QUEUE": queue,
        "JOBS_EAGER": "0",
        "JOBS_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
        "DATA_DIR": str(data_dir),
    }
    env.pop("AUDIT_PURGE_DATABASE_URL", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "filiere.cli",
            "worker",
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
    patient_a: Patient, centre_a: Centre, queue: str, tmp_path: Path
) -> None:
    from filiere.patients.tasks import export_centre

    job = job_create(
        actor=SYSTEM, kind=Job.Kind.EXPORT_PHENOPACKETS, centre=centre_a, file_name="export.zip"
    )
    with app.connection_for_write(REDIS_URL) as conn:
        Queue(queue, Exchange(queue, type="direct"), routing_key=queue).bind(conn).declare()
        eager = app.conf.task_always_eager
        app.conf.CELERY_TASK_ALWAYS_EAGER = False
        try:
            export_centre.apply_async(args=[str(job.public_id)], queue=queue, connection=conn)
        finally:
            app.conf.CELERY_TASK_ALWAYS_EAGER = eager

    audit_table = AuditEvent._meta.db_table
    first_log, second_log = tmp_path / "worker-1.log", tmp_path / "worker-2.log"
    with _admin() as lock:
        # Reads go on, inserts wait: the export writes its file, then waits to record it.
        lock.execute(f'LOCK TABLE "{audit_table}" IN SHARE MODE')
        first = _start_worker(queue, tmp_path, first_log)
        try:
            _wait(
                lambda: _job(job).status == Job.Status.RUNNING, "the job never started", first_log
            )
            time.sleep(1)  # inside the export, waiting on the lock
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
        finally:
            _stop(first)
        lock.rollback()
    assert _job(job).status == Job.Status.RUNNING  # left running by a worker that died
    events_before = AuditEvent.objects.count()

    second = _start_worker(queue, tmp_path, second_log)
    try:
        _wait(lambda: _job(job).finished, "the job was not taken over", second_log)
    finally:
        _stop(second)

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
