"""Pages of a case request: submission, file, attachments, triage, written opinions, follow-up."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.access import Capability, grants_for
from filiere.access.meetings import case_rights
from filiere.accounts.models import User
from filiere.audit.services import audit_list_read
from filiere.core.access_errors import NotVisible
from filiere.core.forms import apply_errors
from filiere.core.http import AuthenticatedRequest
from filiere.core.pagination import page_from_query, page_slice
from filiere.core.submissions import submit_once
from filiere.identity.services import IdentityInput
from filiere.lib.pseudonyms import normalise_pseudonym
from filiere.meetings import forms as meeting_forms
from filiere.meetings import selectors, services
from filiere.meetings.models import (
    CaseRequest,
    Meeting,
    RecommendationFollowUp,
)
from filiere.meetings.views.common import case_summary, flash_refusal
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.patients.selectors import patients_visible_to

PAGE_SIZE = 30
DETAIL_FIELDS = tuple(meeting_forms.CaseDetailsForm.base_fields)


def _details(data: dict[str, Any]) -> services.CaseDetails:
    texts = {
        name: data.get(name) or ""
        for name in DETAIL_FIELDS
        if name not in {"is_urgent", "patient_not_opposed", "bleeding_score", "patient_informed_on"}
    }
    return services.CaseDetails(
        is_urgent=bool(data.get("is_urgent")),
        patient_not_opposed=bool(data.get("patient_not_opposed")),
        bleeding_score=data.get("bleeding_score"),
        patient_informed_on=data.get("patient_informed_on"),
        **texts,
    )


@login_required
def my_cases_view(request: AuthenticatedRequest) -> HttpResponse:
    """The requests the user sent, most recent first."""
    page = page_from_query(request.GET.get("page"))
    rows = list(selectors.my_cases(request.user)[page_slice(page, PAGE_SIZE, one_more=True)])
    audit_list_read(
        actor=request.user,
        object_type="meetings.caserequest",
        what="Mes demandes d'avis RCP",
        count=len(rows[:PAGE_SIZE]),
        query={"page": page},
    )
    return render(
        request,
        "meetings/my_cases.html",
        {
            "cases": rows[:PAGE_SIZE],
            "page_number": page,
            "has_next": len(rows) > PAGE_SIZE,
            "may_submit": selectors.series_open_for_submission(request.user).exists(),
        },
    )


@login_required
def case_create_view(request: AuthenticatedRequest) -> HttpResponse:
    """Ask the RCP about a patient: the registry prefills the clinical file."""
    user = request.user
    series = selectors.series_open_for_submission(user)
    if not series.exists():
        raise NotVisible(reason="demande d'avis RCP")
    centres = Centre.objects.filter(
        pk__in=grants_for(user).centre_ids(Capability.EDIT_PATIENTS)
    ).order_by("name")
    initial: dict[str, Any] = {"pseudonym": request.GET.get("patient", "")[:20]}
    if series.count() == 1:
        initial["series"] = series.first()
    form = meeting_forms.CaseRequestForm(
        request.POST or None, request.FILES or None, series=series, centres=centres, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        patient: Patient | None = None
        new_patient: IdentityInput | None = None
        if data["patient_mode"] == "existing":
            patient = (
                patients_visible_to(user)
                .filter(pseudonym=normalise_pseudonym(data["pseudonym"]))
                .first()
            )
            if patient is None:
                form.add_error("pseudonym", _("Aucun patient de vos centres sous ce pseudonyme."))
        else:
            new_patient = IdentityInput(
                birth_name=data["birth_name"],
                birth_first_names=data["first_given_name"],
                first_given_name=data["first_given_name"],
                birth_date=data["birth_date"],
                sex=data["sex"],
            )
        if not form.errors:

            def save() -> str:
                case = services.case_request_submit(
                    actor=user,
                    series=data["series"],
                    details=_details(data),
                    patient=patient,
                    new_patient=new_patient,
                    centre=data.get("centre"),
                    attachments=[data["attachment"]] if data.get("attachment") else [],
                )
                return reverse("meetings:case_detail", kwargs={"case_id": case.public_id})

            try:
                return submit_once(
                    request, save=save, done=_("Demande envoyée au secrétariat de la RCP.")
                )
            except ValidationError as error:
                apply_errors(form, error)
    return render(request, "meetings/case_form.html", {"form": form, "case": None})


@login_required
def case_detail_view(request: AuthenticatedRequest, case_id: uuid.UUID) -> HttpResponse:
    """The case file: request, registry data, attachments, agenda, opinions, recommendation."""
    user = request.user
    case = selectors.get_case_for_user(user, case_id)
    services.case_viewed(actor=user, case=case)
    rights = case_rights(user, case)
    is_staff = rights.staff
    pending = selectors.pending_agenda_item(case)
    urgent = rights.urgent_item
    may_give_opinion = (
        rights.answer_in_writing
        and urgent is not None
        and not case.opinions.filter(author=user, meeting=urgent.meeting).exists()
    )
    follow_up = RecommendationFollowUp.objects.filter(case=case).first()
    return render(
        request,
        "meetings/case_detail.html",
        {
            "case": case,
            "summary": case_summary(case, pending.meeting.starts_at if pending else timezone.now()),
            "is_staff": is_staff,
            "is_requester": case.requester_id == user.pk,
            "pending": pending,
            "agenda_items": case.agenda_items.select_related("meeting").order_by(
                "meeting__starts_at"
            ),
            "attachments": case.attachments.all(),
            "opinions": selectors.opinions_on(case),
            "recommendations": list(
                case.recommendations.filter(status="signed")
                .select_related("signed_by", "meeting")
                .defer("pdf")
            ),
            "ratifications": selectors.ratifications_of(case),
            "may_copy_for_record": rights.copy_for_record,
            "draft": selectors.draft_of(case) if is_staff else None,
            "gaps": services.completeness_gaps(case)
            if is_staff or case.requester_id == user.pk
            else [],
            "attachment_form": meeting_forms.AttachmentForm(),
            "opinion_form": meeting_forms.ExpertOpinionForm() if may_give_opinion else None,
            "follow_up": follow_up,
            "may_attach": case.status in services.attachments.ATTACHMENT_STATUSES
            and (is_staff or case.requester_id == user.pk),
        },
    )


@login_required
def case_edit_view(request: AuthenticatedRequest, case_id: uuid.UUID) -> HttpResponse:
    """The requester completes or corrects the request (sent again if it was returned)."""
    case = selectors.get_case_for_user(request.user, case_id)
    if case.requester_id != request.user.pk:
        raise NotVisible(
            "meetings.caserequest",
            str(case.public_id),
            "modification réservée",
            patient_id=case.patient.public_id,
        )
    initial = {name: getattr(case, name) for name in DETAIL_FIELDS}
    form = meeting_forms.CaseDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_request_update(
                actor=request.user, case=case, details=_details(form.cleaned_data)
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Demande mise à jour."))
            return redirect("meetings:case_detail", case_id=case.public_id)
    return render(request, "meetings/case_form.html", {"form": form, "case": case})


@require_POST
@login_required
def attachment_upload_view(request: AuthenticatedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = selectors.get_case_for_user(request.user, case_id)
    _require_case_file_right(request.user, case)
    form = meeting_forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choisissez un fichier."))
    else:
        try:
            services.attachment_add(
                actor=request.user,
                case=case,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            flash_refusal(request, error)
        else:
            messages.success(request, _("Pièce jointe ajoutée."))
    return redirect("meetings:case_detail", case_id=case.public_id)


def _require_case_file_right(user: User, case: CaseRequest) -> None:
    """Reading a case does not let one complete it: the refusal is the audited 404."""
    if not case_rights(user, case).complete_file:
        raise NotVisible(
            "meetings.caserequest",
            str(case.public_id),
            "réservé au demandeur et au secrétariat",
            patient_id=case.patient.public_id,
        )


@login_required
def attachment_download_view(
    request: AuthenticatedRequest, case_id: uuid.UUID, attachment_id: uuid.UUID
) -> FileResponse:
    """Serve an attachment after checking the case's visibility; the read is audited."""
    case = selectors.get_case_for_user(request.user, case_id)
    attachment = case.attachments.filter(public_id=attachment_id).first()
    if attachment is None:
        raise NotVisible("meetings.caseattachment", str(attachment_id))
    services.attachment_downloaded(actor=request.user, attachment=attachment)
    response = FileResponse(
        services.attachment_path(attachment).open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.original_name,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def case_triage_view(request: AuthenticatedRequest, case_id: uuid.UUID) -> HttpResponse:
    """The coordinator's decision: onto an agenda (ordinary or a new urgent meeting), back to
    the requester for completion, or not retained. The completeness check comes first."""
    case = selectors.get_case_for_staff(request.user, case_id)
    meetings = case.series.meetings.filter(
        status__in=[Meeting.Status.PLANNED, Meeting.Status.OPEN]
    ).order_by("starts_at")
    form = meeting_forms.TriageForm(
        request.POST or None,
        meetings=meetings,
        initial={"decision": "urgent" if case.is_urgent else "accept"},
    )
    gaps = services.completeness_gaps(case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        day = timezone.localdate()
        try:
            if data["decision"] == "accept":
                meeting = data["meeting"]
                start = None
                if data["slot_time"]:
                    day = timezone.localtime(meeting.starts_at).date()
                    start = meeting_forms.local_datetime(day, data["slot_time"])
                services.case_accept(
                    actor=request.user,
                    case=case,
                    meeting=meeting,
                    slot_start=start,
                    slot_minutes=data["slot_minutes"],
                )
            elif data["decision"] == "urgent":
                services.case_accept_urgent(
                    actor=request.user,
                    case=case,
                    starts_at=meeting_forms.local_datetime(data["urgent_day"], data["urgent_time"]),
                )
            elif data["decision"] == "return":
                services.case_return(actor=request.user, case=case, note=data["note"])
            else:
                services.case_decline(actor=request.user, case=case, note=data["note"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Décision enregistrée ; le demandeur est prévenu."))
            return redirect("meetings:series_detail", series_id=case.series.public_id)
    return render(
        request,
        "meetings/triage.html",
        {
            "case": case,
            "summary": case_summary(case, timezone.now()),
            "form": form,
            "gaps": gaps,
            "pending": selectors.pending_agenda_item(case),
        },
    )


@require_POST
@login_required
def snapshot_refresh_view(request: AuthenticatedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = selectors.get_case_for_user(request.user, case_id)
    _require_case_file_right(request.user, case)
    try:
        services.case_snapshot_refresh(actor=request.user, case=case)
    except ValidationError as error:
        flash_refusal(request, error)
    else:
        messages.success(request, _("Dossier clinique relu dans le registre."))
    return redirect("meetings:case_detail", case_id=case.public_id)


@require_POST
@login_required
def expert_opinion_view(request: AuthenticatedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = selectors.get_case_for_user(request.user, case_id)
    if not case_rights(request.user, case).reach_written_opinion:
        raise NotVisible(
            "meetings.caserequest",
            str(case.public_id),
            "avis écrit réservé aux participants de la RCP urgente",
            patient_id=case.patient.public_id,
        )
    form = meeting_forms.ExpertOpinionForm(request.POST)
    if form.is_valid():
        try:
            services.expert_opinion_record(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            flash_refusal(request, error)
        else:
            messages.success(request, _("Avis écrit enregistré."))
    else:
        messages.error(request, _("Choisissez une position et rédigez votre avis."))
    return redirect("meetings:case_detail", case_id=case.public_id)


@login_required
def follow_up_view(request: AuthenticatedRequest, case_id: uuid.UUID) -> HttpResponse:
    """Three months on: was the proposal applied, and if not, why."""
    case = selectors.get_case_for_user(request.user, case_id)
    if case.requester_id != request.user.pk:
        raise NotVisible(
            "meetings.caserequest",
            str(case.public_id),
            "suivi réservé au demandeur",
            patient_id=case.patient.public_id,
        )
    follow_up = RecommendationFollowUp.objects.filter(case=case).first()
    initial = (
        {"applied": follow_up.applied, "reason": follow_up.reason, "comment": follow_up.comment}
        if follow_up
        else {}
    )
    form = meeting_forms.FollowUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_answer(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Merci : le suivi de l'avis est enregistré."))
            return redirect("meetings:case_detail", case_id=case.public_id)
    return render(
        request,
        "meetings/follow_up.html",
        {"case": case, "form": form, "follow_up": follow_up},
    )
