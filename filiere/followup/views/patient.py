"""A patient's follow-up: the overview page, and the forms for visits, bleeds, treatments and
adverse events. Each page authorizes through the registry's selector, parses with a form, calls a
service and records the read in the audit trail."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.access import Capability
from filiere.core.http import AuthenticatedRequest
from filiere.core.pages import record_form_page
from filiere.followup import forms as followup_forms
from filiere.followup import services
from filiere.followup.selectors import get_treatment, patient_followup
from filiere.followup.views.common import cleaned_without, writing_centres
from filiere.patients.correction_views import record_correct_view
from filiere.patients.models import Patient
from filiere.patients.selectors import (
    age_by_month_on,
    get_patient_and_rights,
    get_patient_for_user,
)


@login_required
def patient_followup_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Visits, ISTH-BAT history, bleeds, treatments and adverse events of one patient."""
    patient, rights = get_patient_and_rights(request.user, public_id)
    services.followup_viewed(actor=request.user, patient=patient, what="suivi longitudinal")
    today = timezone.localdate()
    return render(
        request,
        "followup/patient.html",
        {
            "patient": patient,
            "age": age_by_month_on(patient, today),
            "followup": patient_followup(patient, today),
            "can_edit": rights.edit,
        },
    )


Save = Callable[[dict[str, Any]], Any]


def _form_page(
    request: AuthenticatedRequest,
    patient: Patient,
    form: forms.Form,
    *,
    title: str,
    save: Save,
    done: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    return record_form_page(
        request,
        form,
        template="followup/record_form.html",
        context={"patient": patient, "title": title, **(extra or {})},
        save=lambda valid: save(valid.cleaned_data),
        success_url=reverse("followup:patient", kwargs={"public_id": patient.public_id}),
        done=done,
        viewed=lambda: services.followup_viewed(actor=request.user, patient=patient, what=title),
    )


@login_required
def visit_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, public_id, Capability.EDIT_PATIENTS)
    form = followup_forms.VisitForm(
        request.POST or None,
        centres=writing_centres(request.user, patient),
        initial={"visited_on": timezone.localdate()},
    )

    def save(data: dict[str, Any]) -> Any:
        return services.visit_record(actor=request.user, patient=patient, **data)

    return _form_page(
        request,
        patient,
        form,
        title=_("Nouvelle visite de suivi"),
        save=save,
        done=_("Visite enregistrée."),
    )


@login_required
def visit_edit_view(
    request: AuthenticatedRequest, public_id: uuid.UUID, visit_id: uuid.UUID
) -> HttpResponse:
    """The visit's correction page (the shared mechanism keeps the previous version)."""
    return record_correct_view(request, public_id, "visite", visit_id)


@login_required
def bleed_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, public_id, Capability.EDIT_PATIENTS)
    form = followup_forms.BleedingEventForm(
        request.POST or None, centres=writing_centres(request.user, patient)
    )

    def save(data: dict[str, Any]) -> Any:
        return services.bleeding_event_record(actor=request.user, patient=patient, **data)

    return _form_page(
        request,
        patient,
        form,
        title=_("Nouvel épisode hémorragique"),
        save=save,
        done=_("Saignement enregistré."),
    )


def _treatment_form(request: AuthenticatedRequest, patient: Patient) -> Any:
    return followup_forms.TreatmentForm(
        request.POST or None,
        centres=writing_centres(request.user, patient),
        diagnoses=patient.diagnoses.current().select_related("orpha", "icd10"),
        events=patient.bleeding_events.current(),
        initial={"started_on": timezone.localdate()},
    )


def ask_dose_confirmation(form: Any, error: ValidationError) -> None:
    """Show the confirmation box when the service refused a dose outside the usual range."""
    if services.needs_dose_confirmation(error):
        form.ask_dose_confirmation()


def _asking_dose_confirmation(form: followup_forms.DoseConfirmationMixin, save: Save) -> Save:
    """Show the confirmation box when the service refuses a dose outside the usual range."""

    def saving(data: dict[str, Any]) -> Any:
        try:
            return save(data)
        except ValidationError as error:
            if services.needs_dose_confirmation(error):
                form.ask_dose_confirmation()
            raise

    return saving


@login_required
def treatment_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, public_id, Capability.EDIT_PATIENTS)
    form = _treatment_form(request, patient)

    def save(data: dict[str, Any]) -> Any:
        values = cleaned_without(form, "centre", "atc_code")
        return services.treatment_record(
            actor=request.user,
            patient=patient,
            centre=data["centre"],
            atc_code=data["atc_code"] or None,
            **values,
        )

    return _form_page(
        request,
        patient,
        form,
        title=_("Nouveau traitement"),
        save=_asking_dose_confirmation(form, save),
        done=_("Traitement enregistré."),
        extra={"atc_codes": followup_forms.TreatmentForm.atc_choices()},
    )


@login_required
def treatment_edit_view(
    request: AuthenticatedRequest, public_id: uuid.UUID, treatment_id: uuid.UUID
) -> HttpResponse:
    """The treatment's correction page (the shared mechanism keeps the previous version)."""
    return record_correct_view(request, public_id, "traitement", treatment_id)


@login_required
@require_POST
def treatment_emergency_view(
    request: AuthenticatedRequest, public_id: uuid.UUID, treatment_id: uuid.UUID
) -> HttpResponse:
    """Mark or unmark the patient's usual emergency treatment (the one the care card lists)."""
    patient = get_patient_for_user(request.user, public_id, Capability.EDIT_PATIENTS)
    treatment = get_treatment(patient, treatment_id)
    usual = request.POST.get("usual") == "1"
    try:
        services.treatment_mark_emergency(actor=request.user, treatment=treatment, usual=usual)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Traitement d'urgence habituel validé : il figure sur la carte de soins.")
            if usual
            else _("Traitement retiré de la carte de soins."),
        )
    return redirect("followup:patient", public_id=patient.public_id)


@login_required
def adverse_event_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, public_id, Capability.EDIT_PATIENTS)
    treatments = patient.treatments.current().select_related("atc")
    initial: dict[str, Any] = {}
    if request.GET.get("traitement"):
        initial["treatment"] = get_treatment(patient, request.GET["traitement"])
    form = followup_forms.AdverseEventForm(
        request.POST or None,
        centres=writing_centres(request.user, patient),
        treatments=treatments,
        initial=initial,
    )

    def save(data: dict[str, Any]) -> Any:
        return services.adverse_event_record(actor=request.user, patient=patient, **data)

    return _form_page(
        request,
        patient,
        form,
        title=_("Nouvel événement indésirable"),
        save=save,
        done=_("Événement indésirable enregistré."),
    )
