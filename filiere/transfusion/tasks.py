"""Transfusion's background jobs (run by `filiere worker`, scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import logging

from celery import shared_task

from filiere.transfusion.donor_pool import current_pool
from filiere.transfusion.instructions import instructed_patient_ids, instructions_recompute

logger = logging.getLogger(__name__)

# Patients per share of the nightly recompute: each share is a task of its own, so that every
# worker takes some, each on the donor pool it loaded once (``current_pool`` keeps it per process).
SHARE = 200


@shared_task(name="transfusion.recompute_instructions")
def recompute_instructions(share: int = SHARE) -> dict[str, int]:
    """Nightly: hand the patients with a valid instruction to the workers, ``share`` at a time
    (as `filiere transfusion_recompute` does in one process). Return how many were handed out."""
    patient_ids = instructed_patient_ids()
    shares = [patient_ids[i : i + share] for i in range(0, len(patient_ids), share)]
    for chunk in shares:
        recompute_instruction_share.delay(chunk)
    counts = {"patients": len(patient_ids), "shares": len(shares)}
    logger.info("Recalcul des consignes transfusionnelles réparti : %s", counts)
    return counts


@shared_task(name="transfusion.recompute_instruction_share")
def recompute_instruction_share(patient_ids: list[int]) -> dict[str, int]:
    """Run these patients' latest valid instructions again on today's donor pool. It writes
    nothing: the instructions whose serum, typing or donors changed show « à revoir » on the
    worklist; only their number is logged. Run twice, it does the same twice."""
    summary = instructions_recompute(current_pool(), patient_ids=patient_ids)
    counts = {"recomputed": summary.recomputed, "changed": len(summary.changed)}
    logger.info("Consignes transfusionnelles recalculées : %s", counts)
    return counts
