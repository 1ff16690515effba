"""The registry API under /api/v1/patients: same selectors, services and audit as the pages."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from filiere.access import Capability, grants_for
from filiere.access.patients import patient_rights
from filiere.accounts.models import User
from filiere.core.access_errors import NotVisible
from filiere.core.corrections import (
    kind_for_slug,
    record_correct,
    record_history,
    record_withdraw,
)
from filiere.core.http import api_user, identity_allowed
from filiere.core.pagination import ApiPage, page_slice
from filiere.identity.models import Identity
from filiere.identity.services import IdentityInput
from filiere.lib.partial_dates import PartialDate, PartialDateError
from filiere.network.models import Centre
from filiere.patients import schemas, services
from filiere.patients.correction_views import form_disabled
from filiere.patients.models import Diagnosis, Patient
from filiere.patients.selectors import (
    PatientFilters,
    get_patient_for_user,
    get_record_for_user,
    identities_in_list,
    identity_of,
    patient_list,
    with_list_details,
)

router = Router(tags=["patients"])
PAGE_SIZE = 50


def _partial(value: str | None, field: str) -> PartialDate | None:
    from django.core.exceptions import ValidationError

    if not value:
        return None
    try:
        return PartialDate.parse(value)
    except PartialDateError as exc:
        raise ValidationError({field: str(exc)}) from exc


def _centre_for(user: User, centre_id: uuid.UUID) -> Centre:
    centre = Centre.objects.filter(
        public_id=centre_id, pk__in=grants_for(user).centre_ids(Capability.EDIT_PATIENTS)
    ).first()
    if centre is None:
        raise NotVisible("network.centre", str(centre_id))
    return centre


def _diagnosis_out(d: Diagnosis) -> dict[str, Any]:
    date = d.diagnosis_date
    return {
        "id": d.public_id,
        "orpha_code": d.orpha.code if d.orpha else None,
        "icd10_code": d.icd10.code if d.icd10 else None,
        "label": d.orpha.name if d.orpha else (d.icd10.label if d.icd10 else ""),
        "status": d.status,
        "date": date.iso() if date else None,
        "centre_id": d.centre.public_id,
        "genes": [g.symbol for g in d.genes.all()],
    }


def _patient_out(p: Patient) -> dict[str, Any]:
    return {
        "id": p.public_id,
        "pseudonym": p.pseudonym,
        "idmr": p.idmr,
        "sex": p.sex,
        "birth_year": p.birth_year,
        "birth_month": p.birth_month,
        "vital_status": p.vital_status,
        "diagnoses": [_diagnosis_out(d) for d in p.diagnoses.current()],
        "care_episodes": [
            {
                "id": e.public_id,
                "centre_id": e.centre.public_id,
                "centre": str(e.centre),
                "inclusion_date": e.inclusion_date.iso(),
                "ended_on": e.ended_on,
            }
            for e in p.care_episodes.all()
        ],
    }


def _page(
    request: HttpRequest, filters: PatientFilters, page: int, where: str
) -> list[dict[str, Any]]:
    """One page of the list; names, birth dates and name searches only for a session or a token
    with the identity scope."""
    user = api_user(request)
    with_identity = identity_allowed(request)
    if not with_identity:
        filters = dataclasses.replace(filters, match_names=False)
    patients = list(
        with_list_details(patient_list(user, filters)).prefetch_related(
            "diagnoses__genes", "diagnoses__centre"
        )[page_slice(page, PAGE_SIZE)]
    )
    identities = identities_in_list(user, patients) if with_identity else {}
    services.patients_listed(
        actor=user,
        filters=filters,
        count=len(patients),
        page=page,
        where=where,
        identified=[p for p in patients if p.pk in identities],
    )
    return [_listed(p, identities.get(p.pk)) for p in patients]


def _listed(patient: Patient, identity: Identity | None) -> dict[str, Any]:
    row = _patient_out(patient)
    row["identity"] = None
    if identity is not None:
        row["identity"] = {
            "birth_name": identity.birth_name,
            "first_given_name": identity.first_given_name,
            "used_name": identity.used_name,
            "birth_date": identity.birth_date,
        }
    return row


@router.get("", response=list[schemas.PatientListOut], summary="Les patients de mes centres")
def list_patients(
    request: HttpRequest, status: str = "", page: ApiPage = 1
) -> list[dict[str, Any]]:
    user = api_user(request)
    if not grants_for(user).has(Capability.VIEW_PATIENTS):
        raise NotVisible(reason="API patients")
    return _page(request, PatientFilters(status=status), page, "API liste des patients")


@router.post(
    "/recherche",
    response=list[schemas.PatientListOut],
    summary="Rechercher par nom, pseudonyme ou IdMR (dans le corps : jamais de nom dans l'URL)",
)
def search_patients(
    request: HttpRequest, payload: schemas.SearchIn, page: ApiPage = 1
) -> list[dict[str, Any]]:
    user = api_user(request)
    if not grants_for(user).has(Capability.VIEW_PATIENTS):
        raise NotVisible(reason="API patients")
    return _page(request, PatientFilters(text=payload.q), page, "API recherche de patients")


@router.post("", response={201: schemas.PatientOut}, summary="Inclure un patient")
def register_patient(request: HttpRequest, payload: schemas.PatientIn) -> Status[dict[str, Any]]:
    user = api_user(request)
    centre = _centre_for(user, payload.centre_id)
    inclusion = _partial(payload.inclusion_date, "inclusion_date")
    assert inclusion is not None  # noqa: S101 - the schema requires the field
    registration = services.patient_register(
        actor=user,
        centre=centre,
        identity=IdentityInput(**payload.identity.dict()),
        inclusion_date=inclusion,
        referred_by=payload.referred_by,
        outside_labelled_scope=payload.outside_labelled_scope,
        referring_physician=user,
    )
    return Status(201, _patient_out(registration.patient))


@router.get(
    "/{patient_id}", response=schemas.PatientDetailOut, summary="Un dossier (sans identité)"
)
def patient_detail(request: HttpRequest, patient_id: uuid.UUID) -> dict[str, Any]:
    user = api_user(request)
    patient = get_patient_for_user(user, patient_id)
    services.patient_record_viewed(actor=user, patient=patient, what="API dossier")
    data = _patient_out(patient)
    data["genetic_findings"] = [
        {
            "id": f.public_id,
            "gene": f.gene.symbol,
            "hgvs": f.hgvs,
            "zygosity": f.zygosity,
            "acmg_class": f.acmg_class,
            "technique": f.technique,
        }
        for f in patient.genetic_findings.current().select_related("gene")
    ]
    data["phenotypes"] = [
        {"id": o.public_id, "hpo_id": o.hpo_id, "label": o.hpo_label, "excluded": o.excluded}
        for o in patient.phenotypes.current()
    ]
    return data


@router.get("/{patient_id}/identite", response=schemas.IdentityOut, summary="Traits d'identité")
def patient_identity(request: HttpRequest, patient_id: uuid.UUID) -> Any:
    user = api_user(request)
    patient = get_patient_for_user(user, patient_id)
    if not patient_rights(user, patient).see_identity:
        raise NotVisible("patients.patient", str(patient.public_id), "identité")
    identity = identity_of(patient)
    services.identity_viewed(actor=user, patient=patient)
    return identity


@router.post(
    "/{patient_id}/diagnostics",
    response={201: schemas.DiagnosisOut},
    summary="Ajouter un diagnostic",
)
def add_diagnosis(
    request: HttpRequest, patient_id: uuid.UUID, payload: schemas.DiagnosisIn
) -> Status[dict[str, Any]]:
    user = api_user(request)
    patient = get_patient_for_user(user, patient_id, Capability.EDIT_PATIENTS)
    values = payload.dict()
    centre = _centre_for(user, values.pop("centre_id"))
    date = _partial(values.pop("diagnosis_date"), "diagnosis_date")
    diagnosis = services.diagnosis_record(
        actor=user, patient=patient, centre=centre, diagnosis_date=date, **values
    )
    return Status(201, _diagnosis_out(diagnosis))


@router.patch(
    "/{patient_id}/diagnostics/{diagnosis_id}",
    response=schemas.DiagnosisOut,
    summary="Changer le statut d'un diagnostic",
)
def change_diagnosis_status(
    request: HttpRequest,
    patient_id: uuid.UUID,
    diagnosis_id: uuid.UUID,
    payload: schemas.DiagnosisStatusIn,
) -> dict[str, Any]:
    user = api_user(request)
    patient = get_patient_for_user(user, patient_id, Capability.EDIT_PATIENTS)
    diagnosis = patient.diagnoses.current().filter(public_id=diagnosis_id).first()
    if diagnosis is None:
        raise NotVisible("patients.diagnosis", str(diagnosis_id))
    record_correct(
        actor=user, record=diagnosis, reason=payload.reason, values={"status": payload.status}
    )
    diagnosis.refresh_from_db()
    return _diagnosis_out(diagnosis)


@router.post(
    "/{patient_id}/genetique", response={201: schemas.FindingOut}, summary="Ajouter un variant"
)
def add_finding(
    request: HttpRequest, patient_id: uuid.UUID, payload: schemas.FindingIn
) -> Status[dict[str, Any]]:
    user = api_user(request)
    patient = get_patient_for_user(user, patient_id, Capability.EDIT_PATIENTS)
    f = services.genetic_finding_record(actor=user, patient=patient, **payload.dict())
    return Status(
        201,
        {
            "id": f.public_id,
            "gene": f.gene.symbol,
            "hgvs": f.hgvs,
            "zygosity": f.zygosity,
            "acmg_class": f.acmg_class,
            "technique": f.technique,
        },
    )


@router.post(
    "/{patient_id}/phenotypes", response={201: schemas.PhenotypeOut}, summary="Ajouter un terme HPO"
)
def add_phenotype(
    request: HttpRequest, patient_id: uuid.UUID, payload: schemas.PhenotypeIn
) -> Status[dict[str, Any]]:
    user = api_user(request)
    patient = get_patient_for_user(user, patient_id, Capability.EDIT_PATIENTS)
    o = services.phenotype_record(actor=user, patient=patient, **payload.dict())
    return Status(
        201, {"id": o.public_id, "hpo_id": o.hpo_id, "label": o.hpo_label, "excluded": o.excluded}
    )


@router.post(
    "/{patient_id}/consentements",
    response={201: dict[str, str]},
    summary="Enregistrer une réponse du patient",
)
def add_consent(
    request: HttpRequest, patient_id: uuid.UUID, payload: schemas.ConsentIn
) -> Status[dict[str, str]]:
    user = api_user(request)
    patient = get_patient_for_user(user, patient_id, Capability.EDIT_PATIENTS)
    consent = services.consent_record(actor=user, patient=patient, **payload.dict())
    return Status(201, {"id": str(consent.public_id)})


# --- Corrections, withdrawals and history of any clinical record ----------------------------


def _record(
    user: User, patient_id: uuid.UUID, kind: str, record_id: uuid.UUID, capability: Capability
) -> Any:
    return get_record_for_user(user, patient_id, kind, record_id, capability)[2]


RECORD = "/{patient_id}/enregistrements/{kind}/{record_id}"


@router.get(
    RECORD + "/historique",
    response=list[schemas.RecordVersionOut],
    summary="Historique d'un enregistrement clinique (versions, auteur, date, motif)",
)
def record_versions(
    request: HttpRequest, patient_id: uuid.UUID, kind: str, record_id: uuid.UUID
) -> list[dict[str, Any]]:
    user = api_user(request)
    record = _record(user, patient_id, kind, record_id, Capability.VIEW_PATIENTS)
    services.patient_record_viewed(
        actor=user, patient=record.patient, what=f"API historique {kind}"
    )
    return [
        {
            "number": v.number,
            "current": v.current,
            "kind": v.kind,
            "at": v.at,
            "author": v.actor.display_name if v.actor else "",
            "reason": v.reason,
            "changes": v.changes,
            "values": v.values,
        }
        for v in record_history(record)
    ]


@router.post(
    RECORD + "/correction",
    response=schemas.RecordCorrectionOut,
    summary="Corriger un enregistrement clinique (les règles de sa saisie s'appliquent)",
)
def correct_record(
    request: HttpRequest,
    patient_id: uuid.UUID,
    kind: str,
    record_id: uuid.UUID,
    payload: schemas.RecordCorrectionIn,
) -> dict[str, Any]:
    from django.core.exceptions import ValidationError

    user = api_user(request)
    record = _record(user, patient_id, kind, record_id, Capability.EDIT_PATIENTS)
    found = kind_for_slug(kind)
    assert found is not None  # noqa: S101 - _record checked it
    if found.build_form is None:
        raise ValidationError(_("Ce type d'enregistrement ne se corrige pas : retirez-le."))
    # The record's own form parses the values: the page and the API apply the same rules.
    blank = found.build_form(request, record, None)
    data = {name: blank[name].value() for name in blank.fields} | payload.values
    form = found.build_form(request, record, data)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    disabled = form_disabled(form)
    changes = record_correct(
        actor=user,
        record=record,
        reason=payload.reason,
        values={k: v for k, v in form.cleaned_data.items() if k not in disabled},
    )
    return {"changes": changes}


@router.post(
    RECORD + "/retrait",
    response=schemas.RecordWithdrawalOut,
    summary="Retirer un enregistrement clinique saisi par erreur (gardé dans son historique)",
)
def withdraw_record(
    request: HttpRequest,
    patient_id: uuid.UUID,
    kind: str,
    record_id: uuid.UUID,
    payload: schemas.RecordWithdrawalIn,
) -> dict[str, Any]:
    user = api_user(request)
    record = _record(user, patient_id, kind, record_id, Capability.EDIT_PATIENTS)
    record = record_withdraw(actor=user, record=record, reason=payload.reason)
    return {"withdrawn_at": record.withdrawn_at, "reason": record.withdrawal_reason}


# The FHIR R4B bundle of a record: its own media type, documented here for the OpenAPI schema.
_FHIR_RESPONSE = {
    "responses": {
        200: {
            "description": "Bundle FHIR R4B (collection), pseudonymisé",
            "content": {"application/fhir+json": {"schema": {"type": "object"}}},
        },
        409: {
            "description": "Le patient s'oppose à la réutilisation de ses données",
            "content": {
                "application/json": {
                    "schema": {"type": "object", "properties": {"detail": {"type": "string"}}}
                }
            },
        },
    }
}


@router.get(
    "/{patient_id}/fhir",
    summary="Le dossier en FHIR R4B (pseudonymisé)",
    openapi_extra=_FHIR_RESPONSE,
)
def patient_fhir(request: HttpRequest, patient_id: uuid.UUID) -> Any:
    """One Bundle (type collection), as the FHIR export writes it; audited as an export.
    Refused (409) when the patient opposed the reuse of their data."""
    from filiere.exports.fhir import render_fhir_bundle
    from filiere.patients.fhir import fhir_record_of

    user = api_user(request)
    patient = get_patient_for_user(user, patient_id)
    record = fhir_record_of(patient)
    if record is None:
        raise HttpError(409, _("Ce patient s'oppose à la réutilisation de ses données (BNDMR)."))
    services.patient_record_exported(actor=user, patient=patient, what="FHIR R4B (pseudonymisé)")
    return HttpResponse(render_fhir_bundle(record), content_type="application/fhir+json")
