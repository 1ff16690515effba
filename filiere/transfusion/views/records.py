"""The patient's transfusion page, the forms that add to it, and the specialist's worklist."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.access import Capability
from filiere.access.transfusion import specialist_regions, transfusion_rights
from filiere.core.access_errors import capability_required
from filiere.core.forms import apply_errors
from filiere.core.http import AuthenticatedRequest
from filiere.core.pages import record_form_page
from filiere.patients.models import Patient
from filiere.patients.selectors import get_patient_for_transfusion, transfusion_patient_search
from filiere.patients.services import patient_record_viewed
from filiere.transfusion import forms as transfusion_forms
from filiere.transfusion import services
from filiere.transfusion.domain import efficacy_settings
from filiere.transfusion.selectors import (
    Prefill,
    clinical_centres_of,
    current_instruction,
    instruction_review,
    instructions_of,
    prefill_for,
    profile_of,
    transfusion_history,
    worklist,
)


@login_required
def patient_transfusion_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Transfusions with their efficacy, the refractoriness alert, the trend, HLA and antibodies."""
    patient = get_patient_for_transfusion(request.user, public_id)
    patient_record_viewed(actor=request.user, patient=patient, what="suivi transfusionnel")
    history = transfusion_history(patient)
    current = current_instruction(patient)
    return render(
        request,
        "transfusion/patient.html",
        {
            "patient": patient,
            "history": history,
            "rows": list(reversed(history.rows)),
            "chart": history.chart_data(),
            "typings": patient.hla_typings.order_by("-typed_on", "-pk")[:5],
            "screens": patient.antibody_screens.order_by("-serum_date", "-pk")[:5],
            "instructions": instructions_of(patient)[:10],
            "current_instruction": current,
            "review": instruction_review(current) if current else None,
            "can_sign": transfusion_rights(request.user, patient).sign_instruction,
            "verdict_rule": efficacy_settings().rule,
            "profile": profile_of(patient),
        },
    )


FormFactory = Callable[[AuthenticatedRequest], forms.Form]
Save = Callable[[AuthenticatedRequest, Patient, forms.Form], Any]


def _record_page(
    request: AuthenticatedRequest,
    public_id: uuid.UUID,
    *,
    title: str,
    make_form: FormFactory,
    save: Save,
    done: str,
    prefill: Prefill | None = None,
) -> HttpResponse:
    """A form that adds to the patient's transfusion record (one per kind of record)."""
    patient = get_patient_for_transfusion(request.user, public_id)
    return record_form_page(
        request,
        make_form(request),
        template="transfusion/record_form.html",
        context={"patient": patient, "title": title, "prefill": prefill},
        save=lambda form: save(request, patient, form),
        success_url=reverse("transfusion:patient", kwargs={"public_id": patient.public_id}),
        done=done,
        viewed=lambda: patient_record_viewed(actor=request.user, patient=patient, what=title),
    )


@login_required
def transfusion_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """A new transfusion, its weight and height prefilled from the patient's last values; unusual
    values are recorded once the box that the service's refusal shows is ticked."""
    prefill = prefill_for(get_patient_for_transfusion(request.user, public_id))

    def save(req: AuthenticatedRequest, patient: Patient, form: forms.Form) -> Any:
        assert isinstance(form, transfusion_forms.TransfusionForm)  # noqa: S101 - made below
        try:
            return services.transfusion_record(
                actor=req.user, patient=patient, **form.service_values()
            )
        except ValidationError as error:
            if services.needs_values_confirmation(error):
                form.ask_values_confirmation()
            raise

    return _record_page(
        request,
        public_id,
        title=_("Nouvelle transfusion de plaquettes"),
        make_form=lambda req: transfusion_forms.TransfusionForm(
            req.POST or None,
            initial={"weight_kg": prefill.weight_kg, "height_cm": prefill.height_cm},
        ),
        save=save,
        done=_("Transfusion enregistrée."),
        prefill=prefill,
    )


@login_required
def profile_edit_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record or correct the patient's ABO/RhD group, weight and height (audited)."""
    prefill = prefill_for(get_patient_for_transfusion(request.user, public_id))
    initial = {
        "abo": prefill.abo,
        "rhd": prefill.rhd,
        "weight_kg": prefill.weight_kg,
        "height_cm": prefill.height_cm,
        "measured_on": prefill.measured_on,
    }
    return _record_page(
        request,
        public_id,
        title=_("Groupe sanguin, poids et taille"),
        make_form=lambda req: transfusion_forms.TransfusionProfileForm(
            req.POST or None, initial=initial
        ),
        save=lambda req, patient, form: services.transfusion_profile_update(
            actor=req.user, patient=patient, **form.cleaned_data
        ),
        done=_("Profil transfusionnel enregistré."),
        prefill=prefill,
    )


@login_required
def typing_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    return _record_page(
        request,
        public_id,
        title=_("Nouveau typage HLA"),
        make_form=lambda req: transfusion_forms.HlaTypingForm(req.POST or None),
        save=lambda req, patient, form: services.hla_typing_record(
            actor=req.user, patient=patient, **form.cleaned_data
        ),
        done=_("Typage HLA enregistré."),
    )


@login_required
def screen_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    def save(req: AuthenticatedRequest, patient: Patient, form: forms.Form) -> Any:
        assert isinstance(form, transfusion_forms.AntibodyScreenForm)  # noqa: S101 - made below
        name, data = form.read_file()
        return services.antibody_screen_import(
            actor=req.user,
            patient=patient,
            serum_date=form.cleaned_data["serum_date"],
            laboratory=form.cleaned_data["laboratory"],
            controls_waived=form.cleaned_data["controls_waived"],
            file_name=name,
            data=data,
        )

    return _record_page(
        request,
        public_id,
        title=_("Nouvelle recherche d'anticorps anti-HLA (SAB)"),
        make_form=lambda req: transfusion_forms.AntibodyScreenForm(
            req.POST or None, req.FILES or None
        ),
        save=save,
        done=_("Recherche d'anticorps enregistrée."),
    )


SEARCH_LIMIT = 50


@capability_required(Capability.TRANSFUSION)
def patient_search_view(request: AuthenticatedRequest) -> HttpResponse:
    """Find a patient of the specialist's region, transfused or not yet (pseudonym, IdMR, or a
    centre of the region and a birth year); every patient listed is an audited read."""
    centres = clinical_centres_of(specialist_regions(request.user))
    form = transfusion_forms.PatientSearchForm(request.GET or None, centres=centres)
    patients: list[Patient] = []
    if form.is_valid():
        found = transfusion_patient_search(request.user, form.search())
        patients = list(found.prefetch_related("care_episodes__centre")[: SEARCH_LIMIT + 1])
    more = len(patients) > SEARCH_LIMIT
    patients = patients[:SEARCH_LIMIT]
    services.search_results_viewed(actor=request.user, patients=patients)
    return render(
        request,
        "transfusion/patient_search.html",
        {"form": form, "patients": patients, "more": more, "searched": form.is_bound},
    )


@capability_required(Capability.TRANSFUSION)
def donors_import_view(request: AuthenticatedRequest) -> HttpResponse:
    """Import a donors file from the page, with the report of the refused lines."""
    form = transfusion_forms.DonorFileForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.donors_import_file(
                actor=request.user, data=upload.read(), source=upload.name or ""
            )
        except ValidationError as error:
            apply_errors(form, error)
    return render(request, "transfusion/donors_import.html", {"form": form, "report": report})


@capability_required(Capability.TRANSFUSION)
def worklist_view(request: AuthenticatedRequest) -> HttpResponse:
    """The specialist's patients: refractory ones and those with a valid instruction first."""
    return render(
        request,
        "transfusion/worklist.html",
        {
            "rows": worklist(request.user),
            "search_form": transfusion_forms.PatientSearchForm(
                centres=clinical_centres_of(specialist_regions(request.user))
            ),
        },
    )
