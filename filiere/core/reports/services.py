"""The yearly activity report produced in the background: asked for from its page, written by
the worker as a PDF and, beside it, the CSV of every figure, downloaded by its requester alone
(`filiere rapport activite` writes the same two files by hand)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import translation

from filiere.access.actors import SYSTEM, Actor
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.reports import CSV_HEADER, ReportPeriod, activity_report, csv_rows
from filiere.core.reports.pdf import activity_report_pdf
from filiere.jobs.models import Job
from filiere.jobs.services import Progress, job_create, job_file_write, job_run, job_send
from filiere.lib.csvsafe import write_csv

OBJECT_TYPE = "core.activity_report"


def activity_report_filename(period: ReportPeriod, extension: str) -> str:
    where = period.centre.finess if period.centre is not None else "reseau"
    return f"rapport_activite_{period.year}_{where}.{extension}"


@dataclass(frozen=True)
class ReportFiles:
    pdf: bytes
    csv: str
    sections: int
    # The sections in which something was recorded in the year (0: an empty year).
    with_activity: int


def activity_report_files(
    period: ReportPeriod, *, on_progress: Callable[[int, int], None] | None = None
) -> ReportFiles:
    """The report's PDF and CSV, in French whoever asks (a document for the network's funders)."""
    with translation.override("fr"):
        sections = activity_report(period, on_progress=on_progress)
        pdf = activity_report_pdf(period, sections)
        csv = write_csv(CSV_HEADER, csv_rows(period, sections))
    return ReportFiles(pdf, csv, len(sections), sum(not s.empty for s in sections))


def activity_report_start(*, actor: Actor, period: ReportPeriod) -> Job:
    """Ask the worker for the report; return the job to follow. The job is sent once the
    transaction that records it commits; its files are downloaded from the job's page."""
    with transaction.atomic():
        job = job_create(
            actor=actor,
            kind=Job.Kind.ACTIVITY_REPORT,
            centre=period.centre,
            file_name=activity_report_filename(period, "pdf"),
            params={"year": period.year},
        )
        transaction.on_commit(lambda: job_send(job))
    return job


def activity_report_write(job_id: str) -> dict[str, int]:
    """The worker's part: build the report of the job's year and centre, write its CSV then
    its PDF (the main file, written last: its presence says the job's files are complete), and
    record the production. Run twice, it writes the same files again."""
    job = Job.objects.select_related("centre", "requested_by").get(public_id=job_id)
    actor: Actor = job.requested_by or SYSTEM
    period = ReportPeriod(int(job.params["year"]), job.centre)

    def work(progress: Progress) -> dict[str, int]:
        files = activity_report_files(period, on_progress=progress)
        job_file_write(job, files.csv.encode(), "csv")
        job_file_write(job, files.pdf)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.EXPORT,
            object_type=OBJECT_TYPE,
            centre_id=period.centre.public_id if period.centre is not None else None,
            summary=f"Rapport d'activité {period.year} — {period.scope_label} (tâche de fond)",
        )
        return {"sections": files.sections, "sections_with_activity": files.with_activity}

    return dict(job_run(job_id=job_id, work=work).result)
