"""Platelet transfusions and the patient's transfusion profile (ABO/RhD, weight and height),
and the audit of the transfusion specialists' patient search."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record_per_patient, changed_fields, snapshot
from filiere.clinical import transfusion as efficacy
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.patients.models import Patient
from filiere.transfusion.domain import age_years_on, efficacy_patient, efficacy_transfusion
from filiere.transfusion.models import (
    PostTransfusionCount,
    ProductType,
    Transfusion,
    TransfusionProfile,
)
from filiere.transfusion.services.common import audit, check_date

# --- Transfusions ------------------------------------------------------------------------

# Fields of the pure package → fields of the form, for the errors it raises.
_PURE_FIELDS = {
    "label_dose_e11": "label_dose_e11",
    "pooled_donations": "pooled_donations",
    "storage_hours": "storage_hours",
    "pre_count_e9_per_l": "pre_count",
    "count_e9_per_l": "post_counts",
    "minutes_after_end": "post_counts",
    "weight_kg": "weight_kg",
    "height_cm": "height_cm",
    "age_years": "ended_at",
    "blood_volume_method": "weight_kg",
}

# The code of the refusal of unconfirmed unusual values, which the page answers with a box to
# tick (as filiere.followup does for unusual drug doses).
VALUES_NEED_CONFIRMATION = "values_outside_usual_range"


def needs_values_confirmation(error: ValidationError) -> bool:
    """Whether ``error`` includes the refusal of unusual values that a confirmation would lift."""
    return any(
        item.code == VALUES_NEED_CONFIRMATION
        for items in getattr(error, "error_dict", {}).values()
        for item in items
    )


def _unusual_values(
    patient: Patient,
    *,
    ended_at: dt.datetime,
    label_dose_e11: Decimal | None,
    weight_kg: Decimal,
    height_cm: Decimal,
) -> dict[str, str]:
    """The dose and the weight–height pair outside the usual ranges, by form field."""
    found: dict[str, str] = {}
    try:
        if label_dose_e11 is not None:
            dose = efficacy.unusual_dose(float(label_dose_e11))
            if dose is not None:
                found["label_dose_e11"] = dose
        size = efficacy.unusual_body_size(
            weight_kg=float(weight_kg),
            height_cm=float(height_cm),
            age_years=age_years_on(patient, ended_at.date()),
        )
    except efficacy.InvalidInput:
        return found  # out of bounds: the formulas' own checks name the field below
    if size is not None:
        found["weight_kg"] = size
    return found


def _confirmation(actor: Actor, unusual: dict[str, str], confirmed: bool) -> dict[str, Any]:
    """Return the confirmation fields, or refuse unusual values that are not confirmed."""
    if not unusual:
        return {"values_confirmed": False, "values_confirmed_by": None, "values_confirmed_at": None}
    if not confirmed:
        raise ValidationError(
            {
                field: ValidationError(
                    f"{message} : vérifiez la saisie, ou cochez la confirmation si la valeur "
                    "est juste.",
                    code=VALUES_NEED_CONFIRMATION,
                )
                for field, message in unusual.items()
            }
        )
    return {
        "values_confirmed": True,
        "values_confirmed_by": acting_user(actor),
        "values_confirmed_at": timezone.now(),
    }


@dataclass(frozen=True)
class PostCountInput:
    minutes_after_end: int
    count: Decimal


@records_refusals("Enregistrement d'une transfusion")
def transfusion_record(
    *,
    actor: Actor,
    patient: Patient,
    ended_at: dt.datetime,
    product_type: str,
    weight_kg: Decimal,
    height_cm: Decimal,
    pre_count: Decimal | None = None,
    post_counts: Sequence[PostCountInput] = (),
    label_dose_e11: Decimal | None = None,
    pooled_donations: int | None = None,
    abo_relation: str = "",
    storage_hours: int | None = None,
    product_number: str = "",
    donor_identifier: str = "",
    bleeding: bool = False,
    fever: bool = False,
    sepsis: bool = False,
    splenomegaly: bool = False,
    dic: bool = False,
    values_confirmed: bool = False,
) -> Transfusion:
    """Record a platelet transfusion, its post-transfusion counts and the non-immune causes of
    consumption present at the time (bleeding, fever, sepsis, splenomegaly, DIC).

    A pool (MCP) or a standard unit (CPS) needs its label dose: no content is assumed for them.
    A dose or a weight–height pair outside the usual ranges needs ``values_confirmed`` (who and
    when are kept). The weight and height become the patient's transfusion profile when this is
    the latest transfusion.
    """
    transfusion = Transfusion(
        patient=patient,
        ended_at=ended_at,
        product_type=product_type,
        product_number=product_number.strip(),
        donor_identifier=donor_identifier.strip(),
        label_dose_e11=label_dose_e11,
        pooled_donations=pooled_donations,
        abo_relation=abo_relation,
        storage_hours=storage_hours,
        pre_count=pre_count,
        weight_kg=weight_kg,
        height_cm=height_cm,
        bleeding=bleeding,
        fever=fever,
        sepsis=sepsis,
        splenomegaly=splenomegaly,
        dic=dic,
        recorded_by=acting_user(actor),
    )
    unusual = _check_transfusion(actor, transfusion, post_counts, values_confirmed)
    _transfusion_save(actor, transfusion, post_counts, unusual)
    return transfusion


def _check_transfusion(
    actor: Actor,
    transfusion: Transfusion,
    post_counts: Sequence[PostCountInput],
    values_confirmed: bool,
) -> dict[str, str]:
    """Refuse an impossible transfusion or unusual values that are not confirmed; put the
    confirmation on ``transfusion`` and return the unusual values, by form field."""
    patient, ended_at = transfusion.patient, transfusion.ended_at
    product_type, label_dose_e11 = transfusion.product_type, transfusion.label_dose_e11
    errors: dict[str, str] = {}
    if ended_at > timezone.now():
        errors["ended_at"] = "La transfusion est datée dans le futur."
    elif ended_at.date() < patient.birth.earliest():
        errors["ended_at"] = "La transfusion précède la naissance du patient."
    if transfusion.pooled_donations is not None and product_type != ProductType.MCP:
        errors["pooled_donations"] = "Le nombre de dons ne concerne qu'un mélange (MCP)."
    if label_dose_e11 is None and product_type in {ProductType.MCP, ProductType.CPS}:
        errors["label_dose_e11"] = (
            "Indiquez la dose lue sur l'étiquette : sans elle, un MCP ou un CPS n'a ni CCI ni "
            "RTP (le minimum réglementaire de 0,5 ×10¹¹ par don surestimerait le CCI)."
        )
    delays = [count.minutes_after_end for count in post_counts]
    if len(set(delays)) != len(delays):
        errors["post_counts"] = "Deux numérations au même délai après la transfusion."
    unusual = _unusual_values(
        patient,
        ended_at=ended_at,
        label_dose_e11=label_dose_e11,
        weight_kg=transfusion.weight_kg,
        height_cm=transfusion.height_cm,
    )
    try:
        confirmation = _confirmation(actor, unusual, values_confirmed)
    except ValidationError as unconfirmed:
        raise ValidationError({**unconfirmed.error_dict, **errors}) from None
    if errors:
        raise ValidationError(errors)
    for name, value in confirmation.items():
        setattr(transfusion, name, value)
    return unusual


def _transfusion_save(
    actor: Actor,
    transfusion: Transfusion,
    post_counts: Sequence[PostCountInput],
    unusual: dict[str, str],
) -> None:
    """Check the transfusion against the formulas, save it with its counts, audit it and let
    the profile follow it."""
    patient = transfusion.patient
    try:
        # The formulas' own checks catch unit mistakes (a count in /µL, a height in metres).
        counts = [(c.minutes_after_end, float(c.count)) for c in post_counts]
        efficacy_transfusion(transfusion, counts)
        efficacy_patient(patient, transfusion)
    except (efficacy.InvalidInput, ValueError) as error:
        field = _PURE_FIELDS.get(getattr(error, "field", ""), "product_type")
        raise ValidationError({field: getattr(error, "message", str(error))}) from None
    transfusion.full_clean()
    transfusion.save(force_insert=True)
    for count in post_counts:
        create_validated(
            PostTransfusionCount,
            transfusion=transfusion,
            minutes_after_end=count.minutes_after_end,
            count=count.count,
        )
    audit(
        actor,
        AuditEvent.Action.CREATE,
        transfusion,
        patient,
        f"Transfusion de plaquettes enregistrée : {transfusion}"
        + (
            f", valeurs inhabituelles confirmées ({', '.join(unusual.values())})"
            if transfusion.values_confirmed
            else ""
        ),
    )
    _profile_follows_transfusion(actor, patient, transfusion)


# --- The patient's transfusion profile ---------------------------------------------------

_PROFILE_FIELDS = ("abo", "rhd", "weight_kg", "height_cm", "measured_on")


def _profile_of(patient: Patient) -> TransfusionProfile:
    profile = TransfusionProfile.objects.select_for_update().filter(patient=patient).first()
    return profile if profile is not None else TransfusionProfile(patient=patient)


def _save_profile(
    actor: Actor, profile: TransfusionProfile, values: dict[str, Any], why: str
) -> dict[str, Any]:
    patient = profile.patient
    if profile.pk is None:
        before = snapshot(profile, values)
        for name, value in values.items():
            setattr(profile, name, value)
        changes = changed_fields(before, snapshot(profile, values))
        profile.updated_by = acting_user(actor)
        profile.full_clean()
        profile.save(force_insert=True)
        action = AuditEvent.Action.CREATE
    else:
        changes = update_validated(profile, values)
        if not changes:
            return {}
        TransfusionProfile.objects.filter(pk=profile.pk).update(
            updated_by=acting_user(actor), updated_at=timezone.now()
        )
        action = AuditEvent.Action.UPDATE
    audit(actor, action, profile, patient, f"Profil transfusionnel : {why}", changes)
    return changes


def _profile_follows_transfusion(actor: Actor, patient: Patient, transfusion: Transfusion) -> None:
    """Keep the latest transfusion's weight and height on the profile (for the next form)."""
    latest = patient.transfusions.order_by("-ended_at", "-pk").values_list("pk", flat=True)[:1]
    profile = _profile_of(patient)
    measured_on = timezone.localtime(transfusion.ended_at).date()
    if transfusion.pk not in list(latest) or (
        profile.measured_on is not None and profile.measured_on > measured_on
    ):
        return
    _save_profile(
        actor,
        profile,
        {
            "weight_kg": transfusion.weight_kg,
            "height_cm": transfusion.height_cm,
            "measured_on": measured_on,
        },
        f"poids et taille de la transfusion du {measured_on:%d/%m/%Y}",
    )


@records_refusals("Enregistrement du profil transfusionnel")
def transfusion_profile_update(
    *,
    actor: Actor,
    patient: Patient,
    abo: str = "",
    rhd: str = "",
    weight_kg: Decimal | None = None,
    height_cm: Decimal | None = None,
    measured_on: dt.date | None = None,
) -> dict[str, Any]:
    """Record or correct the patient's ABO/RhD group and weight and height (audited with the
    values before and after); return the changes (empty when nothing changed)."""
    errors: dict[str, str] = {}
    if (weight_kg is None) != (height_cm is None):
        errors["weight_kg" if weight_kg is None else "height_cm"] = (
            "Le poids et la taille vont ensemble (surface corporelle et volume sanguin)."
        )
    if weight_kg is not None and measured_on is None:
        errors["measured_on"] = "Indiquez la date de la mesure du poids et de la taille."
    if measured_on is not None:
        errors |= check_date("measured_on", measured_on, patient, "La date de la mesure")
    if weight_kg is not None and height_cm is not None and measured_on is not None:
        try:
            unusual = efficacy.unusual_body_size(
                weight_kg=float(weight_kg),
                height_cm=float(height_cm),
                age_years=age_years_on(patient, measured_on),
            )
        except efficacy.InvalidInput as error:
            errors.setdefault(_PURE_FIELDS.get(error.field, "weight_kg"), error.message)
        else:
            if unusual is not None:
                errors["weight_kg"] = f"{unusual} : vérifiez le poids et la taille."
    if errors:
        raise ValidationError(errors)
    values = {
        "abo": abo,
        "rhd": rhd,
        "weight_kg": weight_kg,
        "height_cm": height_cm,
        "measured_on": measured_on if weight_kg is not None else None,
    }
    return _save_profile(actor, _profile_of(patient), values, "groupe, poids et taille")


def search_results_viewed(*, actor: User, patients: Sequence[Patient]) -> None:
    """Record that a transfusion specialist's search listed these patients (one event each)."""
    if patients:
        audit_record_per_patient(
            actor=actor,
            action=AuditEvent.Action.VIEW,
            patient_ids=[patient.public_id for patient in patients],
            summary="Recherche de patient (transfusion) : patient listé",
        )
