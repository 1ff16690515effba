"""Care episodes (which centres follow a patient) and consents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from filiere.access import Capability
from filiere.access.actors import Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.core.corrections import correction_values
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.lib.partial_dates import PartialDate
from filiere.network.models import Centre
from filiere.patients.hooks import care_episodes_changed
from filiere.patients.models import (
    CareEpisode,
    Consent,
    Patient,
)
from filiere.patients.services.common import (
    audit,
    check_patient_date,
    episode_create,
    require_centre_right,
    touch,
)


@records_refusals("Ouverture d'une prise en charge")
def care_episode_open(
    *,
    actor: Actor,
    patient: Patient,
    centre: Centre,
    inclusion_date: PartialDate,
    referred_by: Iterable[str],
    referring_physician: User | None = None,
    outside_labelled_scope: bool = False,
) -> CareEpisode:
    """Start the follow-up of ``patient`` by another centre (which then sees the record)."""
    require_centre_right(actor, centre, Capability.EDIT_PATIENTS)
    if patient.care_episodes.filter(centre=centre, ended_on__isnull=True).exists():
        raise ValidationError({"centre": "Ce centre suit déjà ce patient."})
    if inclusion_date.latest() < patient.birth.earliest():
        raise ValidationError({"inclusion_date": "La date d'inclusion précède la naissance."})
    episode = episode_create(
        patient=patient,
        centre=centre,
        inclusion_date=inclusion_date,
        referred_by=referred_by,
        referring_physician=referring_physician,
        outside_labelled_scope=outside_labelled_scope,
    )
    touch(patient)
    audit(actor, AuditEvent.Action.CREATE, episode, patient, summary=f"Prise en charge {centre}")
    return episode


@records_refusals("Fin d'une prise en charge")
def care_episode_close(*, actor: Actor, episode: CareEpisode, ended_on: dt.date) -> CareEpisode:
    if ended_on < episode.inclusion_date.earliest():
        raise ValidationError({"ended_on": "La fin de suivi précède l'inclusion."})
    changes = update_validated(episode, {"ended_on": ended_on})
    care_episodes_changed([episode.patient_id])
    audit(actor, AuditEvent.Action.UPDATE, episode, episode.patient, changes=changes)
    return episode


@records_refusals("Enregistrement d'un consentement")
def consent_record(
    *,
    actor: Actor,
    patient: Patient,
    kind: str,
    answer: bool,
    answered_on: dt.date,
    information_version: str,
) -> Consent:
    """Record an answer of the patient; earlier answers stay, the latest one applies."""
    errors: dict[str, Any] = {}
    check_patient_date(patient, "answered_on", answered_on, "La date de la réponse", errors)
    if not information_version.strip():
        errors["information_version"] = "Indiquez la version de l'information délivrée."
    if errors:
        raise ValidationError(errors)
    consent = create_validated(
        Consent,
        patient=patient,
        kind=kind,
        answer=answer,
        answered_on=answered_on,
        information_version=information_version.strip(),
        recorded_by=acting_user(actor),
    )
    touch(patient)
    audit(
        actor,
        AuditEvent.Action.CREATE,
        consent,
        patient,
        summary=f"{consent.get_kind_display()} : {'oui' if answer else 'non'}",
    )
    return consent


CONSENT_FIELDS = ("answer", "answered_on", "information_version")


@records_refusals("Correction d'un consentement")
def consent_update(*, actor: Actor, consent: Consent, **values: Any) -> dict[str, Any]:
    """Correct an answer as it was recorded (a new answer of the patient is a new record)."""
    merged = correction_values(consent, CONSENT_FIELDS, values)
    errors: dict[str, Any] = {}
    check_patient_date(
        consent.patient, "answered_on", merged["answered_on"], "La date de la réponse", errors
    )
    merged["information_version"] = (merged["information_version"] or "").strip()
    if not merged["information_version"]:
        errors["information_version"] = "Indiquez la version de l'information délivrée."
    if errors:
        raise ValidationError(errors)
    changes = update_validated(consent, merged)
    if changes:
        touch(consent.patient)
        audit(actor, AuditEvent.Action.UPDATE, consent, consent.patient, changes=changes)
    return changes
