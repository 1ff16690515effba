"""Follow-up's background jobs (run by `filiere worker`, scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import logging

from celery import shared_task

from filiere.followup.services import schedules_refresh

logger = logging.getLogger(__name__)


@shared_task(name="followup.refresh_schedules")
def refresh_schedules() -> dict[str, int]:
    """Recompute every patient's next due visit, as `filiere followup refresh` does (daily).

    Only what changed is written: a second run writes nothing.
    """
    result = schedules_refresh()
    counts = {"created": result.created, "updated": result.updated, "deleted": result.deleted}
    logger.info("Échéances de suivi recalculées : %s", counts)
    return counts
