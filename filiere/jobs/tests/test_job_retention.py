"""The files the jobs write are not kept for ever: the scheduler's daily ``jobs.expire_files``
deletes those of the jobs finished more than ``JOB_FILES_RETENTION_DAYS`` ago (7 by default)
and marks the jobs, whose page then says the file is gone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.jobs.models import Job, OutgoingMail
from filiere.jobs.services import job_file_path
from filiere.jobs.tasks import expire_files
from filiere.network.models import Centre, Role
from filiere.testing.factories import give_role, make_activity_report, make_export, make_user

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


@pytest.fixture
def dana(centre_a: Centre) -> User:
    user = make_user(email="dana@a.test", first_name="Dana", last_name="Gestion")
    give_role(user, centre_a, Role.DATA_MANAGER)
    return user


def _finished_days_ago(job: Job, days: float) -> Job:
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=days))
    job.refresh_from_db()
    return job


def test_the_retention_is_seven_days_by_default_and_runs_daily() -> None:
    assert settings.JOB_FILES_RETENTION_DAYS == 7
    entry = settings.CELERY_BEAT_SCHEDULE["jobs-expire-files"]
    assert entry["task"] == "jobs.expire_files"
    assert entry["schedule"].hour == {1}


def test_files_past_the_retention_are_deleted_and_their_job_says_so(
    centre_a: Centre, dana: User, client_for: ClientFor
) -> None:
    old = _finished_days_ago(make_export(centre_a, actor=dana), 7.1)
    recent = _finished_days_ago(make_export(centre_a, actor=dana, dataset="phenopackets"), 6.9)
    report = _finished_days_ago(make_activity_report(dana, centre_a), 8)
    left_partial = job_file_path(old).with_name(f"{old.public_id}.partiel")
    left_partial.write_bytes(b"half")
    for job in (old, recent):
        assert job_file_path(job).is_file()
    assert job_file_path(report, "csv").is_file()

    assert expire_files() == 2

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.expired_at is not None
    assert recent.expired_at is None
    assert not list(job_file_path(old).parent.glob(f"{old.public_id}*"))
    assert not list(job_file_path(report).parent.glob(f"{report.public_id}*"))
    assert job_file_path(recent).is_file()
    client = client_for(dana)
    page = client.get(f"/taches/{old.public_id}/").content.decode()
    assert 'data-testid="job-expired"' in page
    assert f"Fichier supprimé le {timezone.localdate():%d/%m/%Y}" in page
    assert "conservés 7 jours" in page
    assert f"/taches/{old.public_id}/fichier/" not in page
    assert client.get(f"/taches/{old.public_id}/fichier/").status_code == 404
    assert client.get(f"/taches/{report.public_id}/fichier/csv/").status_code == 404
    assert client.get(f"/taches/{recent.public_id}/fichier/").status_code == 200
    # The requester was told when the file would go (the messages wait in the outbox).
    ready = OutgoingMail.objects.filter(kind="jobs.file_ready", recipients=[dana.email])
    assert ready.count() == 3
    assert all("Il est supprimé 7 jours après la fin de la tâche." in m.body for m in ready)
    deleted = AuditEvent.objects.filter(summary__startswith="Fichier supprimé après 7 jours")
    assert sorted(deleted.values_list("object_id", flat=True)) == sorted(
        [str(old.public_id), str(report.public_id)]
    )
    # Run again the same day: nothing left to delete, nothing recorded twice.
    assert expire_files() == 0
    assert deleted.count() == 2


@override_settings(JOB_FILES_RETENTION_DAYS=30)
def test_the_retention_is_a_setting(centre_a: Centre, dana: User) -> None:
    job = _finished_days_ago(make_export(centre_a, actor=dana), 10)
    assert expire_files() == 0
    assert job_file_path(job).is_file()
    _finished_days_ago(job, 31)
    assert expire_files() == 1
    assert not job_file_path(job).exists()


def test_a_job_still_running_keeps_its_file(centre_a: Centre, dana: User) -> None:
    job = make_export(centre_a, actor=dana)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, finished_at=None, started_at=timezone.now()
    )
    assert expire_files() == 0
    assert job_file_path(job).is_file()
