"""Transfusion instructions (the dynamic instruction and its versions) and platelet
crossmatches."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Max
from django.utils import timezone

from filiere.access.actors import Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.core.services import create_validated, records_refusals
from filiere.patients.models import Patient
from filiere.transfusion.donor_pool import current_pool
from filiere.transfusion.instructions import THRESHOLDS, InstructionParams, compute_instruction
from filiere.transfusion.models import (
    AntibodyScreen,
    Crossmatch,
    Donor,
    DonorImport,
    HlaTyping,
    RollUpRule,
    TransfusionInstruction,
)
from filiere.transfusion.selectors import latest_screen, latest_typing, patient_region
from filiere.transfusion.services.common import audit, check_date

# Beyond a year the serum no longer reflects the patient's immunisation.
MAX_VALIDITY_DAYS = 366


def _check_params(params: InstructionParams) -> dict[str, str]:
    errors: dict[str, str] = {}
    if params.threshold not in THRESHOLDS:
        errors["threshold"] = "Seuil de MFI hors de la liste proposée."
    if params.rule not in RollUpRule.values:
        errors["rule"] = "Règle d'agrégation inconnue."
    return errors


def _check_instruction(
    patient: Patient, params: InstructionParams, valid_until: dt.date
) -> tuple[HlaTyping, AntibodyScreen]:
    """Return the patient's latest typing and screen, or refuse the instruction's parameters."""
    errors = _check_params(params)
    today = timezone.localdate()
    typing, screen = latest_typing(patient), latest_screen(patient)
    if typing is None or screen is None:
        raise ValidationError(
            "Le typage HLA et une recherche d'anticorps (SAB) du patient sont nécessaires."
        )
    if valid_until < today:
        errors["valid_until"] = "La date de validité est passée."
    elif valid_until > today + dt.timedelta(days=MAX_VALIDITY_DAYS):
        errors["valid_until"] = "Une consigne vaut au plus un an : un nouveau sérum est attendu."
    if errors:
        raise ValidationError(errors)
    return typing, screen


def _audit_instruction(actor: Actor, instruction: TransfusionInstruction) -> None:
    patient = instruction.patient
    audit(
        actor,
        AuditEvent.Action.CREATE,
        instruction,
        patient,
        f"Consigne transfusionnelle v{instruction.version} : seuil {instruction.threshold} MFI, "
        f"{len(instruction.donors)} donneur(s) proposé(s)"
        + (
            f", donneur négatif exigé pour {', '.join(instruction.negative_for)} "
            f"({len(instruction.to_type_donors)} à typer listé(s) à part)"
            if instruction.negative_for
            else ""
        ),
    )


@records_refusals("Enregistrement d'une consigne transfusionnelle")
def instruction_save(
    *,
    actor: Actor,
    patient: Patient,
    params: InstructionParams,
    valid_until: dt.date,
    note: str = "",
    irradiated: bool = False,
    cmv_negative: bool = False,
    patient_rhd_positive: bool | None = None,
) -> TransfusionInstruction:
    """Save the dynamic instruction as the patient's next instruction version, with the product
    requirements (irradiation, CMV, the patient's ABO/RhD) sent to the blood establishment."""
    typing, screen = _check_instruction(patient, params, valid_until)
    # Lock the patient row so that two saves cannot take the same version number.
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    pool = current_pool()
    user = acting_user(actor)
    region = patient_region(patient, user) if user is not None else ""
    result = compute_instruction(
        typing=typing, screen=screen, params=params, region=region, pool=pool
    )
    latest = patient.transfusion_instructions.aggregate(latest=Max("version"))["latest"] or 0
    try:
        instruction = create_validated(
            TransfusionInstruction,
            patient=patient,
            version=latest + 1,
            threshold=params.threshold,
            rule=params.rule,
            unacceptable=list(result.unacceptable),
            screen=screen,
            serum_date=screen.serum_date,
            typing=typing,
            patient_abo=params.patient_abo,
            negative_for=list(params.negative_for),
            patient_rhd_positive=patient_rhd_positive,
            irradiated=irradiated,
            cmv_negative=cmv_negative,
            cpra=result.cpra,
            crossmatched=list(result.crossmatched),
            region=region or _first_region(patient),
            valid_until=valid_until,
            note=note.strip(),
            table=result.table_json(),
            donors=result.donors_json(),
            to_type_donors=result.to_type_json(),
            pool_size=result.pool_size,
            pool_import=DonorImport.objects.filter(public_id=pool.stamp.donors).first()
            if pool.stamp.donors
            else None,
            author=acting_user(actor),
        )
    except IntegrityError:
        raise ValidationError("Une autre version vient d'être enregistrée : recommencez.") from None
    _audit_instruction(actor, instruction)
    return instruction


@records_refusals("Enregistrement d'un cross-match")
def crossmatch_record(
    *,
    actor: Actor,
    patient: Patient,
    donor_identifier: str,
    result: str,
    tested_on: dt.date,
) -> Crossmatch:
    """Record a platelet crossmatch of the patient's serum against one donor: a positive one
    sets the donor aside from the patient's counts and lists, a negative one is shown."""
    errors = check_date("tested_on", tested_on, patient, "La date du crossmatch")
    identifier = donor_identifier.strip()
    if not identifier:
        errors["donor_identifier"] = "Identifiant du donneur : obligatoire."
    elif not Donor.objects.filter(external_id=identifier).exists():
        errors["donor_identifier"] = (
            f"Identifiant du donneur : « {identifier[:40]} » absent du fichier des donneurs."
        )
    if result not in Crossmatch.Result.values:
        errors["result"] = "Résultat du crossmatch : positif ou négatif."
    if errors:
        raise ValidationError(errors)
    crossmatch = create_validated(
        Crossmatch,
        patient=patient,
        donor_identifier=identifier,
        result=result,
        tested_on=tested_on,
        recorded_by=acting_user(actor),
    )
    audit(
        actor,
        AuditEvent.Action.CREATE,
        crossmatch,
        patient,
        f"Crossmatch plaquettaire {crossmatch.get_result_display()} avec le donneur "
        f"{identifier} ({tested_on:%d/%m/%Y})",
    )
    return crossmatch


def _first_region(patient: Patient) -> str:
    episode = patient.care_episodes.select_related("centre").order_by("pk").first()
    return episode.centre.region if episode else ""


def instruction_printed(*, actor: User, instruction: TransfusionInstruction) -> None:
    """Record that ``actor`` printed (downloaded the PDF of) an instruction."""
    audit(
        actor,
        AuditEvent.Action.PRINT,
        instruction,
        instruction.patient,
        f"Impression de la consigne transfusionnelle v{instruction.version}",
    )
