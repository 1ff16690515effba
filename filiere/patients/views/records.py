"""The pages that add a record to a patient (diagnosis, finding, phenotype, work-up, consent,
care episode) or change its status or identity."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.access import Capability
from filiere.access.patients import (
    patient_rights,
)
from filiere.core.access_errors import NotVisible
from filiere.core.http import AuthenticatedRequest
from filiere.core.pages import record_form_page
from filiere.patients import forms as patient_forms
from filiere.patients import services
from filiere.patients.correction_views import record_correct_view
from filiere.patients.models import Patient
from filiere.patients.selectors import (
    get_patient_for_user,
    identity_of,
)
from filiere.patients.views.patient import _centres_with

FormFactory = Callable[[AuthenticatedRequest, Patient, Any], forms.BaseForm]
Save = Callable[[AuthenticatedRequest, Patient, dict[str, Any]], Any]


def _patient_form_page(
    request: AuthenticatedRequest,
    public_id: uuid.UUID,
    *,
    title: str,
    make_form: FormFactory,
    save: Save,
    done: str,
) -> HttpResponse:
    """A form that adds to or changes a patient's record (one per kind of record)."""
    patient = get_patient_for_user(request.user, public_id, Capability.EDIT_PATIENTS)
    return record_form_page(
        request,
        make_form(request, patient, request.POST or None),
        template="patients/record_form.html",
        context={"patient": patient, "title": title},
        save=lambda form: save(request, patient, form.cleaned_data),
        success_url=reverse("patients:detail", kwargs={"public_id": patient.public_id}),
        done=done,
        viewed=lambda: services.patient_record_viewed(
            actor=request.user, patient=patient, what=title
        ),
    )


@login_required
def diagnosis_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    def make(req: AuthenticatedRequest, patient: Patient, data: Any) -> forms.Form:
        return patient_forms.DiagnosisForm(
            data, centres=_centres_with(req, Capability.EDIT_PATIENTS)
        )

    def save(req: AuthenticatedRequest, patient: Patient, data: dict[str, Any]) -> Any:
        return services.diagnosis_record(
            actor=req.user, patient=patient, **data_for_diagnosis(data)
        )

    return _patient_form_page(
        request,
        public_id,
        title=_("Nouveau diagnostic"),
        make_form=make,
        save=save,
        done=_("Diagnostic enregistré."),
    )


def data_for_diagnosis(data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    values["orpha_code"] = values.get("orpha_code") or None
    values["icd10_code"] = values.get("icd10_code") or None
    return values


@login_required
def diagnosis_edit_view(
    request: AuthenticatedRequest, public_id: uuid.UUID, diagnosis_id: uuid.UUID
) -> HttpResponse:
    """The diagnosis' correction page (the shared mechanism keeps the previous version)."""
    return record_correct_view(request, public_id, "diagnostic", diagnosis_id)


@login_required
def finding_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    return _patient_form_page(
        request,
        public_id,
        title=_("Nouveau résultat génétique"),
        make_form=lambda req, p, data: patient_forms.GeneticFindingForm(data),
        save=lambda req, p, data: services.genetic_finding_record(
            actor=req.user, patient=p, **data
        ),
        done=_("Résultat génétique enregistré."),
    )


@login_required
def phenotype_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    return _patient_form_page(
        request,
        public_id,
        title=_("Nouveau phénotype (HPO)"),
        make_form=lambda req, p, data: patient_forms.PhenotypeForm(data),
        save=lambda req, p, data: services.phenotype_record(actor=req.user, patient=p, **data),
        done=_("Phénotype enregistré."),
    )


@login_required
def workup_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    return _patient_form_page(
        request,
        public_id,
        title=_("Nouveau bilan plaquettaire"),
        make_form=lambda req, p, data: patient_forms.PlateletWorkupForm(data),
        save=lambda req, p, data: services.platelet_workup_record(
            actor=req.user, patient=p, **data
        ),
        done=_("Bilan plaquettaire enregistré."),
    )


@login_required
def consent_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    return _patient_form_page(
        request,
        public_id,
        title=_("Nouvelle réponse du patient (consentement, opposition)"),
        make_form=lambda req, p, data: patient_forms.ConsentForm(data),
        save=lambda req, p, data: services.consent_record(actor=req.user, patient=p, **data),
        done=_("Réponse enregistrée."),
    )


@login_required
def episode_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    def save(req: AuthenticatedRequest, p: Patient, data: dict[str, Any]) -> Any:
        return services.care_episode_open(
            actor=req.user, patient=p, referring_physician=req.user, **data
        )

    return _patient_form_page(
        request,
        public_id,
        title=_("Nouvelle prise en charge par un centre"),
        make_form=lambda req, p, data: patient_forms.CareEpisodeForm(
            data, centres=_centres_with(req, Capability.EDIT_PATIENTS)
        ),
        save=save,
        done=_("Prise en charge enregistrée."),
    )


@login_required
def status_edit_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    def make(req: AuthenticatedRequest, p: Patient, data: Any) -> forms.Form:
        initial = {
            "vital_status": p.vital_status,
            "death_date": p.death_date,
            "death_due_to_rare_disease": p.death_due_to_rare_disease,
            "consanguinity": p.consanguinity,
            "idmr": p.idmr,
            "biobanks": p.biobanks,
        }
        return patient_forms.StatusForm(data, initial=initial)

    return _patient_form_page(
        request,
        public_id,
        title=_("Statut vital et informations du registre"),
        make_form=make,
        save=lambda req, p, data: services.patient_update_status(actor=req.user, patient=p, **data),
        done=_("Statut enregistré."),
    )


@login_required
def identity_edit_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, public_id, Capability.EDIT_PATIENTS)
    if not patient_rights(request.user, patient).see_identity:
        raise NotVisible("patients.patient", str(patient.public_id), "identité")

    def make(req: AuthenticatedRequest, p: Patient, data: Any) -> forms.Form:
        identity = identity_of(p)
        initial = (
            {n: getattr(identity, n) for n in patient_forms.IdentityForm.base_fields}
            if identity
            else {}
        )
        return patient_forms.IdentityForm(data, initial=initial)

    return _patient_form_page(
        request,
        public_id,
        title=_("Traits d'identité"),
        make_form=make,
        save=lambda req, p, data: services.patient_update_identity(
            actor=req.user, patient=p, values=data
        ),
        done=_("Identité modifiée."),
    )
