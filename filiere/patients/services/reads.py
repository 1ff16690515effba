"""Reads of patient records, lists and searches: each one audited."""

from __future__ import annotations

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_list_read, audit_record, audit_record_per_patient
from filiere.lib.pseudonyms import (
    is_pseudonym,
    normalise_pseudonym,
)
from filiere.patients.models import (
    Patient,
)
from filiere.patients.selectors import PatientFilters
from filiere.patients.services.common import (
    audit,
)


def patient_record_viewed(*, actor: User, patient: Patient, what: str = "dossier") -> None:
    """Record that ``actor`` read the patient's record (every page that shows it calls this)."""
    audit(actor, AuditEvent.Action.VIEW, patient, patient, summary=f"Consultation : {what}")


def patient_record_exported(*, actor: User, patient: Patient, what: str) -> None:
    audit(actor, AuditEvent.Action.EXPORT, patient, patient, summary=f"Export : {what}")


def identity_viewed(*, actor: User, patient: Patient) -> None:
    audit(actor, AuditEvent.Action.VIEW, patient, patient, summary="Consultation de l'identité")


def patients_listed(
    *,
    actor: User,
    filters: PatientFilters,
    count: int,
    page: int,
    where: str,
    identified: list[Patient],
) -> None:
    """Record one read of the patient list or of a search (once per request, with its query and
    its number of rows), and the identity read of each row shown with it."""
    text = filters.text.strip()
    kind = ""
    if text:
        kind = (
            "pseudonyme"
            if is_pseudonym(normalise_pseudonym(text))
            else "IdMR"
            if text.isdigit()
            else "nom"
        )
    audit_list_read(
        actor=actor,
        object_type="patients.patient",
        what=f"{where} : recherche par {kind}" if kind else where,
        count=count,
        query={
            "recherche": text,
            "type_de_recherche": kind,
            "centre": filters.centre_id,
            "groupe": filters.disease_group.slug if filters.disease_group else "",
            "statut": filters.status,
            "âge": filters.age_group,
            "suivi": filters.followup,
            "page": page,
        },
        identified=[p.public_id for p in identified],
        identified_summary=LIST_WITH_IDENTITY,
    )


LIST_WITH_IDENTITY = "Liste des patients avec identité"


def duplicates_listed(*, actor: User, pairs: int, identified: list[Patient]) -> None:
    """Record one read of the duplicates page, and one identity read per identified patient."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        object_type="identity.duplicatesuspicion",
        summary=f"Liste des doublons potentiels : {pairs} paire(s)",
        changes={"paires": pairs},
    )
    if identified:
        audit_record_per_patient(
            actor=actor,
            action=AuditEvent.Action.VIEW,
            patient_ids=[p.public_id for p in identified],
            summary="Consultation de l'identité (doublons potentiels)",
        )
