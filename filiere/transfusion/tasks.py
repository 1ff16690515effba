"""Transfusion's background jobs (run by `filiere worker`, scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import logging

from celery import shared_task

from filiere.transfusion.donor_pool import current_pool
from filiere.transfusion.instructions import instructions_recompute

logger = logging.getLogger(__name__)


@shared_task(name="transfusion.recompute_instructions")
def recompute_instructions() -> dict[str, int]:
    """Run every valid instruction again on today's donor pool, as `filiere
    transfusion_recompute` does (nightly). It writes nothing: the instructions whose serum,
    typing or donors changed show « à revoir » on the worklist; only their number is logged."""
    summary = instructions_recompute(current_pool())
    counts = {"recomputed": summary.recomputed, "changed": len(summary.changed)}
    logger.info("Consignes transfusionnelles recalculées : %s", counts)
    return counts
