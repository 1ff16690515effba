"""A centre's national exports (SDM-MR, GA4GH Phenopackets, FHIR R4B): one service for the
command line, which writes a folder, and for the background job, which writes a zip in the
private storage (SDM-MR, Phenopackets and FHIR).

Patients who oppose reuse are left out and counted; a record missing an item the national
dataset requires is counted and named by its pseudonym. Every export is audited: one event for
the export and one per exported patient, so that the audit page filtered on a patient finds it.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from filiere.access.actors import Actor
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record, audit_record_per_patient
from filiere.exports import rd_cdm
from filiere.exports.fhir import render_fhir_bundle
from filiere.exports.phenopackets import render_phenopacket
from filiere.exports.sdm_mr import render_sdm_mr
from filiere.jobs.models import Job
from filiere.jobs.services import job_create, job_send
from filiere.lib.csvsafe import write_csv
from filiere.network.models import Centre
from filiere.patients.fhir import fhir_records
from filiere.patients.phenopackets import phenopacket_records
from filiere.patients.sdm_mr import Incomplete, documents, exportable_patients

SDM_MR = "sdm-mr"
PHENOPACKETS = "phenopackets"
FHIR = "fhir"
RD_CDM = "rd-cdm"
DATASETS = (SDM_MR, PHENOPACKETS, FHIR, RD_CDM)
# The job that runs each export in the background (RD-CDM, one table for the network: the command
# line only).
JOB_KINDS = {
    SDM_MR: Job.Kind.EXPORT_SDM_MR,
    PHENOPACKETS: Job.Kind.EXPORT_PHENOPACKETS,
    FHIR: Job.Kind.EXPORT_FHIR,
}
_LABELS = {
    SDM_MR: "SDM-MR",
    PHENOPACKETS: "Phenopackets",
    FHIR: "FHIR R4B",
    RD_CDM: "RD-CDM (CSV)",
}
_PATIENT_SUMMARIES = {
    SDM_MR: "Export : SDM-MR",
    PHENOPACKETS: "Export : phenopacket GA4GH (pseudonymisé)",
    FHIR: "Export : FHIR R4B (pseudonymisé)",
    RD_CDM: "Export : éléments communs RD-CDM (pseudonymisé)",
}
# The progress of a large centre is reported every so many patients (one UPDATE each).
PROGRESS_EVERY = 100
# In the zip, beside the documents: why each incomplete record was left out (pseudonyms only).
INCOMPLETE_FILE = "non-exportes.txt"

# ``write(name, content)`` stores one document (a file in a folder, a member of a zip).
Write = Callable[[str, bytes], object]
Progress = Callable[[int, int], None]


@dataclass
class ExportResult:
    written: int = 0
    opposed: int = 0
    # « pseudonym : reason » of each record the national dataset cannot take as it is.
    incomplete: list[str] = field(default_factory=list)
    exported: list[uuid.UUID] = field(default_factory=list)
    patients: int = 0

    def counts(self) -> dict[str, int]:
        """The job's result: counts only, never a patient."""
        return {
            "patients": self.patients,
            "exported": self.written,
            "opposed": self.opposed,
            "incomplete": len(self.incomplete),
        }


def national_export_write(
    *,
    dataset: str,
    write: Write,
    centre: Centre | None = None,
    since: dt.date | None = None,
    on_progress: Progress | None = None,
) -> ExportResult:
    """Write one document per exportable patient through ``write(name, content)``; return
    what was written and left out. Reads only: the caller audits once the documents are
    where they belong (``national_export_audit``)."""
    patients = exportable_patients(centre=centre, since=since)
    result = ExportResult(patients=patients.count())
    done = 0
    if dataset == SDM_MR:
        for patient, document in documents(patients, custodian=centre):
            done += 1
            if document is None:
                result.opposed += 1
            elif isinstance(document, Incomplete):
                result.incomplete.append(f"{patient.pseudonym} : {document.reason}")
            else:
                write(f"SDM-MR_{patient.pseudonym}.xml", render_sdm_mr(document))
                result.written += 1
                result.exported.append(patient.public_id)
            _report(on_progress, done, result.patients)
    elif dataset == RD_CDM:
        table = []
        for patient, bundle in fhir_records(patients):
            done += 1
            if bundle is None:
                result.opposed += 1
            else:
                table.append(rd_cdm.row(bundle))
                result.written += 1
                result.exported.append(patient.public_id)
            _report(on_progress, done, result.patients)
        where = centre.finess if centre is not None else "reseau"
        write(f"RD-CDM_{where}.csv", write_csv(rd_cdm.HEADER, table).encode())
    elif dataset == FHIR:
        for patient, bundle in fhir_records(patients):
            done += 1
            if bundle is None:
                result.opposed += 1
            else:
                write(f"{patient.pseudonym}.json", render_fhir_bundle(bundle).encode())
                result.written += 1
                result.exported.append(patient.public_id)
            _report(on_progress, done, result.patients)
    else:
        for patient, record in phenopacket_records(patients):
            done += 1
            if record is None:
                result.opposed += 1
            else:
                write(f"{patient.pseudonym}.json", render_phenopacket(record).encode())
                result.written += 1
                result.exported.append(patient.public_id)
            _report(on_progress, done, result.patients)
    if on_progress is not None:
        on_progress(result.patients, result.patients)
    return result


def _report(on_progress: Progress | None, done: int, total: int) -> None:
    if on_progress is not None and done % PROGRESS_EVERY == 0:
        on_progress(done, total)


@transaction.atomic
def national_export_audit(
    *, actor: Actor, dataset: str, centre: Centre | None, result: ExportResult
) -> None:
    """Record the export: one event for it, one per exported patient."""
    label = _LABELS[dataset]
    summary = f"Export {label} : {result.written} document(s), {result.opposed} opposition(s)"
    if dataset == SDM_MR:
        summary += f", {len(result.incomplete)} incomplet(s)"
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        object_type=dataset,
        centre_id=centre.public_id if centre else None,
        summary=summary,
    )
    audit_record_per_patient(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        patient_ids=result.exported,
        summary=_PATIENT_SUMMARIES[dataset],
    )


def national_export_zip(
    *,
    actor: Actor,
    dataset: str,
    centre: Centre,
    path: Path,
    on_progress: Progress | None = None,
) -> ExportResult:
    """Write the centre's export as one zip at ``path``, then audit it.

    The zip is written under a temporary name beside ``path`` and renamed onto it once complete
    (an atomic rename on one file system): a worker stopped midway leaves no half file at
    ``path``, and the export run again from the start replaces the temporary file it left.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.partiel")
    try:
        with partial.open("wb") as raw:
            partial.chmod(0o600)
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                result = national_export_write(
                    dataset=dataset, write=archive.writestr, centre=centre, on_progress=on_progress
                )
                if result.incomplete:
                    archive.writestr(INCOMPLETE_FILE, "\n".join(result.incomplete) + "\n")
            raw.flush()
            os.fsync(raw.fileno())
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    national_export_audit(actor=actor, dataset=dataset, centre=centre, result=result)
    return result


def national_export_start(*, actor: Actor, dataset: str, centre: Centre) -> Job:
    """Ask the worker for the centre's export; return the job to follow. The job is sent once
    the transaction that records it commits; its zip is downloaded from the job's page."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    file_name = f"{_LABELS[dataset]}_{centre.finess or centre.public_id}_{stamp}.zip"
    with transaction.atomic():
        job = job_create(actor=actor, kind=JOB_KINDS[dataset], centre=centre, file_name=file_name)
        transaction.on_commit(lambda: job_send(job))
    return job
