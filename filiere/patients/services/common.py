"""Helpers shared by the registry's services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access import Capability, grants_for
from filiere.access.actors import SYSTEM, Actor
from filiere.accounts.models import User
from filiere.audit.services import audit_record
from filiere.core.services import create_validated
from filiere.lib.partial_dates import PartialDate
from filiere.network.models import Centre
from filiere.patients.hooks import care_episodes_changed
from filiere.patients.models import (
    CareEpisode,
    Patient,
    ReferredBy,
)


def audit(
    actor: Actor,
    action: str,
    obj: Any,
    patient: Patient,
    summary: str = "",
    changes: Any = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        patient_id=patient.public_id,
        summary=summary,
        changes=changes,
    )


def touch(patient: Patient) -> None:
    Patient.objects.filter(pk=patient.pk).update(updated_at=timezone.now())


def require_centre_right(actor: Actor, centre: Centre, capability: Capability) -> None:
    # The demo generator and imports run without an actor; people need the right at the centre.
    if actor is not SYSTEM and not grants_for(actor).has(capability, centre.pk):
        raise ValidationError({"centre": "Vous n'avez pas ce droit pour ce centre."})


def check_referred_by(codes: Iterable[str]) -> list[str]:
    values = list(dict.fromkeys(codes))
    if not values:
        raise ValidationError({"referred_by": "Indiquez qui a adressé le patient."})
    allowed = set(ReferredBy.values)
    unknown = [c for c in values if c not in allowed]
    if unknown:
        raise ValidationError(
            {"referred_by": f"Valeur(s) hors du jeu national : {', '.join(unknown)}."}
        )
    return values


def check_patient_date(
    patient: Patient, field: str, value: dt.date | None, label: str, errors: dict[str, Any]
) -> None:
    if value is None:
        return
    if value > timezone.localdate():
        errors[field] = f"{label} est dans le futur."
    elif value < patient.birth.earliest():
        errors[field] = f"{label} précède la naissance du patient ({patient.birth.french()})."


def episode_create(
    *,
    patient: Patient,
    centre: Centre,
    inclusion_date: PartialDate,
    referred_by: Iterable[str],
    referring_physician: User | None,
    outside_labelled_scope: bool,
) -> CareEpisode:
    """Create the care episode of ``patient`` at ``centre`` and tell the registered listeners."""
    episode = create_validated(
        CareEpisode,
        patient=patient,
        centre=centre,
        inclusion_year=inclusion_date.year,
        inclusion_month=inclusion_date.month,
        inclusion_day=inclusion_date.day,
        referring_physician=referring_physician,
        referred_by=check_referred_by(referred_by),
        outside_labelled_scope=outside_labelled_scope,
    )
    care_episodes_changed([patient.pk])
    return episode
