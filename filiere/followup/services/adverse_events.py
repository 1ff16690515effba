"""Adverse events (EUHASS categories), with the suspected treatment if known."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from filiere.access.actors import Actor, acting_user
from filiere.audit.models import AuditEvent
from filiere.core.corrections import correction_values
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.followup.models import (
    AdverseEvent,
    Treatment,
)
from filiere.followup.services.common import audit, check_centre, check_clinical_date, raise_if
from filiere.network.models import Centre
from filiere.patients.models import Patient

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


@records_refusals("Enregistrement d'un effet indésirable")
def adverse_event_record(
    *,
    actor: Actor,
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
        recorded_by=acting_user(actor),
    )
    audit(
        actor,
        AuditEvent.Action.CREATE,
        event,
        patient,
        summary=f"Événement indésirable : {event}" + (" (grave)" if serious else ""),
    )
    return event


@records_refusals("Correction d'un effet indésirable")
def adverse_event_update(*, actor: Actor, event: AdverseEvent, **values: Any) -> dict[str, Any]:
    """Correct an adverse event with the rules of its recording; return the differences."""
    check_centre(actor, event.patient, event.centre)
    merged = correction_values(event, ADVERSE_EVENT_FIELDS, values)
    merged["description"] = (merged["description"] or "").strip()
    merged["serious"] = _check_adverse_event(event.patient, **merged)
    changes = update_validated(event, merged)
    if changes:
        audit(actor, AuditEvent.Action.UPDATE, event, event.patient, changes=changes)
    return changes
