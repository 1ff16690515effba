"""The dynamic instruction (live table and ranked donors), its saved versions and their PDF."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from filiere.access.transfusion import transfusion_rights
from filiere.core.access_errors import NotVisible
from filiere.core.forms import apply_errors
from filiere.core.http import AuthenticatedRequest
from filiere.patients.models import Patient
from filiere.patients.selectors import get_patient_for_transfusion
from filiere.patients.services import patient_record_viewed
from filiere.transfusion import services
from filiere.transfusion.donor_pool import current_pool
from filiere.transfusion.forms import CrossmatchForm, InstructionParamsForm, InstructionSaveForm
from filiere.transfusion.instructions import InstructionParams, InstructionResult
from filiere.transfusion.instructions import compute_instruction as compute
from filiere.transfusion.models import AntibodyScreen, HlaTyping, TransfusionInstruction
from filiere.transfusion.pdf import instruction_pdf
from filiere.transfusion.selectors import (
    current_instruction,
    get_instruction,
    instruction_review,
    instructions_of,
    is_valid,
    latest_screen,
    latest_typing,
    patient_region,
    profile_of,
)


def _initial(patient: Patient, instruction: TransfusionInstruction | None) -> dict[str, Any]:
    """The settings of the current instruction, if there is one (the page starts from them);
    the patient's ABO group from their transfusion profile when it is recorded."""
    profile = profile_of(patient)
    abo = profile.abo if profile is not None else ""
    if instruction is None:
        return {"patient_abo": abo} if abo else {}
    return {
        "threshold": instruction.threshold,
        "rule": instruction.rule,
        "patient_abo": abo or instruction.patient_abo,
        "negative_for": instruction.negative_for,
    }


def _params(
    data: QueryDict, patient: Patient, current: TransfusionInstruction | None
) -> InstructionParams:
    """The parameters asked for in ``data``, else those of ``current`` (the current one)."""
    if not data:
        initial = _initial(patient, current)
        return InstructionParams(
            threshold=initial.get("threshold", InstructionParams.threshold),
            rule=initial.get("rule", InstructionParams.rule),
            patient_abo=initial.get("patient_abo", ""),
            negative_for=tuple(initial.get("negative_for", ())),
        )
    return InstructionParamsForm(data).params()


def _result(
    request: AuthenticatedRequest,
    patient: Patient,
    params: InstructionParams,
    typing: HlaTyping | None,
    screen: AntibodyScreen | None,
) -> InstructionResult | None:
    if typing is None or screen is None:
        return None
    return compute(
        typing=typing,
        screen=screen,
        params=params,
        region=patient_region(patient, request.user),
        pool=current_pool(),
    )


def _page(
    request: AuthenticatedRequest,
    patient: Patient,
    form: InstructionSaveForm,
    crossmatch_form: CrossmatchForm | None = None,
    *,
    current: TransfusionInstruction | None,
    params: InstructionParams | None = None,
) -> HttpResponse:
    """``current``: the patient's current instruction; ``params`` when the caller has read them."""
    if params is None:
        params = form.params() if form.is_bound else _params(request.GET, patient, current)
    typing, screen = latest_typing(patient), latest_screen(patient)
    return render(
        request,
        "transfusion/instruction.html",
        {
            "patient": patient,
            "form": form,
            "result": _result(request, patient, params, typing, screen),
            "can_sign": transfusion_rights(request.user, patient).sign_instruction,
            "versions": instructions_of(patient)[:10],
            "current_instruction": current,
            "review": instruction_review(current, latest=(screen, typing)) if current else None,
            "crossmatch_form": crossmatch_form or CrossmatchForm(),
            "crossmatches": patient.crossmatches.order_by("-tested_on", "-recorded_at")[:20],
        },
    )


@require_GET
@login_required
def instruction_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """The dynamic instruction: thresholds × eligible donors, and the ranked list at T."""
    patient = get_patient_for_transfusion(request.user, public_id)
    patient_record_viewed(actor=request.user, patient=patient, what="consigne dynamique")
    current = current_instruction(patient)
    params = _params(request.GET, patient, current)  # a link may carry ?threshold=…&rule=…
    form = InstructionSaveForm(
        initial={
            "threshold": params.threshold,
            "rule": params.rule,
            "patient_abo": params.patient_abo,
            "negative_for": list(params.negative_for),
        }
    )
    return _page(request, patient, form, params=params, current=current)


@require_GET
@login_required
def instruction_results_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """The table and the ranked list alone, re-read by htmx when T or the rule changes."""
    patient = get_patient_for_transfusion(request.user, public_id)
    params = _params(request.GET, patient, current_instruction(patient))
    patient_record_viewed(
        actor=request.user,
        patient=patient,
        what=f"consigne dynamique, seuil {params.threshold} MFI, règle {params.rule}",
    )
    return render(
        request,
        "transfusion/partials/instruction_results.html",
        {
            "patient": patient,
            "result": _result(
                request, patient, params, latest_typing(patient), latest_screen(patient)
            ),
        },
    )


@require_POST
@login_required
def instruction_save_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Save the instruction as shown as the patient's next version."""
    patient = get_patient_for_transfusion(request.user, public_id)
    if not transfusion_rights(request.user, patient).sign_instruction:
        raise NotVisible("patients.patient", str(patient.public_id), "signature d'une consigne")
    form = InstructionSaveForm(request.POST)
    if form.is_valid():
        try:
            instruction = services.instruction_save(
                actor=request.user,
                patient=patient,
                params=form.params(),
                valid_until=form.cleaned_data["valid_until"],
                note=form.cleaned_data["note"],
                **form.requirements(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Consigne transfusionnelle enregistrée (version %s).") % instruction.version,
            )
            return redirect(
                "transfusion:instruction_detail",
                public_id=patient.public_id,
                instruction_id=instruction.public_id,
            )
    patient_record_viewed(actor=request.user, patient=patient, what="consigne dynamique")
    return _page(request, patient, form, current=current_instruction(patient))


@require_POST
@login_required
def crossmatch_add_view(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record a crossmatch with one donor, from the instruction page."""
    patient = get_patient_for_transfusion(request.user, public_id)
    form = CrossmatchForm(request.POST)
    if form.is_valid():
        try:
            services.crossmatch_record(actor=request.user, patient=patient, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Crossmatch enregistré."))
            return redirect("transfusion:instruction", public_id=patient.public_id)
    patient_record_viewed(actor=request.user, patient=patient, what="consigne dynamique")
    current = current_instruction(patient)
    form_initial = _initial(patient, current)
    return _page(request, patient, InstructionSaveForm(initial=form_initial), form, current=current)


@require_GET
@login_required
def instruction_detail_view(
    request: AuthenticatedRequest, public_id: uuid.UUID, instruction_id: uuid.UUID
) -> HttpResponse:
    """One saved version, as it was saved (the donor list of that day)."""
    patient = get_patient_for_transfusion(request.user, public_id)
    instruction = get_instruction(patient, instruction_id)
    patient_record_viewed(
        actor=request.user,
        patient=patient,
        what=f"consigne transfusionnelle v{instruction.version}",
    )
    latest = current_instruction(patient)
    is_latest = latest is not None and latest.pk == instruction.pk
    return render(
        request,
        "transfusion/instruction_detail.html",
        {
            "patient": patient,
            "instruction": instruction,
            "is_latest": is_latest,
            "is_valid": is_valid(instruction),
            "review": instruction_review(instruction) if is_latest else None,
        },
    )


@require_GET
@login_required
def instruction_pdf_view(
    request: AuthenticatedRequest, public_id: uuid.UUID, instruction_id: uuid.UUID
) -> HttpResponse:
    patient = get_patient_for_transfusion(request.user, public_id)
    instruction = get_instruction(patient, instruction_id)
    services.instruction_printed(actor=request.user, instruction=instruction)
    response = HttpResponse(instruction_pdf(instruction), content_type="application/pdf")
    name = f"consigne-{patient.pseudonym}-v{instruction.version}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
