"""The research extracts' writes: a request, its decision, the extract it produces, its one
download. Each is atomic and audited.

The extract is pseudonymised again for each request: every patient's row carries an HMAC-SHA256
of the patient's identifier under a random key drawn for this extract and never stored. Neither
the researcher nor the network can link a row back to the registry, nor one extract's rows to
another's. Dates are written as month/year, ages as 5-year bands (from the birth year and
month, never the identity table), no free text is read; the quasi-identifiers (age group × sex
× centre) are made 5-anonymous (``filiere.lib.k_anonymity``) and the rows that cannot be are left
out and counted.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.access.actors import Actor, acting_user
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record, audit_record_per_patient
from filiere.jobs.models import Job
from filiere.jobs.services import Progress, job_create, job_send, outbox_add, outbox_dispatch
from filiere.lib.csvsafe import write_csv
from filiere.lib.k_anonymity import K, QuasiIdentifiers, k_anonymise
from filiere.nomenclature.models import DiseaseGroup, OrphaConcept
from filiere.patients.models import Patient
from filiere.patients.selectors import age_on
from filiere.research.models import ResearchRequest, Variable
from filiere.research.selectors import cohort_patients, consenting, consenting_reach

Status = ResearchRequest.Status
LIST_SEPARATOR = " | "
# The columns each variable writes, in the catalogue's order.
COLUMNS: dict[str, tuple[str, ...]] = {
    Variable.SEX: ("sexe",),
    Variable.AGE_GROUP: ("classe_age",),
    Variable.CENTRE: ("centre",),
    Variable.DISEASE: ("codes_orpha", "maladies"),
    Variable.DIAGNOSIS_STATUS: ("statuts_diagnostic",),
    Variable.DIAGNOSIS_DATE: ("dates_diagnostic",),
    Variable.GENES: ("genes",),
    Variable.ACMG_CLASS: ("classe_acmg_max",),
    Variable.HPO_TERMS: ("termes_hpo",),
}
PSEUDONYM_COLUMN = "pseudonyme_extraction"


def research_file_path(request: ResearchRequest) -> Path:
    """Where the extract waits for its one download: the private storage, outside the web root."""
    return Path(settings.PRIVATE_FILES_DIR) / "research" / f"{request.public_id}.csv"


def _cohort_errors(
    disease_group: DiseaseGroup | None, orpha_codes: Sequence[int]
) -> dict[str, str]:
    if disease_group is None and not orpha_codes:
        return {
            "disease_group": _(
                "Groupe de maladies : choisissez un groupe, ou indiquez des codes ORPHA."
            )
        }
    known = set(OrphaConcept.objects.filter(code__in=orpha_codes).values_list("code", flat=True))
    unknown = [str(code) for code in orpha_codes if code not in known]
    if unknown:
        return {
            "orpha_codes": _("Codes ORPHA : code(s) inconnu(s) : %(codes)s.")
            % {"codes": ", ".join(unknown)}
        }
    return {}


@transaction.atomic
def research_request_submit(
    *,
    actor: Actor,
    protocol_title: str,
    protocol_summary: str,
    ethics_reference: str,
    variables: Iterable[str],
    disease_group: DiseaseGroup | None = None,
    orpha_codes: Iterable[int] = (),
) -> ResearchRequest:
    """Record a researcher's request, awaiting the network coordinator's decision.

    A filter that holds fewer than 5 patients who did not oppose reuse is refused, naming the
    field: so small a cohort cannot be extracted without pointing at people."""
    chosen = set(variables)
    codes = sorted(set(orpha_codes))
    errors: dict[str, Any] = {}
    if not chosen:
        errors["variables"] = _("Variables : choisissez au moins une variable.")
    elif chosen - set(Variable.values):
        errors["variables"] = _("Variables : une variable demandée n'est pas au catalogue.")
    errors.update(_cohort_errors(disease_group, codes))
    if not errors:
        cohort = cohort_patients(disease_group=disease_group, orpha_codes=codes)
        if not consenting_reach(cohort, K):
            field = "disease_group" if disease_group is not None else "orpha_codes"
            label = _("Groupe de maladies") if disease_group is not None else _("Codes ORPHA")
            errors[field] = _(
                "%(field)s : ce filtre retient moins de %(k)s patients (hors oppositions) ; "
                "une extraction en exige au moins %(k)s."
            ) % {"field": label, "k": K}
    request = ResearchRequest(
        requester=acting_user(actor),
        protocol_title=protocol_title.strip(),
        protocol_summary=protocol_summary.strip(),
        ethics_reference=ethics_reference.strip(),
        variables=[value for value in Variable.values if value in chosen],
        disease_group=disease_group,
        orpha_codes=codes,
    )
    try:
        request.full_clean(exclude=["requester", *errors])
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    request.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=request,
        summary=f"Demande d'extraction pour la recherche : {request.protocol_title} "
        f"({request.ethics_reference})",
    )
    return request


def _require_submitted(request: ResearchRequest) -> None:
    if request.status != Status.SUBMITTED:
        raise ValidationError(
            _("Cette demande a déjà été décidée (%(status)s).")
            % {"status": request.get_status_display()}
        )


@transaction.atomic
def research_request_refuse(*, actor: Actor, request: ResearchRequest, note: str) -> None:
    """Record the approver's refusal, with its reason. The caller checked the approver's right."""
    request = ResearchRequest.objects.select_for_update().get(pk=request.pk)
    _require_submitted(request)
    if not note.strip():
        raise ValidationError({"note": _("Motif : indiquez pourquoi la demande est refusée.")})
    request.status = Status.REFUSED
    request.decided_by = acting_user(actor)
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=request,
        summary=f"Demande d'extraction refusée : {request.protocol_title}",
    )


@transaction.atomic
def research_request_approve(*, actor: Actor, request: ResearchRequest, note: str = "") -> Job:
    """Record the approver's approval and ask the worker for the extract (the job returned).
    The caller checked the approver's right."""
    request = ResearchRequest.objects.select_for_update().get(pk=request.pk)
    _require_submitted(request)
    request.status = Status.APPROVED
    request.decided_by = acting_user(actor)
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=request,
        summary=f"Demande d'extraction approuvée : {request.protocol_title}",
    )
    job = job_create(
        actor=actor, kind=Job.Kind.RESEARCH_EXTRACT, params={"demande": str(request.public_id)}
    )
    transaction.on_commit(lambda: job_send(job))
    return job


def extract_pseudonym(key: bytes, patient: Patient) -> str:
    """The patient's pseudonym in one extract: HMAC-SHA256 of her identifier under the extract's
    key (128 bits written: no collision in a registry of any size)."""
    return hmac.new(key, str(patient.public_id).encode(), hashlib.sha256).hexdigest()[:32]


def _month_year(year: int | None, month: int | None) -> str:
    if year is None:
        return ""
    return f"{month:02d}/{year}" if month else str(year)


def _values(patient: Patient, variable: str) -> list[str]:
    """The cells of one variable for one patient (the quasi-identifiers are filled later)."""
    diagnoses = [d for d in patient.diagnoses.all() if d.orpha is not None]
    if variable == Variable.DISEASE:
        return [
            LIST_SEPARATOR.join(f"ORPHA:{d.orpha.code}" for d in diagnoses if d.orpha),
            LIST_SEPARATOR.join(d.orpha.name for d in diagnoses if d.orpha),
        ]
    if variable == Variable.DIAGNOSIS_STATUS:
        return [LIST_SEPARATOR.join(str(d.get_status_display()) for d in diagnoses)]
    if variable == Variable.DIAGNOSIS_DATE:
        # Month and year only: the day is never written.
        dates = (_month_year(d.diagnosis_year, d.diagnosis_month) for d in diagnoses)
        return [LIST_SEPARATOR.join(date or "?" for date in dates)]
    if variable == Variable.GENES:
        genes = {f.gene.symbol for f in patient.genetic_findings.all()}
        genes |= {g.symbol for d in patient.diagnoses.all() for g in d.genes.all()}
        return [LIST_SEPARATOR.join(sorted(genes))]
    if variable == Variable.ACMG_CLASS:
        classes = [f.acmg_class for f in patient.genetic_findings.all()]
        return [str(max(classes)) if classes else ""]
    if variable == Variable.HPO_TERMS:
        return [LIST_SEPARATOR.join(sorted({p.hpo_id for p in patient.phenotypes.all()}))]
    return [""]  # sex, age group, centre: the quasi-identifiers, filled once generalised


def _centre_label(patient: Patient) -> str:
    episodes = list(patient.care_episodes.all())
    # The centre that first included the patient.
    return str(episodes[0].centre) if episodes else "—"


@dataclass(frozen=True)
class Extract:
    header: list[str]
    rows: list[list[str]]
    patient_ids: list[uuid.UUID]
    opposed: int
    suppressed: int
    generalised: int


PROGRESS_EVERY = 500


def build_extract(
    request: ResearchRequest, *, key: bytes, on_progress: Progress | None = None
) -> Extract:
    """The extract's rows under ``key``, sorted by pseudonym (the registry's order would tell
    when each patient was registered)."""
    patients, opposed = consenting(
        cohort_patients(disease_group=request.disease_group, orpha_codes=request.orpha_codes)
    )
    chosen = set(request.variables)
    today = timezone.localdate()
    quasi = [
        QuasiIdentifiers(
            age=age_on(patient, today) if Variable.AGE_GROUP in chosen else None,
            sex=patient.sex if Variable.SEX in chosen else None,
            centre=_centre_label(patient) if Variable.CENTRE in chosen else None,
        )
        for patient in patients
    ]
    anonymised = k_anonymise(quasi)
    header = [PSEUDONYM_COLUMN]
    for variable in request.variables:
        header.extend(COLUMNS[variable])
    rows: list[list[str]] = []
    patient_ids: list[uuid.UUID] = []
    for index, (patient, released) in enumerate(zip(patients, anonymised.rows, strict=True)):
        if on_progress is not None and index % PROGRESS_EVERY == 0:
            on_progress(index, len(patients))
        if released is None:
            continue
        row = [extract_pseudonym(key, patient)]
        for variable in request.variables:
            if variable == Variable.SEX:
                row.append(released.sex or "")
            elif variable == Variable.AGE_GROUP:
                row.append(released.age_group or "")
            elif variable == Variable.CENTRE:
                row.append(released.centre or "")
            else:
                row.extend(_values(patient, variable))
        rows.append(row)
        patient_ids.append(patient.public_id)
    rows.sort(key=lambda row: row[0])
    return Extract(
        header=header,
        rows=rows,
        patient_ids=patient_ids,
        opposed=opposed,
        suppressed=anonymised.suppressed,
        generalised=anonymised.generalised,
    )


def _write_atomically(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.partiel")
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            partial.chmod(0o600)
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def research_extract_produce(
    *, actor: Actor, request: ResearchRequest, on_progress: Progress | None = None
) -> ResearchRequest:
    """Write the approved request's extract to the private storage, record its counts and tell
    the requester it is ready (by e-mail, a link to the request: never the file).

    The rows are read first (the job's progress is visible meanwhile), then the file and the
    counts are written in one transaction. The key is drawn here and dropped at the end of this
    function: it is stored nowhere."""
    if request.status != Status.APPROVED:
        raise ValidationError(_("Seule une demande approuvée est produite."))
    extract = build_extract(request, key=secrets.token_bytes(32), on_progress=on_progress)
    return _record_production(actor, request, extract)


@transaction.atomic
def _record_production(actor: Actor, request: ResearchRequest, extract: Extract) -> ResearchRequest:
    request = ResearchRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != Status.APPROVED:
        raise ValidationError(_("Seule une demande approuvée est produite."))
    path = research_file_path(request)
    _write_atomically(path, write_csv(extract.header, extract.rows))
    try:
        request.status = Status.PRODUCED
        request.produced_at = timezone.now()
        request.patients_count = len(extract.rows)
        request.suppressed_count = extract.suppressed
        request.full_clean()
        request.save()
        counts = {
            "patients": len(extract.rows),
            "supprimés (k-anonymat)": extract.suppressed,
            "généralisés": extract.generalised,
            "opposés": extract.opposed,
        }
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=request,
            summary=f"Extraction pour la recherche produite : {len(extract.rows)} patient(s), "
            f"{extract.suppressed} écarté(s) (k-anonymat), {extract.generalised} généralisé(s), "
            f"{extract.opposed} opposé(s)",
            changes=counts,
        )
        audit_record_per_patient(
            actor=actor,
            action=AuditEvent.Action.EXPORT,
            patient_ids=extract.patient_ids,
            summary=f"Extraction pour la recherche (repseudonymisée) {request.public_id}",
        )
        _tell_requester(request)
    except BaseException:
        # The transaction is undone: no file may outlive it.
        path.unlink(missing_ok=True)
        raise
    return request


def _tell_requester(request: ResearchRequest) -> None:
    requester = request.requester
    if requester is None or not requester.email:
        return
    link = settings.SITE_URL + reverse("research:detail", args=[request.public_id])
    mail = outbox_add(
        kind="research.extract_ready",
        to=[requester.email],
        subject=f"Extraction pour la recherche prête : {request.protocol_title}",
        body=(
            f"Bonjour,\n\nL'extraction de votre demande « {request.protocol_title} » est prête "
            f"({request.patients_count} patient(s)). Téléchargez-la depuis sa page, une seule "
            f"fois, après connexion :\n{link}\n\nLe fichier n'est pas joint à ce message.\n\n"
            "Filière"
        ),
        about=request,
    )
    transaction.on_commit(lambda: outbox_dispatch([mail.public_id]))


def research_extract_download(*, actor: Actor, request: ResearchRequest) -> bytes:
    """Return the extract's file and mark it downloaded, then delete it: downloaded once.

    The mark is a conditional UPDATE: of two downloads at the same moment, one wins and the
    other is refused. The caller checked that ``actor`` is the requester."""
    path = research_file_path(request)
    with transaction.atomic():
        claimed = ResearchRequest.objects.filter(pk=request.pk, status=Status.PRODUCED).update(
            status=Status.DOWNLOADED, downloaded_at=timezone.now()
        )
        if not claimed:
            request.refresh_from_db()
            if request.status == Status.DOWNLOADED:
                raise ValidationError(
                    _(
                        "Cette extraction a déjà été téléchargée : elle ne l'est qu'une fois. "
                        "Déposez une nouvelle demande si nécessaire."
                    )
                )
            raise ValidationError(_("Cette extraction n'est pas prête à être téléchargée."))
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            raise ValidationError(
                _("Le fichier de cette extraction est introuvable : déposez une nouvelle demande.")
            ) from None
        audit_record(
            actor=actor,
            action=AuditEvent.Action.EXPORT,
            obj=request,
            summary=f"Extraction pour la recherche téléchargée : {request.protocol_title} "
            f"({request.patients_count} patient(s))",
        )
    path.unlink(missing_ok=True)
    request.refresh_from_db()
    return content
