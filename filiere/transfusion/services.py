"""Every write of the transfusion module: atomic, validated, audited with the patient's id.

Error messages are in French and keyed by the form field they concern. The services trust
their caller on who may act: the pages fetch the patient through
``get_patient_for_transfusion`` and ask ``transfusion_rights`` before signing (the audited
404); imports and the demo act as ``SYSTEM``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from filiere.access.actors import Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import (
    audit_record,
    audit_record_per_patient,
    changed_fields,
    snapshot,
)
from filiere.clinical import transfusion as efficacy
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.hla.donors import Donor as DonorRecord
from filiere.hla.donors import DonorFileError, iter_donor_lines
from filiere.hla.eplets import EpletFileError, read_eplets_text
from filiere.hla.matching import discordant_loci
from filiere.hla.nomenclature import HlaParseError, Locus, parse_typing
from filiere.hla.sab import ControlRule, SabControlError, SabFormatError, SabRun, read_sab_text
from filiere.hla.serology import default_serology
from filiere.patients.models import Patient
from filiere.transfusion.domain import (
    age_years_on,
    allele_catalogue,
    efficacy_patient,
    efficacy_transfusion,
    read_typing,
)
from filiere.transfusion.donor_pool import current_pool
from filiere.transfusion.instructions import THRESHOLDS, InstructionParams, compute_instruction
from filiere.transfusion.models import (
    AntibodyBead,
    AntibodyScreen,
    Crossmatch,
    Donor,
    DonorImport,
    EpletRelease,
    HlaTyping,
    PostTransfusionCount,
    ProductType,
    RollUpRule,
    Transfusion,
    TransfusionInstruction,
    TransfusionProfile,
)
from filiere.transfusion.selectors import (
    latest_screen,
    latest_typing,
    patient_region,
)

# A SAB export of one serum holds about a hundred beads (a few kB); 512 kB leaves room for the
# vendors' verbose exports while refusing anything that is not one result file.
MAX_SAB_BYTES = 512 * 1024
# Beyond a year the serum no longer reflects the patient's immunisation.
MAX_VALIDITY_DAYS = 366


def _audit(
    actor: Actor,
    action: str,
    obj: Any,
    patient: Patient,
    summary: str,
    changes: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        patient_id=patient.public_id,
        summary=summary,
        changes=changes,
    )


def _check_date(field: str, when: dt.date, patient: Patient, what: str) -> dict[str, str]:
    if when > timezone.localdate():
        return {field: f"{what} est dans le futur."}
    if when < patient.birth.earliest():
        return {field: f"{what} précède la naissance du patient."}
    return {}


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
    errors: dict[str, str] = {}
    if ended_at > timezone.now():
        errors["ended_at"] = "La transfusion est datée dans le futur."
    elif ended_at.date() < patient.birth.earliest():
        errors["ended_at"] = "La transfusion précède la naissance du patient."
    if pooled_donations is not None and product_type != ProductType.MCP:
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
        weight_kg=weight_kg,
        height_cm=height_cm,
    )
    try:
        confirmation = _confirmation(actor, unusual, values_confirmed)
    except ValidationError as unconfirmed:
        raise ValidationError({**unconfirmed.error_dict, **errors}) from None
    if errors:
        raise ValidationError(errors)
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
        **confirmation,
    )
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
    _audit(
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
    return transfusion


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
    _audit(actor, action, profile, patient, f"Profil transfusionnel : {why}", changes)
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
        errors |= _check_date("measured_on", measured_on, patient, "La date de la mesure")
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


# --- HLA typing and antibodies -----------------------------------------------------------


@records_refusals("Enregistrement d'un typage HLA")
def hla_typing_record(
    *,
    actor: Actor,
    patient: Patient,
    typing: str,
    typed_on: dt.date,
    laboratory: str = "",
    confirm_discordant: bool = False,
) -> HlaTyping:
    """Record the patient's HLA class I typing (normalised: "A*02:01 A*24:02 B*44:02 B51").

    Alleles are checked against the allele list (``HLA_ALLELE_LIST``). A typing sharing no antigen
    with the patient's previous one at some locus may be another person's sample: it is refused
    unless ``confirm_discordant``, and the confirmation is audited.
    """
    errors = _check_date("typed_on", typed_on, patient, "La date du typage")
    discordant: tuple[Locus, ...] = ()
    previous = latest_typing(patient)
    try:
        parsed = parse_typing(typing)
        allele_catalogue().check_typing(parsed)
    except HlaParseError as error:
        errors["typing"] = f"Typage illisible : {error}"
    else:
        if not parsed.at(Locus.A) or not parsed.at(Locus.B):
            errors["typing"] = "Le typage doit comporter HLA-A et HLA-B (ex. A*02:01 A24 B44 B51)."
        elif previous is not None:
            discordant = discordant_loci(read_typing(previous.typing), parsed, default_serology())
            if discordant and not confirm_discordant:
                loci = ", ".join(f"HLA-{locus.value}" for locus in discordant)
                errors["confirm_discordant"] = (
                    f"Typage discordant avec le typage précédent ({previous.typing}, du "
                    f"{previous.typed_on:%d/%m/%Y}) : aucun antigène commun en {loci}. "
                    "Possible erreur d'échantillon : vérifiez l'identité du prélèvement, puis "
                    "cochez la confirmation pour enregistrer ce typage."
                )
    if errors:
        raise ValidationError(errors)
    record = create_validated(
        HlaTyping,
        patient=patient,
        typing=str(parsed),
        typed_on=typed_on,
        laboratory=laboratory.strip(),
        recorded_by=acting_user(actor),
    )
    summary = f"Typage HLA enregistré : {record}"
    changes: dict[str, Any] | None = None
    if discordant and previous is not None:
        loci = ", ".join(f"HLA-{locus.value}" for locus in discordant)
        summary += f" — typage discordant confirmé ({loci} ; précédent : {previous.typing})"
        changes = {
            "discordant_confirmed": True,
            "discordant_loci": [locus.value for locus in discordant],
            "previous_typing": previous.typing,
        }
    _audit(actor, AuditEvent.Action.CREATE, record, patient, summary, changes)
    return record


def _decode(data: bytes) -> str:
    if not data.strip():
        raise ValidationError({"file": "Le fichier est vide."})
    if len(data) > MAX_SAB_BYTES:
        raise ValidationError(
            {
                "file": f"Fichier trop volumineux ({len(data) // 1024} Ko) : un résultat SAB "
                f"fait au plus {MAX_SAB_BYTES // 1024} Ko."
            }
        )
    # Checked by content, not by name or announced type: a text file has no NUL byte.
    if b"\x00" in data:
        raise ValidationError({"file": "Ce fichier n'est pas un CSV (contenu binaire)."})
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Vendor software on Windows still writes Windows-1252.
        return data.decode("cp1252", errors="replace")


def _controls(run: SabRun, waived: bool) -> str:
    rule = ControlRule()
    absent = run.negative_control is None and run.positive_control is None
    if absent and waived:
        return AntibodyScreen.Controls.WAIVED
    run.check_controls(rule)
    return AntibodyScreen.Controls.PASSED


@records_refusals("Import d'une recherche d'anticorps anti-HLA")
def antibody_screen_import(
    *,
    actor: Actor,
    patient: Patient,
    serum_date: dt.date,
    file_name: str,
    data: bytes,
    laboratory: str = "",
    controls_waived: bool = False,
) -> AntibodyScreen:
    """Record a single-antigen-bead result from its CSV file; a bad file saves nothing."""
    errors = _check_date("serum_date", serum_date, patient, "La date du sérum")
    if errors:
        raise ValidationError(errors)
    text = _decode(data)
    name = (file_name or "SAB.csv")[-200:]
    try:
        run = read_sab_text(text, source=name, catalogue=allele_catalogue())
        controls = _controls(run, controls_waived)
    except (SabFormatError, SabControlError) as error:
        raise ValidationError({"file": str(error)}) from None
    screen = create_validated(
        AntibodyScreen,
        patient=patient,
        serum_date=serum_date,
        laboratory=laboratory.strip(),
        file_name=name,
        content=text,
        sha256=hashlib.sha256(data).hexdigest(),
        mfi_column=run.mfi_column[:60],
        negative_control=run.negative_control,
        positive_control=run.positive_control,
        controls=controls,
        recorded_by=acting_user(actor),
    )
    # The beads were validated one by one by the file reader (allele names, numeric MFI).
    AntibodyBead.objects.bulk_create(
        AntibodyBead(screen=screen, allele=bead.allele.name, mfi=bead.mfi, line=bead.line)
        for bead in run.beads
    )
    _audit(
        actor,
        AuditEvent.Action.CREATE,
        screen,
        patient,
        f"Recherche d'anticorps anti-HLA (SAB) du {serum_date:%d/%m/%Y} : {len(run.beads)} billes",
    )
    return screen


def search_results_viewed(*, actor: User, patients: Sequence[Patient]) -> None:
    """Record that a transfusion specialist's search listed these patients (one event each)."""
    if patients:
        audit_record_per_patient(
            actor=actor,
            action=AuditEvent.Action.VIEW,
            patient_ids=[patient.public_id for patient in patients],
            summary="Recherche de patient (transfusion) : patient listé",
        )


# --- Transfusion instructions ------------------------------------------------------------


def _check_params(params: InstructionParams) -> dict[str, str]:
    errors: dict[str, str] = {}
    if params.threshold not in THRESHOLDS:
        errors["threshold"] = "Seuil de MFI hors de la liste proposée."
    if params.rule not in RollUpRule.values:
        errors["rule"] = "Règle d'agrégation inconnue."
    return errors


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
    _audit(
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
    errors = _check_date("tested_on", tested_on, patient, "La date du crossmatch")
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
    _audit(
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
    _audit(
        actor,
        AuditEvent.Action.PRINT,
        instruction,
        instruction.patient,
        f"Impression de la consigne transfusionnelle v{instruction.version}",
    )


# --- The donor pool ----------------------------------------------------------------------


def _donor_values(donor: DonorRecord) -> dict[str, Any]:
    return {
        "site": donor.site[:100],
        "region": donor.region,
        "abo": donor.abo.value if donor.abo else "",
        "rhd_positive": donor.rhd_positive,
        "hla_a": " ".join(c.name for c in donor.typing.at(Locus.A)),
        "hla_b": " ".join(c.name for c in donor.typing.at(Locus.B)),
        "hla_c": " ".join(c.name for c in donor.typing.at(Locus.C)),
        "hpa1": donor.hpa1 or "",
        "hpa3": donor.hpa3 or "",
        "hpa5": donor.hpa5 or "",
        "cd36_positive": donor.cd36_positive,
        "cmv_positive": donor.cmv_positive,
        "last_donation": donor.last_donation,
        "active": donor.active,
    }


_DONOR_FIELDS = [
    "site",
    "region",
    "abo",
    "rhd_positive",
    "hla_a",
    "hla_b",
    "hla_c",
    "hpa1",
    "hpa3",
    "hpa5",
    "cd36_positive",
    "cmv_positive",
    "last_donation",
    "active",
]


@transaction.atomic
def donors_import(
    *, actor: Actor, donors: Iterable[DonorRecord], source: str, batch_size: int = 5000
) -> DonorImport:
    """Add or update donors (matched on their identifier) from validated donor records.

    The records come from ``filiere.hla.donors`` (the CSV reader) or the synthetic pool
    generator, which validate every field. The new DonorImport row changes the pool's stamp,
    so every process reloads the pool at its next search.
    """
    load = create_validated(DonorImport, source=source[:200], imported_by=acting_user(actor))
    existing = dict(Donor.objects.values_list("external_id", "pk"))
    created = updated = 0
    to_create: list[Donor] = []
    to_update: list[Donor] = []
    for record in donors:
        values = _donor_values(record)
        pk = existing.get(record.id)
        if pk is None:
            to_create.append(Donor(external_id=record.id, last_import=load, **values))
        else:
            to_update.append(Donor(pk=pk, external_id=record.id, last_import=load, **values))
        if len(to_create) >= batch_size:
            created += len(Donor.objects.bulk_create(to_create))
            to_create.clear()
        if len(to_update) >= batch_size:
            updated += Donor.objects.bulk_update(to_update, [*_DONOR_FIELDS, "last_import"])
            to_update.clear()
    if to_create:
        created += len(Donor.objects.bulk_create(to_create))
    if to_update:
        updated += Donor.objects.bulk_update(to_update, [*_DONOR_FIELDS, "last_import"])
    DonorImport.objects.filter(pk=load.pk).update(created=created, updated=updated)
    load.created, load.updated = created, updated
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=load,
        summary=f"Import de donneurs « {load.source} » : {created} ajouté(s), {updated} mis à jour",
    )
    return load


# A national donor file of a million lines is about 80 MB; the page takes regional updates.
MAX_DONOR_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class DonorFileImport:
    load: DonorImport
    refused: tuple[str, ...]  # one message per refused line, naming the line and the field


@records_refusals("Import du fichier des donneurs")
def donors_import_file(*, actor: Actor, data: bytes, source: str) -> DonorFileImport:
    """Import a donors CSV file from the page: the valid lines through ``donors_import``, each
    refused line reported with its number and field (nothing is imported when the file itself
    is unreadable or every line is refused)."""
    if len(data) > MAX_DONOR_FILE_BYTES:
        limit = MAX_DONOR_FILE_BYTES >> 20
        raise ValidationError({"file": f"Fichier trop volumineux : {limit} Mo au plus."})
    if not data.strip() or b"\x00" in data:
        raise ValidationError({"file": "Le fichier est vide ou n'est pas un CSV."})
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    name = (source or "donneurs.csv")[-200:]
    donors: list[DonorRecord] = []
    refused: list[str] = []
    try:
        for item in iter_donor_lines(text, source=name, catalogue=allele_catalogue()):
            if isinstance(item, DonorFileError):
                refused.append(str(item))
            else:
                donors.append(item)
    except DonorFileError as error:
        raise ValidationError({"file": str(error)}) from None
    if not donors:
        raise ValidationError({"file": f"Aucune ligne acceptée ({len(refused)} refusée(s))."})
    load = donors_import(actor=actor, donors=donors, source=name)
    if refused:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.REFUSED,
            object_type="transfusion.donorimport",
            summary=f"Import de donneurs « {name} » : {len(refused)} ligne(s) refusée(s)",
        )
    return DonorFileImport(load, tuple(refused))


@dataclass(frozen=True)
class EpletImport:
    release: EpletRelease
    created: bool


@transaction.atomic
def eplets_import(*, actor: Actor, text: str, source: str) -> EpletImport:
    """Load a class I eplet table (hlaR ``MHC_I_eplet_v*.csv``) for the donor ranking.

    The same file twice changes nothing. A new release changes the pool's stamp, so every
    process rebuilds its pool with the eplets at its next search.
    """
    try:
        table = read_eplets_text(text, source=source)
    except EpletFileError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    if not table.alleles or not table.names:
        raise ValidationError({"file": f"{source} : aucun allèle ni eplet dans le fichier."})
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = EpletRelease.objects.filter(sha256=digest).first()
    if existing is not None:
        return EpletImport(existing, created=False)
    release = create_validated(
        EpletRelease,
        source=source[:200],
        sha256=digest,
        content=text,
        alleles=len(table.alleles),
        eplets=len(table.names),
        imported_by=acting_user(actor),
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=release,
        summary=(
            f"Table d'eplets « {release.source} » : {release.alleles} allèles, "
            f"{release.eplets} eplets"
        ),
    )
    return EpletImport(release, created=True)
