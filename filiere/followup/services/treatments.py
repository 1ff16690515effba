"""Treatment records: validation (choices, dates, regulatory status, usual dose range),
the dose's confirmation, recording, correction and the usual emergency treatment."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import Actor, acting_user
from filiere.audit.models import AuditEvent
from filiere.clinical.doses import DoseRange as DoseRangeSpec
from filiere.clinical.doses import (
    DoseVerdict,
    check_dose,
    french_number,
    french_range,
)
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.followup.models import (
    WITHOUT_ATC,
    AtcCode,
    BleedingEvent,
    DoseRange,
    Treatment,
    TreatmentClass,
)
from filiere.followup.services.atc import get_atc
from filiere.followup.services.common import audit, check_centre, check_clinical_date, raise_if
from filiere.network.models import Centre
from filiere.patients.models import Diagnosis, Patient

# No marketing authorisation for labile blood products and grafts: their status is "not
# applicable", and no other treatment's is.
WITHOUT_MARKETING_AUTHORISATION = frozenset(
    {TreatmentClass.PLATELET_TRANSFUSION, TreatmentClass.BLOOD_PRODUCT, TreatmentClass.HSCT}
)

R = Treatment.RegulatoryStatus

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


def _route_label(route: str) -> str:
    return str(Treatment.Route(route).label).lower()


def _ranges_text(ranges: tuple[DoseRangeSpec, ...]) -> str:
    texts = [french_range(r.bounds, r.unit) for r in ranges if r.bounds is not None]
    return " ou ".join(dict.fromkeys(texts))


def _usual_text(ranges: tuple[DoseRangeSpec, ...]) -> str:
    texts = [french_range(r.usual, r.unit) for r in ranges if r.usual is not None]
    return " ou ".join(dict.fromkeys(texts))


def _spec(row: DoseRange) -> DoseRangeSpec:
    usual = bounds = None
    if row.usual_low is not None and row.usual_high is not None:
        usual = (row.usual_low, row.usual_high)
    if row.lowest is not None and row.highest is not None:
        bounds = (row.lowest, row.highest)
    return DoseRangeSpec(row.route, row.unit, usual, bounds)


def _check_dose(atc: AtcCode, cleaned: dict[str, Any], errors: dict[str, str]) -> None:
    """Add the errors of a dose, route or unit the table refuses for this drug; a dose outside
    the usual range leaves its message in ``cleaned["_usual_range"]`` (to be confirmed)."""
    ranges = [_spec(r) for r in atc.dose_ranges.all()]
    dose, unit, route = cleaned.get("dose"), cleaned["dose_unit"], cleaned["route"]
    amount = Decimal(str(dose)) if dose is not None else None
    check = check_dose(routes=atc.routes, ranges=ranges, dose=amount, unit=unit, route=route)
    drug = atc.label
    if check.verdict == DoseVerdict.WRONG_ROUTE:
        possible = ", ".join(_route_label(r) for r in atc.routes)
        errors["route"] = (
            f"Voie : {drug} ne se donne pas par voie {_route_label(route)} "
            f"(voies possibles : {possible})."
        )
        return
    typed = f"{french_number(amount)} {unit}" if amount is not None else ""
    if check.out_of_bounds:
        errors["dose"] = (
            f"Dose : {typed} est hors des bornes possibles pour {drug} "
            f"({_ranges_text(check.ranges)})."
        )
    if check.verdict == DoseVerdict.WRONG_UNIT:
        units = ", ".join(dict.fromkeys(r.unit for r in ranges if not route or r.route == route))
        by = f" par voie {_route_label(route)}" if route else ""
        errors["dose_unit"] = (
            f"Unité : {unit} n'est pas une unité de dose de {drug}{by} (attendu : {units})."
        )
    if check.verdict == DoseVerdict.UNUSUAL:
        cleaned["_usual_range"] = (
            f"Dose : {typed} est hors de la plage usuelle pour {drug} "
            f"({_usual_text(check.ranges)}) : confirmez cette dose pour l'enregistrer."
        )


def _check_category(cleaned: dict[str, Any], errors: dict[str, str]) -> AtcCode | None:
    """Take the category from the drug's ATC class, or refuse a class the drug is not of;
    return the drug."""
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
    return atc


def _check_period(patient: Patient, cleaned: dict[str, Any], errors: dict[str, str]) -> None:
    """A start date within the patient's life, and an end after it and before any death."""
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


def _check_dose_given(atc: AtcCode | None, cleaned: dict[str, Any], errors: dict[str, str]) -> None:
    """A positive dose with its unit, checked against the drug's usual range."""
    dose, unit = cleaned.get("dose"), cleaned["dose_unit"]
    if (dose is None) != (not unit):
        errors["dose_unit" if dose is not None else "dose"] = "Une dose va avec son unité."
    elif dose is not None and Decimal(str(dose)) <= 0:
        errors["dose"] = "La dose doit être positive."
    elif atc is not None and not {"dose_unit", "route"} & set(errors):
        _check_dose(atc, cleaned, errors)


def _check_links(
    patient: Patient, cleaned: dict[str, Any], values: dict[str, Any], errors: dict[str, str]
) -> None:
    """The diagnosis and bleed treated are the patient's; the RCP and transfusion ids are ids."""
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


def _clean_treatment(
    patient: Patient,
    values: dict[str, Any],
    *,
    actor: Actor,
    confirmed: bool,
    previous: Treatment | None = None,
) -> dict[str, Any]:
    """Return the cleaned values with the dose's confirmation (who and when), or refuse them
    all at once, a dose outside the usual range and not confirmed included."""
    errors: dict[str, str] = {}
    cleaned = dict(values)
    for name in ("product_name", "justification", "comment"):
        cleaned[name] = (values.get(name) or "").strip()
    for name in ("dose_unit", "route", "off_label_framework", "outcome", "category"):
        cleaned[name] = values.get(name) or ""
    _check_choices(cleaned, errors)
    atc = _check_category(cleaned, errors)
    _check_period(patient, cleaned, errors)
    _check_dose_given(atc, cleaned, errors)
    _check_links(patient, cleaned, values, errors)
    try:
        cleaned |= _confirm_dose(actor, cleaned, confirmed, previous)
    except ValidationError as unconfirmed:
        if errors and "dose" not in errors:
            raise ValidationError({**errors, **unconfirmed.error_dict}) from None
        raise_if(errors)
        raise
    raise_if(errors)
    return cleaned


DOSE_NEEDS_CONFIRMATION = "dose_outside_usual_range"
# What a clinician validates as the usual emergency treatment: changing one withdraws it.
EMERGENCY_FIELDS = ("atc", "dose", "dose_unit", "route")
CONFIRMATION_FIELDS = ("dose_confirmed", "dose_confirmed_by", "dose_confirmed_at")


def _confirm_dose(
    actor: Actor,
    cleaned: dict[str, Any],
    confirmed: bool,
    previous: Treatment | None = None,
) -> dict[str, Any]:
    """Return the confirmation fields, or refuse a dose outside the usual range unconfirmed.

    A confirmation stays while the drug, dose, unit and route stay.
    """
    message = cleaned.pop("_usual_range", None)
    if message is None:
        return {"dose_confirmed": False, "dose_confirmed_by": None, "dose_confirmed_at": None}
    if confirmed:
        return {
            "dose_confirmed": True,
            "dose_confirmed_by": acting_user(actor),
            "dose_confirmed_at": timezone.now(),
        }
    unchanged = previous is not None and all(
        getattr(previous, name) == cleaned[name] for name in EMERGENCY_FIELDS
    )
    if previous is not None and previous.dose_confirmed and unchanged:
        return {
            "dose_confirmed": True,
            "dose_confirmed_by": previous.dose_confirmed_by,
            "dose_confirmed_at": previous.dose_confirmed_at,
        }
    raise ValidationError({"dose": ValidationError(message, code=DOSE_NEEDS_CONFIRMATION)})


def needs_dose_confirmation(error: ValidationError) -> bool:
    """Whether ``error`` only lacks the confirmation of a dose outside the usual range."""
    found = getattr(error, "error_dict", {}).get("dose", [])
    return any(e.code == DOSE_NEEDS_CONFIRMATION for e in found)


def _confirmation_note(treatment: Treatment) -> str:
    return ", dose hors plage usuelle confirmée" if treatment.dose_confirmed else ""


@records_refusals("Enregistrement d'un traitement")
def treatment_record(
    *,
    actor: Actor,
    patient: Patient,
    centre: Centre,
    atc_code: str | None = None,
    dose_confirmed: bool = False,
    **values: Any,
) -> Treatment:
    """Record a prescription or an administration, with its regulatory status.

    An off-label use needs its framework (CPC, AAC, AAP or other), a justification and the
    disease treated; the case-meeting recommendation is linked when one exists. The route, the
    unit and the dose must be possible for the drug; a dose outside its usual range needs
    ``dose_confirmed`` (who and when are kept).
    """
    unknown = set(values) - (set(TREATMENT_FIELDS) - {"atc"})
    if unknown:
        raise TypeError(f"Unknown treatment fields: {sorted(unknown)}")
    check_centre(actor, patient, centre)
    values["atc"] = get_atc(atc_code) if atc_code else None
    cleaned = _clean_treatment(patient, values, actor=actor, confirmed=dose_confirmed)
    treatment = create_validated(
        Treatment, patient=patient, centre=centre, recorded_by=acting_user(actor), **cleaned
    )
    status = treatment.get_regulatory_status_display()
    if treatment.regulatory_status == R.OFF_LABEL:
        status += f", {treatment.get_off_label_framework_display()}"
    audit(
        actor,
        AuditEvent.Action.CREATE,
        treatment,
        patient,
        summary=f"Traitement {treatment} : {status}{_confirmation_note(treatment)}",
        changes={"atc": treatment.atc.code if treatment.atc else None, "statut": status},
    )
    return treatment


@records_refusals("Correction d'un traitement")
def treatment_update(*, actor: Actor, treatment: Treatment, **values: Any) -> dict[str, Any]:
    """Correct a treatment: its drug (``atc_code``), dose, unit and route under the same rules
    as when it was recorded, its end, its outcome…; the kind and the patient stay.

    A dose outside the usual range needs ``dose_confirmed`` unless it was confirmed already and
    did not change. Changing the drug, dose, unit or route, or finding the treatment
    ineffective, withdraws its validation as the usual emergency treatment.
    """
    confirmed = bool(values.pop("dose_confirmed", False))
    atc_code = values.pop("atc_code", None)
    allowed = set(TREATMENT_FIELDS) - {"atc", "kind"}
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"These treatment fields cannot change: {sorted(unknown)}")
    check_centre(actor, treatment.patient, treatment.centre)
    if atc_code:
        values["atc"] = get_atc(atc_code)
        if values["atc"] != treatment.atc and "category" not in values:
            values["category"] = values["atc"].treatment_class
    merged = {name: getattr(treatment, name) for name in TREATMENT_FIELDS} | values
    cleaned = _clean_treatment(
        treatment.patient, merged, actor=actor, confirmed=confirmed, previous=treatment
    )
    new = {name: cleaned[name] for name in (*TREATMENT_FIELDS, *CONFIRMATION_FIELDS)}
    withdrawn = treatment.usual_emergency and (
        any(getattr(treatment, name) != cleaned[name] for name in EMERGENCY_FIELDS)
        or cleaned["outcome"] == Treatment.Outcome.INEFFECTIVE
    )
    if withdrawn:
        new |= {
            "usual_emergency": False,
            "emergency_validated_by": None,
            "emergency_validated_at": None,
        }
    changes = update_validated(treatment, new)
    if changes:
        Treatment.objects.filter(pk=treatment.pk).update(updated_at=timezone.now())
        summary = "Traitement corrigé" + (
            " : validation comme traitement d'urgence habituel retirée" if withdrawn else ""
        )
        audit(
            actor,
            AuditEvent.Action.UPDATE,
            treatment,
            treatment.patient,
            summary=summary + _confirmation_note(treatment),
            changes=changes,
        )
    return changes


@records_refusals("Choix d'un traitement d'urgence")
def treatment_mark_emergency(*, actor: Actor, treatment: Treatment, usual: bool) -> Treatment:
    """Mark (or unmark) a treatment as the patient's usual emergency treatment, the only kind
    the emergency care card lists; who validated it and when are kept."""
    check_centre(actor, treatment.patient, treatment.centre)
    if usual and treatment.atc is None:
        raise ValidationError(
            {"usual_emergency": "Seul un médicament peut être un traitement d'urgence habituel."}
        )
    if usual and treatment.outcome == Treatment.Outcome.INEFFECTIVE:
        raise ValidationError(
            {
                "usual_emergency": "Un traitement jugé inefficace ne peut pas être le traitement "
                "d'urgence habituel."
            }
        )
    values = {
        "usual_emergency": usual,
        "emergency_validated_by": acting_user(actor) if usual else None,
        "emergency_validated_at": timezone.now() if usual else None,
    }
    if treatment.usual_emergency == usual:
        return treatment
    changes = update_validated(treatment, values)
    what = (
        "validé comme traitement d'urgence habituel"
        if usual
        else "retiré des traitements d'urgence habituels"
    )
    audit(
        actor,
        AuditEvent.Action.UPDATE,
        treatment,
        treatment.patient,
        summary=f"Traitement {treatment} {what}",
        changes=changes,
    )
    return treatment
