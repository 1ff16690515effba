"""The scheduler's timetable names jobs the worker knows (a misspelt name would be sent every
night and refused by the worker, silently for the pages)."""

from __future__ import annotations

from django.conf import settings

from filiere.jobs.queue import app


def test_every_scheduled_job_is_a_registered_task() -> None:
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "transfusion.recompute_instructions",
        "followup.refresh_schedules",
        "meetings.send_follow_up_reminders",
        "jobs.resend_waiting",
        "jobs.send_due_mail",
        "jobs.expire_files",
        "patients.observatory_warm",
    }
    assert scheduled <= set(app.tasks)


def test_the_tests_run_jobs_at_once_and_jobs_acknowledge_once_done() -> None:
    assert app.conf.task_always_eager is True
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
