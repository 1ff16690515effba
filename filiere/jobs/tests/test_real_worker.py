"""Issue 17: a job sent to the queue is run by a real `filiere worker` through the real Redis,
and what it did is in the database: the schedule it restored, its job record done.

The worker is another process: it must see the rows this test wrote, so the test commits them
(a transactional test) and runs on PostgreSQL only. On SQLite pytest-django's test database
lives in this process's memory, which no other process can open.

Redis: ``TEST_REDIS_URL`` (default database 15, away from the application's 0), and a queue of
its own per run, so that two runs at once never take each other's jobs. Skipped when Redis is not
listening, unless ``REQUIRE_REDIS=1`` (CI).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from django.db import connection
from kombu import Exchange, Queue

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.followup.models import FollowUpSchedule
from filiere.followup.tasks import refresh_schedules
from filiere.jobs.models import Job, OutgoingMail
from filiere.jobs.queue import app
from filiere.jobs.services import job_create, outbox_add
from filiere.jobs.tasks import send_mail
from filiere.network.models import Centre
from filiere.patients.models import Patient

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# How long the worker may take to start and run the job before the test gives up (a deadline
# against a hung worker, not a measure: the job takes well under a second).
DEADLINE_SECONDS = 120


def _redis_listening() -> bool:
    address = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((address.hostname, address.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


def _test_database_url() -> str:
    """The URL of the test database this process uses (``test_<name>``), for the worker."""
    database = connection.settings_dict
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    host = database["HOST"] or "127.0.0.1"
    port = database["PORT"] or 5432
    return (
        f"postgres://{quote(database['USER'], safe='')}{password}@{host}:{port}/{database['NAME']}"
    )


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


@pytest.fixture
def worker(queue: str, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`filiere worker` on the test database, consuming only this run's queue; stopped after
    the test (a warm shutdown, killed if it does not end)."""
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": REDIS_URL,
        "JOBS_QUEUE": queue,
        "JOBS_EAGER": "0",
        "DATA_DIR": str(tmp_path),
        # E-mails are written to the worker's output, where the test reads them.
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    env.pop("AUDIT_PURGE_DATABASE_URL", None)
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
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
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _worker_output(tmp_path: Path) -> str:
    return (tmp_path / "worker.log").read_text(encoding="utf-8", errors="replace")[-4000:]


def test_a_real_worker_runs_the_follow_up_refresh_sent_through_redis(
    patient_a: Patient,
    network_coordinator: User,
    queue: str,
    worker: subprocess.Popen[bytes],
    tmp_path: Path,
) -> None:
    # Registering the patient computed the due date; a lost row is what the refresh restores.
    computed = FollowUpSchedule.objects.get(patient=patient_a)
    FollowUpSchedule.objects.all().delete()
    job = job_create(actor=network_coordinator, kind=Job.Kind.FOLLOWUP_REFRESH)

    with app.connection_for_write(REDIS_URL) as conn:
        # Declared here, so the message waits in Redis even if the worker is not listening yet.
        Queue(queue, Exchange(queue, type="direct"), routing_key=queue).bind(conn).declare()
        # Sent for real, not run here: the app reads Django's settings under the CELERY_
        # namespace, so the namespaced key is the one that turns the tests' eager mode off.
        eager = app.conf.task_always_eager
        app.conf.CELERY_TASK_ALWAYS_EAGER = False
        try:
            refresh_schedules.apply_async(args=[str(job.public_id)], queue=queue, connection=conn)
        finally:
            app.conf.CELERY_TASK_ALWAYS_EAGER = eager

    deadline = time.monotonic() + DEADLINE_SECONDS
    while not job.finished:
        assert worker.poll() is None, f"the worker stopped:\n{_worker_output(tmp_path)}"
        assert time.monotonic() < deadline, f"the job did not end:\n{_worker_output(tmp_path)}"
        time.sleep(0.2)
        job.refresh_from_db()

    assert job.status == Job.Status.DONE, _worker_output(tmp_path)
    assert (job.done, job.total) == (1, 1)
    assert job.result == {"created": 1, "updated": 0, "deleted": 0}
    restored = FollowUpSchedule.objects.get(patient=patient_a)

    assert (restored.anchor_on, restored.interval_months, restored.next_due_on) == (
        computed.anchor_on,
        computed.interval_months,
        computed.next_due_on,
    )
    assert restored.computed_at > computed.computed_at
    # Done by the worker, not by this process.
    assert "Task followup.refresh_schedules[" in _worker_output(tmp_path)


def test_a_real_worker_writes_the_centre_export_in_the_private_storage(
    patient_a: Patient,
    centre_a: Centre,
    queue: str,
    worker: subprocess.Popen[bytes],
    tmp_path: Path,
) -> None:
    """The export's task is found by the worker (autodiscovered), and its zip lands in the
    worker's private storage (DATA_DIR/private), whole."""
    from filiere.patients.tasks import export_centre

    # Recorded, not sent: the start service would send it at once to this process (eager mode).
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

    deadline = time.monotonic() + DEADLINE_SECONDS
    while not job.finished:
        assert worker.poll() is None, f"the worker stopped:\n{_worker_output(tmp_path)}"
        assert time.monotonic() < deadline, f"the job did not end:\n{_worker_output(tmp_path)}"
        time.sleep(0.2)
        job.refresh_from_db()

    assert job.status == Job.Status.DONE, _worker_output(tmp_path)
    assert job.result == {"patients": 1, "exported": 1, "opposed": 0, "incomplete": 0}
    written = tmp_path / "private" / "jobs" / str(job.public_id)
    with zipfile.ZipFile(written) as archive:
        assert archive.namelist() == [f"{patient_a.pseudonym}.json"]
    assert list(written.parent.iterdir()) == [written]
    assert "Task patients.export_centre[" in _worker_output(tmp_path)


def test_a_real_worker_sends_an_email_of_the_outbox_handed_over_through_redis(
    centre_a: Centre, queue: str, worker: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    mail = outbox_add(
        kind="rcp.avis",
        to=["alice@hopital.test"],
        subject="Avis de RCP",
        body="Veuillez trouver ci-joint l'avis de la RCP.",
        centre=centre_a,
    )
    with app.connection_for_write(REDIS_URL) as conn:
        Queue(queue, Exchange(queue, type="direct"), routing_key=queue).bind(conn).declare()
        eager = app.conf.task_always_eager
        app.conf.CELERY_TASK_ALWAYS_EAGER = False
        try:
            send_mail.apply_async(args=[[str(mail.public_id)]], queue=queue, connection=conn)
        finally:
            app.conf.CELERY_TASK_ALWAYS_EAGER = eager

    deadline = time.monotonic() + DEADLINE_SECONDS
    while mail.status != OutgoingMail.Status.SENT:
        assert worker.poll() is None, f"the worker stopped:\n{_worker_output(tmp_path)}"
        assert time.monotonic() < deadline, f"the mail did not leave:\n{_worker_output(tmp_path)}"
        time.sleep(0.2)
        mail.refresh_from_db()

    output = _worker_output(tmp_path)
    assert "To: alice@hopital.test" in output
    assert "Task jobs.send_mail[" in output
    assert mail.attempts == 1
