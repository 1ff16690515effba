"""Checks shared by the follow-up services: the centre that writes, plausible dates and values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from filiere.access import Capability, grants_for
from filiere.access.actors import SYSTEM, Actor
from filiere.audit.services import audit_record
from filiere.clinical.lab_bounds import LabBounds
from filiere.network.models import Centre
from filiere.patients.models import CareEpisode, Patient


def audit(
    actor: Actor,
    action: str,
    obj: models.Model,
    patient: Patient,
    summary: str = "",
    changes: Mapping[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        patient_id=patient.public_id,
        summary=summary,
        changes=changes,
    )


def check_centre(actor: Actor, patient: Patient, centre: Centre) -> None:
    """Refuse a record for a centre that does not follow the patient, or where the actor may not
    write. The demo generator and imports run without an actor."""
    if actor is not SYSTEM and not grants_for(actor).has(Capability.EDIT_PATIENTS, centre.pk):
        raise ValidationError({"centre": "Vous ne pouvez pas saisir de données pour ce centre."})
    if not CareEpisode.objects.filter(patient=patient, centre=centre).exists():
        raise ValidationError({"centre": "Ce centre ne suit pas ce patient."})


def check_clinical_date(
    patient: Patient, field: str, value: dt.date, label: str, errors: dict[str, str]
) -> None:
    """Add an error when ``value`` is in the future, before the birth or after the death.

    ``label`` starts the French sentence, e.g. "La date de la visite".
    """
    if value > timezone.localdate():
        errors[field] = f"{label} est dans le futur."
    elif value < patient.birth.earliest():
        errors[field] = f"{label} précède la naissance du patient ({patient.birth.french()})."
    else:
        death = patient.death_date
        if death is not None and value > death.latest():
            errors[field] = f"{label} est postérieure au décès du patient ({death.french()})."


def check_ranges(
    values: Mapping[str, Any], bounds: Mapping[str, LabBounds], errors: dict[str, str]
) -> None:
    """Add an error, naming the value and its bounds, for each value outside its bounds."""
    for field, field_bounds in bounds.items():
        value = values.get(field)
        refusal = field_bounds.refusal(value) if value is not None else None
        if refusal:
            errors[field] = refusal


def raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)
