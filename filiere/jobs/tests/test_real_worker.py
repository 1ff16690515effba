"""Issue 17: a job sent to the queue is run by a real `filiere worker` through the real Redis,
and what it did is in the database: the schedule it restored, its job record done.

The worker, its queue and the sending are in ``conftest.py`` (PostgreSQL and Redis only).
"""

from __future__ import annotations

import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.followup.models import FollowUpSchedule
from filiere.followup.tasks import refresh_schedules
from filiere.jobs.models import Job, OutgoingMail
from filiere.jobs.services import job_create, outbox_add
from filiere.jobs.tasks import send_mail
from filiere.jobs.tests.conftest import Send, StartWorker
from filiere.network.models import Centre
from filiere.patients.models import Patient

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# How long the worker may take to start and run the job before the test gives up (a deadline
# against a hung worker, not a measure: the job takes well under a second).
DEADLINE_SECONDS = 120


@pytest.fixture
def worker(start_worker: StartWorker, tmp_path: Path) -> subprocess.Popen[bytes]:
    """One worker for the test, its e-mails written to its output, where the test reads them."""
    return start_worker(
        tmp_path,
        tmp_path / "worker.log",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )


def _worker_output(tmp_path: Path) -> str:
    return (tmp_path / "worker.log").read_text(encoding="utf-8", errors="replace")[-4000:]


def test_a_real_worker_runs_the_follow_up_refresh_sent_through_redis(
    patient_a: Patient,
    network_coordinator: User,
    send: Send,
    worker: subprocess.Popen[bytes],
    tmp_path: Path,
) -> None:
    # Registering the patient computed the due date; a lost row is what the refresh restores.
    computed = FollowUpSchedule.objects.get(patient=patient_a)
    FollowUpSchedule.objects.all().delete()
    job = job_create(actor=network_coordinator, kind=Job.Kind.FOLLOWUP_REFRESH)

    send(refresh_schedules, [str(job.public_id)])

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
    send: Send,
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
    send(export_centre, [str(job.public_id)])

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
    centre_a: Centre, send: Send, worker: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    mail = outbox_add(
        kind="rcp.avis",
        to=["alice@hopital.test"],
        subject="Avis de RCP",
        body="Veuillez trouver ci-joint l'avis de la RCP.",
        centre=centre_a,
    )
    send(send_mail, [[str(mail.public_id)]])

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
