"""Follow-up visits: recorded, completed, audited; each one moves the patient's next due date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from filiere.access.actors import Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.clinical import lab_bounds
from filiere.clinical.lab_bounds import LabBounds
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.exports.sdm_mr.value_sets import ActivityContext, ActivityObjective
from filiere.followup.models import DiseaseSeverity, Visit
from filiere.followup.services.common import (
    audit,
    check_centre,
    check_clinical_date,
    check_ranges,
    raise_if,
)
from filiere.followup.services.schedule import schedule_refresh
from filiere.network.models import Centre
from filiere.patients.models import Patient

VISIT_FIELDS = (
    "visited_on",
    "context",
    "objective",
    "period_start",
    "severity",
    "weight_kg",
    "height_cm",
    "platelet_count",
    "mean_platelet_volume",
    "haemoglobin",
    "factor_viii",
    "factor_ix",
    "vwf_activity",
    "other_results",
    "major_events",
    "to_complete",
    "missing_data",
    "comment",
)
VISIT_BOUNDS = {
    "weight_kg": LabBounds("Poids", Decimal("0.3"), Decimal(400), "kg"),
    "height_cm": LabBounds("Taille", Decimal(20), Decimal(250), "cm"),
    "platelet_count": lab_bounds.PLATELET_COUNT,
    "mean_platelet_volume": lab_bounds.MEAN_PLATELET_VOLUME,
    "haemoglobin": lab_bounds.HAEMOGLOBIN,
    "factor_viii": lab_bounds.FACTOR_VIII,
    "factor_ix": lab_bounds.FACTOR_IX,
    "vwf_activity": lab_bounds.VWF_ACTIVITY,
}


def _clean_visit(patient: Patient, values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(VISIT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown visit fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    visited_on: dt.date = values["visited_on"]
    check_clinical_date(patient, "visited_on", visited_on, "La date de la visite", errors)
    period_start = values.get("period_start")
    if period_start is not None:
        if period_start > visited_on:
            errors["period_start"] = "La période décrite commence après la visite."
        elif period_start < patient.birth.earliest():
            errors["period_start"] = "La période décrite commence avant la naissance."
    if values.get("context") not in {c.code for c in ActivityContext}:
        errors["context"] = "Contexte hors du jeu de valeurs national (JDV_ContexteActivite)."
    if values.get("objective") not in {o.code for o in ActivityObjective}:
        errors["objective"] = "Objectif hors du jeu de valeurs national (JDV_ObjectifActivite)."
    if values.get("severity") and values["severity"] not in DiseaseSeverity.values:
        errors["severity"] = "Forme de la maladie inconnue."
    check_ranges(values, VISIT_BOUNDS, errors)
    cleaned = dict(values)
    for name in ("other_results", "major_events", "missing_data", "comment"):
        cleaned[name] = (values.get(name) or "").strip()
    if values.get("to_complete"):
        if not cleaned["missing_data"]:
            errors["missing_data"] = "Indiquez les données qui restent à compléter."
    else:
        # A complete visit has nothing missing: the list is cleared when the flag is.
        cleaned["missing_data"] = ""
    raise_if(errors)
    return cleaned


@records_refusals("Enregistrement d'une visite")
def visit_record(
    *,
    actor: Actor,
    patient: Patient,
    centre: Centre,
    visited_on: dt.date,
    context: str = ActivityContext.CONSULTATION.code,
    objective: str = ActivityObjective.FOLLOW_UP.code,
    **values: Any,
) -> Visit:
    """Record a follow-up visit (a national-dataset activity) and move the next due date.

    Without a stated start, the period described runs from the previous visit.
    """
    check_centre(actor, patient, centre)
    values |= {"visited_on": visited_on, "context": context, "objective": objective}
    if values.get("period_start") is None:
        previous = (
            patient.followup_visits.current()
            .filter(visited_on__lt=visited_on)
            .order_by("-visited_on")
            .values_list("visited_on", flat=True)
            .first()
        )
        values["period_start"] = previous
    cleaned = _clean_visit(patient, values)
    visit = create_validated(
        Visit, patient=patient, centre=centre, recorded_by=acting_user(actor), **cleaned
    )
    audit(
        actor,
        AuditEvent.Action.CREATE,
        visit,
        patient,
        summary=f"Visite de suivi du {visited_on:%d/%m/%Y} ({visit.get_context_display()})",
        changes={"à compléter": visit.to_complete},
    )
    schedule_refresh(patient)
    return visit


@records_refusals("Correction d'une visite")
def visit_update(*, actor: Actor, visit: Visit, **values: Any) -> dict[str, Any]:
    """Change or complete a visit; return the audited differences."""
    check_centre(actor, visit.patient, visit.centre)
    merged = {name: getattr(visit, name) for name in VISIT_FIELDS} | values
    cleaned = _clean_visit(visit.patient, merged)
    changes = update_validated(visit, cleaned)
    if changes:
        Visit.objects.filter(pk=visit.pk).update(updated_at=timezone.now())
        audit(actor, AuditEvent.Action.UPDATE, visit, visit.patient, changes=changes)
        schedule_refresh(visit.patient)
    return changes


def followup_viewed(*, actor: User, patient: Patient, what: str) -> None:
    """Record that ``actor`` read a follow-up page of the patient."""
    audit(actor, AuditEvent.Action.VIEW, patient, patient, summary=f"Consultation : {what}")


def followup_printed(*, actor: User, patient: Patient, what: str) -> None:
    """Record that ``actor`` printed a document about the patient (care card, booklet)."""
    audit(actor, AuditEvent.Action.PRINT, patient, patient, summary=f"Impression : {what}")
