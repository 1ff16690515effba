"""Registering a patient, the identity and the vital status."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from filiere.access import Capability
from filiere.access.actors import Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.identity.models import DuplicateSuspicion, Identity
from filiere.identity.services import (
    IDENTITY_FIELDS,
    INS_NEEDS_REVIEW,
    IdentityInput,
    clean_identity_values,
    duplicate_suspect,
    duplicates_flag,
    identity_create,
    identity_update,
    ins_holder,
)
from filiere.lib.partial_dates import PartialDate
from filiere.lib.pseudonyms import (
    is_valid_idmr,
    new_pseudonym,
)
from filiere.network.models import Centre
from filiere.patients.models import (
    Patient,
    ReferredBy,
)
from filiere.patients.services.common import (
    audit,
    episode_create,
    require_centre_right,
    touch,
)


@dataclass(frozen=True)
class Registration:
    patient: Patient
    duplicates: list[DuplicateSuspicion]


@transaction.atomic
def _ins_attempt_refused(
    *, actor: Actor, holder_link: uuid.UUID, patient: Patient | None, what: str
) -> None:
    """Record a refused INS (it is another record's): the attempt in the audit trail, and, when
    the user's own record exists, the suspected duplicate for the data managers."""
    holder = Patient.objects.filter(identity_link=holder_link).first()
    changes: dict[str, Any] = {}
    if patient is not None:
        suspicion = duplicate_suspect(
            patient.identity_link, holder_link, DuplicateSuspicion.Reason.SAME_INS
        )
        changes["doublon_potentiel"] = str(suspicion.public_id)
    if holder is not None:
        changes["dossier_détenteur"] = str(holder.public_id)
    target = patient or holder
    audit_record(
        actor=actor,
        action=AuditEvent.Action.REFUSED,
        obj=target,
        patient_id=target.public_id if target is not None else None,
        summary=f"{what} : matricule INS déjà enregistré, renvoyé au gestionnaire de données",
        changes=changes,
    )


def patient_register(
    *,
    actor: Actor,
    centre: Centre,
    identity: IdentityInput,
    inclusion_date: PartialDate,
    referred_by: Iterable[str] = (ReferredBy.OTHER_SPECIALIST,),
    referring_physician: User | None = None,
    outside_labelled_scope: bool = False,
    idmr: str = "",
) -> Registration:
    """Register a patient followed by ``centre``: pseudonymised record, identity kept apart.

    Suspected duplicates (same INS, or same traits) are flagged for a data manager, never merged.
    An INS already held by another record is refused without saying so (see ``INS_NEEDS_REVIEW``).
    """
    require_centre_right(actor, centre, Capability.EDIT_PATIENTS)
    holder = ins_holder(clean_identity_values(identity.as_dict()))
    if holder is not None:
        _ins_attempt_refused(actor=actor, holder_link=holder, patient=None, what="Inclusion")
        raise ValidationError({"ins_matricule": INS_NEEDS_REVIEW})
    return _patient_register(
        actor=actor,
        centre=centre,
        identity=identity,
        inclusion_date=inclusion_date,
        referred_by=referred_by,
        referring_physician=referring_physician,
        outside_labelled_scope=outside_labelled_scope,
        idmr=idmr,
    )


@transaction.atomic
def _patient_register(
    *,
    actor: Actor,
    centre: Centre,
    identity: IdentityInput,
    inclusion_date: PartialDate,
    referred_by: Iterable[str],
    referring_physician: User | None,
    outside_labelled_scope: bool,
    idmr: str,
) -> Registration:
    if idmr and not is_valid_idmr(idmr):
        raise ValidationError({"idmr": "L'IdMR compte 20 chiffres."})
    if inclusion_date.earliest() > timezone.localdate():
        raise ValidationError({"inclusion_date": "La date d'inclusion est dans le futur."})
    if inclusion_date.latest() < identity.birth_date:
        raise ValidationError({"inclusion_date": "La date d'inclusion précède la naissance."})
    pseudonym = new_pseudonym()
    while Patient.objects.filter(pseudonym=pseudonym).exists():
        pseudonym = new_pseudonym()
    patient = create_validated(
        Patient,
        pseudonym=pseudonym,
        idmr=idmr,
        sex=identity.sex,
        birth_year=identity.birth_date.year,
        birth_month=identity.birth_date.month,
        created_by=acting_user(actor),
    )
    record = identity_create(actor=actor, link=patient.identity_link, values=identity)
    episode = episode_create(
        patient=patient,
        centre=centre,
        inclusion_date=inclusion_date,
        referred_by=referred_by,
        referring_physician=referring_physician,
        outside_labelled_scope=outside_labelled_scope,
    )
    duplicates = duplicates_flag(record)
    audit(
        actor,
        AuditEvent.Action.CREATE,
        patient,
        patient,
        summary=f"Patient {patient.pseudonym} inclus par {centre}",
        changes={"identité": sorted(IDENTITY_FIELDS), "centre": str(centre.public_id)},
    )
    audit(actor, AuditEvent.Action.CREATE, episode, patient, summary=f"Prise en charge {centre}")
    if duplicates:
        audit(
            actor,
            AuditEvent.Action.CREATE,
            duplicates[0],
            patient,
            summary=f"{len(duplicates)} doublon(s) potentiel(s) signalé(s)",
        )
    return Registration(patient, duplicates)


def patient_update_identity(*, actor: Actor, patient: Patient, values: dict[str, Any]) -> list[str]:
    """Change identity traits; the audit trail records which traits changed, not their values.

    An INS already held by another record is refused without saying so: the pair goes to the
    data managers as a suspected duplicate, and the attempt to the audit trail.
    """
    current = Identity.objects.get(link=patient.identity_link)
    merged = {name: getattr(current, name) for name in IDENTITY_FIELDS} | values
    holder = ins_holder(clean_identity_values(merged), exclude_link=patient.identity_link)
    if holder is not None:
        _ins_attempt_refused(
            actor=actor, holder_link=holder, patient=patient, what="Traits d'identité"
        )
        raise ValidationError({"ins_matricule": INS_NEEDS_REVIEW})
    return _patient_update_identity(actor=actor, patient=patient, values=values)


@transaction.atomic
def _patient_update_identity(
    *, actor: Actor, patient: Patient, values: dict[str, Any]
) -> list[str]:
    identity = Identity.objects.select_for_update().get(link=patient.identity_link)
    changed = identity_update(identity=identity, values=values)
    if not changed:
        return []
    derived = {
        "sex": identity.sex,
        "birth_year": identity.birth_date.year,
        "birth_month": identity.birth_date.month,
    }
    update_validated(patient, derived | {"updated_at": timezone.now()})
    duplicates_flag(identity)
    audit(
        actor,
        AuditEvent.Action.UPDATE,
        patient,
        patient,
        summary="Traits d'identité modifiés",
        changes=dict.fromkeys(changed, "‹masqué›"),
    )
    return changed


@records_refusals("Changement du statut vital")
def patient_update_status(
    *,
    actor: Actor,
    patient: Patient,
    vital_status: str,
    death_date: PartialDate | None = None,
    death_due_to_rare_disease: bool | None = None,
    consanguinity: str | None = None,
    idmr: str | None = None,
    biobanks: str | None = None,
) -> dict[str, Any]:
    """Record the vital status (with a death date when deceased) and registry-level items."""
    errors: dict[str, str] = {}
    if vital_status == Patient.VitalStatus.DECEASED:
        if death_date is None:
            errors["death_date"] = "La date du décès est obligatoire pour un patient décédé."
        else:
            if death_date.earliest() > timezone.localdate():
                errors["death_date"] = "La date du décès est dans le futur."
            if death_date.latest() < patient.birth.earliest():
                errors["death_date"] = "La date du décès précède la naissance."
            for diagnosis in patient.diagnoses.current():
                known = diagnosis.diagnosis_date
                if known is not None and death_date.is_surely_before(known):
                    errors["death_date"] = (
                        f"La date du décès précède le diagnostic du {known.french()}."
                    )
    elif death_date is not None or death_due_to_rare_disease is not None:
        errors["death_date"] = "Une date ou une cause de décès exige le statut « décédé »."
    if idmr and not is_valid_idmr(idmr):
        errors["idmr"] = "L'IdMR compte 20 chiffres."
    if errors:
        raise ValidationError(errors)
    values: dict[str, Any] = {
        "vital_status": vital_status,
        "death_year": death_date.year if death_date else None,
        "death_month": death_date.month if death_date else None,
        "death_day": death_date.day if death_date else None,
        "death_due_to_rare_disease": death_due_to_rare_disease,
    }
    if consanguinity is not None:
        values["consanguinity"] = consanguinity
    if idmr is not None:
        values["idmr"] = idmr
    if biobanks is not None:
        values["biobanks"] = biobanks
    try:
        with transaction.atomic():
            changes = update_validated(patient, values)
    except IntegrityError as exc:
        raise ValidationError({"idmr": "Cet IdMR est déjà celui d'un autre patient."}) from exc
    if changes:
        touch(patient)
        audit(actor, AuditEvent.Action.UPDATE, patient, patient, changes=changes)
    return changes
