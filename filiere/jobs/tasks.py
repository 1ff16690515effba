"""The queue's own upkeep (run by `filiere worker`, scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from filiere.jobs.services import jobs_resend_waiting


@shared_task(name="jobs.resend_waiting")
def resend_waiting() -> int:
    """Send again the jobs asked for while the broker was down (every ten minutes)."""
    return jobs_resend_waiting()
