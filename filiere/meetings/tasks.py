"""Case meetings' background jobs (run by `filiere worker`, scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import logging

from celery import shared_task

from filiere.meetings.services import follow_up_reminders_send

logger = logging.getLogger(__name__)


@shared_task(name="meetings.send_follow_up_reminders")
def send_follow_up_reminders() -> dict[str, int]:
    """Send the RCP follow-up reminders due today, as `filiere rcp_follow_up_reminders` does
    (daily). A reminder sent is recorded with it: a second run the same day sends none."""
    sent = follow_up_reminders_send()
    counts = {"first": sent.first, "second": sent.second}
    logger.info("Relances de suivi des avis RCP envoyées : %s", counts)
    return counts
