"""The queue's own upkeep and the outbox (run by `filiere worker`, scheduled in
CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from filiere.jobs.services import (
    jobs_expire_files,
    jobs_resend_waiting,
    outbox_send,
    outbox_send_due,
)


@shared_task(name="jobs.resend_waiting")
def resend_waiting() -> int:
    """Send again the jobs asked for while the broker was down (every ten minutes)."""
    return jobs_resend_waiting()


@shared_task(name="jobs.send_mail")
def send_mail(mail_ids: list[str]) -> dict[str, int]:
    """Send the messages just recorded (handed over when their write commits). Safe to run twice:
    each message is claimed before it is sent."""
    return outbox_send(list(mail_ids))


@shared_task(name="jobs.send_due_mail")
def send_due_mail() -> dict[str, int]:
    """Send the messages whose next attempt has come, those the broker never took and those a
    dead worker left claimed (every minute)."""
    return outbox_send_due()


@shared_task(name="jobs.expire_files")
def expire_files() -> int:
    """Delete the jobs' files past their retention (daily)."""
    return jobs_expire_files()
