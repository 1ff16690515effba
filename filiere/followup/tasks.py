"""Follow-up's background jobs (run by `filiere worker`, scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import logging

from celery import shared_task

from filiere.followup.services import schedules_refresh_all
from filiere.followup.services.care_cards import care_cards_write
from filiere.followup.services.schedule import RefreshResult
from filiere.jobs.services import job_run

logger = logging.getLogger(__name__)


@shared_task(name="followup.refresh_schedules")
def refresh_schedules(job_id: str | None = None) -> dict[str, int]:
    """Recompute every patient's next due visit, as `filiere followup refresh` does (daily, or
    from the rules page with the job to report to).

    Only what changed is written: a second run writes nothing.
    """
    if job_id is None:
        counts = _counts(schedules_refresh_all())
    else:
        job = job_run(
            job_id=job_id,
            work=lambda progress: _counts(schedules_refresh_all(on_progress=progress)),
        )
        counts = dict(job.result)
    logger.info("Échéances de suivi recalculées : %s", counts)
    return counts


@shared_task(name="followup.print_care_cards")
def print_care_cards(job_id: str) -> dict[str, int]:
    """Write the care cards of a centre's patients expected at a visit, asked for from its
    worklist, as one PDF in the private storage."""
    return care_cards_write(job_id)


def _counts(result: RefreshResult) -> dict[str, int]:
    return {"created": result.created, "updated": result.updated, "deleted": result.deleted}
