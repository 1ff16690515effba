"""Haemostatic treatments: the ATC table, prescriptions and administrations with their regulatory
status, and adverse events."""

from __future__ import annotations

import csv
import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.services import create_validated, update_validated
from filiere.followup.models import (
    ATC_PATTERN,
    WITHOUT_ATC,
    AdverseEvent,
    AtcCode,
    BleedingEvent,
    Treatment,
    TreatmentClass,
)
from filiere.followup.services.common import audit, check_centre, check_clinical_date, raise_if
from filiere.network.models import Centre
from filiere.patients.models import Diagnosis, Patient

ATC_FILE = Path(__file__).resolve().parent.parent / "data" / "atc_haemostatics.tsv"
_ATC = re.compile(ATC_PATTERN)
# No marketing authorisation for labile blood products and grafts: their status is "not
# applicable", and no other treatment's is.
WITHOUT_MARKETING_AUTHORISATION = frozenset(
    {TreatmentClass.PLATELET_TRANSFUSION, TreatmentClass.BLOOD_PRODUCT, TreatmentClass.HSCT}
)

R = Treatment.RegulatoryStatus

# --- The ATC table -------------------------------------------------------------------------


@dataclass(frozen=True)
class AtcRecord:
    code: str
    label: str
    treatment_class: str


@dataclass(frozen=True)
class AtcImportResult:
    added: int
    updated: int
    obsoleted: int


def read_atc_file(path: Path) -> list[AtcRecord]:
    """Read the table: code, French label, therapeutic class (tab-separated, # for comments)."""
    records: list[AtcRecord] = []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        for number, row in enumerate(rows, start=1):
            if not row or row[0] == "code":
                continue
            if len(row) != 3:
                raise ValidationError(f"{path.name}, ligne {number} : 3 colonnes attendues.")
            records.append(AtcRecord(*(cell.strip() for cell in row)))
    return records


@transaction.atomic
def atc_import_records(
    *, actor: User | None, records: list[AtcRecord], source: str
) -> AtcImportResult:
    """Load the network's ATC table; codes missing from it become obsolete (kept for history)."""
    for record in records:
        if not _ATC.match(record.code):
            raise ValidationError(f"{record.code} : code ATC mal formé.")
        if record.treatment_class not in TreatmentClass.values:
            raise ValidationError(f"{record.code} : classe inconnue « {record.treatment_class} ».")
    existing = {atc.code: atc for atc in AtcCode.objects.all()}
    added = updated = 0
    now = timezone.now()
    for record in records:
        values = {
            "label": record.label,
            "treatment_class": record.treatment_class,
            "is_obsolete": False,
        }
        atc = existing.get(record.code)
        if atc is None:
            create_validated(AtcCode, code=record.code, source=source, imported_at=now, **values)
            added += 1
        elif update_validated(atc, values):
            AtcCode.objects.filter(pk=atc.pk).update(source=source, imported_at=now)
            updated += 1
    gone = set(existing) - {record.code for record in records}
    obsoleted = AtcCode.objects.filter(code__in=gone, is_obsolete=False).update(is_obsolete=True)
    if added or updated or obsoleted:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="followup.atccode",
            summary=f"Table ATC {source} : {added} ajoutés, {updated} modifiés, "
            f"{obsoleted} devenus obsolètes",
        )
    return AtcImportResult(added, updated, obsoleted)


def atc_import_file(*, actor: User | None, path: Path = ATC_FILE) -> AtcImportResult:
    return atc_import_records(actor=actor, records=read_atc_file(path), source=path.name)


def get_atc(code: str) -> AtcCode:
    """Return the drug of the table, or refuse a malformed, unknown or obsolete code."""
    normalised = code.strip().upper().replace(" ", "")
    if not _ATC.match(normalised):
        raise ValidationError(
            {
                "atc_code": f"« {code} » n'est pas un code ATC : une lettre, 2 chiffres, "
                "2 lettres, 2 chiffres (par exemple B02BD08)."
            }
        )
    atc = AtcCode.objects.filter(code=normalised).first()
    if atc is None:
        raise ValidationError(
            {"atc_code": f"Code ATC {normalised} absent de la table des traitements hémostatiques."}
        )
    if atc.is_obsolete:
        raise ValidationError({"atc_code": f"Code ATC {normalised} obsolète."})
    return atc


# --- Treatments ----------------------------------------------------------------------------

TREATMENT_FIELDS = (
    "kind",
    "category",
    "atc",
    "diagnosis",
    "product_name",
    "dose",
    "dose_unit",
    "route",
    "doses_count",
    "started_on",
    "ended_on",
    "indication",
    "bleeding_event",
    "regulatory_status",
    "off_label_framework",
    "justification",
    "rcp_recommendation_id",
    "transfusion_record_id",
    "outcome",
    "comment",
)
_CHOICES = {
    "kind": Treatment.Kind,
    "indication": Treatment.Indication,
    "regulatory_status": Treatment.RegulatoryStatus,
    "route": Treatment.Route,
    "dose_unit": Treatment.DoseUnit,
    "off_label_framework": Treatment.OffLabelFramework,
    "outcome": Treatment.Outcome,
    "category": TreatmentClass,
}
_REQUIRED = ("kind", "indication", "regulatory_status")


def _uuid_or_none(value: Any, field: str, errors: dict[str, str]) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        errors[field] = "Identifiant invalide."
        return None


def _check_choices(values: dict[str, Any], errors: dict[str, str]) -> None:
    for name, choices in _CHOICES.items():
        value = values.get(name) or ""
        if name in _REQUIRED and not value:
            errors[name] = "Champ obligatoire."
        elif value and value not in choices.values:
            errors[name] = "Valeur non autorisée."


def _check_regulatory_status(values: dict[str, Any], errors: dict[str, str]) -> None:
    status, category = values.get("regulatory_status"), values.get("category")
    if status == R.OFF_LABEL:
        if not values.get("off_label_framework"):
            errors["off_label_framework"] = (
                "Un usage hors AMM exige son cadre : CPC, AAC, AAP ou autre usage hors AMM."
            )
        if not values.get("justification"):
            errors["justification"] = "Un usage hors AMM exige une justification."
        if values.get("diagnosis") is None:
            errors["diagnosis"] = "Indiquez la maladie traitée hors AMM."
    elif values.get("off_label_framework"):
        errors["off_label_framework"] = "Un cadre hors AMM suppose le statut « hors AMM »."
    if category and status:
        without_ma = category in WITHOUT_MARKETING_AUTHORISATION
        if without_ma and status != R.NOT_APPLICABLE:
            errors["regulatory_status"] = (
                "Un produit sanguin labile ou une greffe n'a pas d'AMM : statut « sans objet »."
            )
        elif not without_ma and status == R.NOT_APPLICABLE:
            errors["regulatory_status"] = (
                "« Sans objet » ne concerne que les produits sanguins labiles et les greffes."
            )


def _clean_treatment(patient: Patient, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = dict(values)
    for name in ("product_name", "justification", "comment"):
        cleaned[name] = (values.get(name) or "").strip()
    for name in ("dose_unit", "route", "off_label_framework", "outcome", "category"):
        cleaned[name] = values.get(name) or ""
    _check_choices(cleaned, errors)
    atc: AtcCode | None = cleaned.get("atc")
    if atc is not None:
        if not cleaned["category"]:
            cleaned["category"] = atc.treatment_class
        elif cleaned["category"] != atc.treatment_class:
            errors["category"] = (
                f"{atc.label} ({atc.code}) est de la classe "
                f"« {atc.get_treatment_class_display()} »."
            )
    elif cleaned["category"] not in WITHOUT_ATC:
        errors["atc_code"] = "Indiquez le code ATC du médicament."
    started_on: dt.date | None = cleaned.get("started_on")
    if started_on is None:
        errors["started_on"] = "Indiquez la date de début."
    else:
        check_clinical_date(patient, "started_on", started_on, "La date de début", errors)
    ended_on = cleaned.get("ended_on")
    if ended_on is not None and started_on is not None and ended_on < started_on:
        errors["ended_on"] = "La fin du traitement précède son début."
    death = patient.death_date
    if ended_on is not None and death is not None and ended_on > death.latest():
        errors["ended_on"] = "La date de fin est postérieure au décès du patient."
    dose, unit = cleaned.get("dose"), cleaned["dose_unit"]
    if (dose is None) != (not unit):
        errors["dose_unit" if dose is not None else "dose"] = "Une dose va avec son unité."
    elif dose is not None and Decimal(str(dose)) <= 0:
        errors["dose"] = "La dose doit être positive."
    diagnosis: Diagnosis | None = cleaned.get("diagnosis")
    if diagnosis is not None and diagnosis.patient_id != patient.pk:
        errors["diagnosis"] = "Ce diagnostic est celui d'un autre patient."
    event: BleedingEvent | None = cleaned.get("bleeding_event")
    if event is not None:
        if event.patient_id != patient.pk:
            errors["bleeding_event"] = "Ce saignement est celui d'un autre patient."
        elif cleaned.get("indication") != Treatment.Indication.BLEED:
            errors["bleeding_event"] = "Un saignement traité suppose l'indication « saignement »."
    _check_regulatory_status(cleaned, errors)
    cleaned["rcp_recommendation_id"] = _uuid_or_none(
        values.get("rcp_recommendation_id"), "rcp_recommendation_id", errors
    )
    cleaned["transfusion_record_id"] = _uuid_or_none(
        values.get("transfusion_record_id"), "transfusion_record_id", errors
    )
    if cleaned["transfusion_record_id"] and cleaned["category"] not in {
        TreatmentClass.PLATELET_TRANSFUSION,
        TreatmentClass.BLOOD_PRODUCT,
    }:
        errors["transfusion_record_id"] = "Seule une transfusion renvoie au module transfusion."
    raise_if(errors)
    return cleaned


@transaction.atomic
def treatment_record(
    *,
    actor: User | None,
    patient: Patient,
    centre: Centre,
    atc_code: str | None = None,
    **values: Any,
) -> Treatment:
    """Record a prescription or an administration, with its regulatory status.

    An off-label use needs its framework (CPC, AAC, AAP or other), a justification and the
    disease treated; the case-meeting recommendation is linked when one exists.
    """
    unknown = set(values) - (set(TREATMENT_FIELDS) - {"atc"})
    if unknown:
        raise TypeError(f"Unknown treatment fields: {sorted(unknown)}")
    check_centre(actor, patient, centre)
    values["atc"] = get_atc(atc_code) if atc_code else None
    cleaned = _clean_treatment(patient, values)
    treatment = create_validated(
        Treatment, patient=patient, centre=centre, recorded_by=actor, **cleaned
    )
    status = treatment.get_regulatory_status_display()
    if treatment.regulatory_status == R.OFF_LABEL:
        status += f", {treatment.get_off_label_framework_display()}"
    audit(
        actor,
        AuditEvent.Action.CREATE,
        treatment,
        patient,
        summary=f"Traitement {treatment} : {status}",
        changes={"atc": treatment.atc.code if treatment.atc else None, "statut": status},
    )
    return treatment


@transaction.atomic
def treatment_update(*, actor: User | None, treatment: Treatment, **values: Any) -> dict[str, Any]:
    """Change a treatment (its end, its outcome…); the drug and the patient stay."""
    allowed = set(TREATMENT_FIELDS) - {"atc", "category", "kind"}
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"These treatment fields cannot change: {sorted(unknown)}")
    check_centre(actor, treatment.patient, treatment.centre)
    merged = {name: getattr(treatment, name) for name in TREATMENT_FIELDS} | values
    cleaned = _clean_treatment(treatment.patient, merged)
    changes = update_validated(treatment, {name: cleaned[name] for name in TREATMENT_FIELDS})
    if changes:
        Treatment.objects.filter(pk=treatment.pk).update(updated_at=timezone.now())
        audit(actor, AuditEvent.Action.UPDATE, treatment, treatment.patient, changes=changes)
    return changes


# --- Adverse events ------------------------------------------------------------------------


ADVERSE_EVENT_FIELDS = (
    "occurred_on",
    "category",
    "description",
    "outcome",
    "serious",
    "treatment",
    "reported_to_pharmacovigilance",
    "reported_on",
)


def _check_adverse_event(
    patient: Patient,
    *,
    occurred_on: dt.date,
    category: str,
    description: str,
    outcome: str,
    serious: bool,
    treatment: Treatment | None,
    reported_to_pharmacovigilance: bool,
    reported_on: dt.date | None,
) -> bool:
    """Raise the errors of an adverse event; return whether it is serious (a death always is)."""
    errors: dict[str, str] = {}
    check_clinical_date(patient, "occurred_on", occurred_on, "La date de l'événement", errors)
    if category not in AdverseEvent.Category.values:
        errors["category"] = "Catégorie hors de la classification EUHASS."
    if outcome not in AdverseEvent.Outcome.values:
        errors["outcome"] = "Évolution inconnue."
    if category == AdverseEvent.Category.DEATH:
        serious = True
        if outcome != AdverseEvent.Outcome.FATAL:
            errors["outcome"] = "Un décès a pour évolution « décès »."
    if not description.strip():
        errors["description"] = "Décrivez l'événement."
    if treatment is not None:
        if treatment.patient_id != patient.pk:
            errors["treatment"] = "Ce traitement est celui d'un autre patient."
        elif occurred_on < treatment.started_on:
            errors["occurred_on"] = "L'événement précède le début du traitement suspecté."
    if reported_on is not None:
        if not reported_to_pharmacovigilance:
            errors["reported_on"] = "Une date de déclaration suppose une déclaration."
        elif reported_on < occurred_on or reported_on > timezone.localdate():
            errors["reported_on"] = "La déclaration est datée avant l'événement ou dans le futur."
    raise_if(errors)
    return serious


@transaction.atomic
def adverse_event_record(
    *,
    actor: User | None,
    patient: Patient,
    centre: Centre,
    occurred_on: dt.date,
    category: str,
    description: str,
    outcome: str,
    serious: bool = False,
    treatment: Treatment | None = None,
    reported_to_pharmacovigilance: bool = False,
    reported_on: dt.date | None = None,
) -> AdverseEvent:
    """Record an adverse event (EUHASS category), with the suspected treatment if known."""
    check_centre(actor, patient, centre)
    serious = _check_adverse_event(
        patient,
        occurred_on=occurred_on,
        category=category,
        description=description,
        outcome=outcome,
        serious=serious,
        treatment=treatment,
        reported_to_pharmacovigilance=reported_to_pharmacovigilance,
        reported_on=reported_on,
    )
    event = create_validated(
        AdverseEvent,
        patient=patient,
        centre=centre,
        treatment=treatment,
        occurred_on=occurred_on,
        category=category,
        serious=serious,
        description=description.strip(),
        outcome=outcome,
        reported_to_pharmacovigilance=reported_to_pharmacovigilance,
        reported_on=reported_on,
        recorded_by=actor,
    )
    audit(
        actor,
        AuditEvent.Action.CREATE,
        event,
        patient,
        summary=f"Événement indésirable : {event}" + (" (grave)" if serious else ""),
    )
    return event


@transaction.atomic
def adverse_event_update(
    *, actor: User | None, event: AdverseEvent, **values: Any
) -> dict[str, Any]:
    """Correct an adverse event with the rules of its recording; return the differences."""
    unknown = set(values) - set(ADVERSE_EVENT_FIELDS)
    if unknown:
        raise TypeError(f"These adverse-event fields cannot change: {sorted(unknown)}")
    check_centre(actor, event.patient, event.centre)
    merged = {name: getattr(event, name) for name in ADVERSE_EVENT_FIELDS} | values
    merged["description"] = (merged["description"] or "").strip()
    merged["serious"] = _check_adverse_event(event.patient, **merged)
    changes = update_validated(event, merged)
    if changes:
        audit(actor, AuditEvent.Action.UPDATE, event, event.patient, changes=changes)
    return changes
