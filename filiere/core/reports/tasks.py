"""The activity report's background job (run by `filiere worker`)."""

from __future__ import annotations

from celery import shared_task

from filiere.core.reports.services import activity_report_write


@shared_task(name="reports.activity_report")
def write_activity_report(job_id: str) -> dict[str, int]:
    """Write the report asked for from its page (PDF and CSV) in the private storage."""
    return activity_report_write(job_id)
