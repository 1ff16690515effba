"""The recommendation (avis): drafting in session, signing under quorum, corrections, PDF."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.access.meetings import case_rights
from filiere.core.access_errors import NotVisible
from filiere.core.forms import apply_errors
from filiere.core.http import AuthenticatedRequest
from filiere.meetings import forms as meeting_forms
from filiere.meetings import selectors, services
from filiere.meetings.models import AgendaItem, CaseRequest, Ratification, Recommendation
from filiere.meetings.pdf import ratification_filename, recommendation_filename
from filiere.meetings.services.recommendations import CONTENT_FIELDS
from filiere.meetings.views.common import case_summary, flash_refusal
from filiere.patients.selectors import identity_of


def _state(case: CaseRequest) -> dict[str, Any]:
    """Which version the page writes: the draft, or a new one when the case is presented again."""
    draft = selectors.draft_of(case)
    signed = selectors.latest_signed(case)
    pending = selectors.pending_agenda_item(case)
    # A case back on an agenda after a signed recommendation (quorum override, not ratified)
    # gets a new version written at that meeting; otherwise a signed text stays as it is.
    representing = (
        draft is None
        and signed is not None
        and pending is not None
        and pending.purpose != AgendaItem.Purpose.RATIFICATION
    )
    return {
        "draft": draft,
        "signed": signed,
        "pending": pending,
        "editable": draft is not None or (pending is not None and (signed is None or representing)),
        "target": draft or (None if signed is None or representing else signed),
    }


def _page(
    request: AuthenticatedRequest,
    case: CaseRequest,
    form: meeting_forms.RecommendationForm,
    sign_form: meeting_forms.SignForm,
    *,
    preview: Recommendation | None = None,
    prefill_conflict: dict[str, Any] | None = None,
) -> HttpResponse:
    state = _state(case)
    draft, pending = state["draft"], state["pending"]
    services.case_viewed(actor=request.user, case=case, what="rédaction de l'avis")
    meeting = draft.meeting if draft else (pending.meeting if pending else None)
    quorum = None
    if meeting is not None:
        result, _attendees = selectors.quorum_for_case(meeting, case, timezone.now())
        quorum = selectors.quorum_display(result)
    return render(
        request,
        "meetings/recommendation.html",
        {
            "case": case,
            "summary": case_summary(case, meeting.starts_at if meeting else timezone.now()),
            "form": form,
            "draft": draft,
            "signed": state["signed"],
            "meeting": meeting,
            "quorum": quorum,
            "opinions": selectors.opinions_on(case),
            "sign_form": sign_form,
            "correction_form": meeting_forms.CorrectionForm(),
            "is_coordinator": case_rights(request.user, case).coordinate,
            "editable": state["editable"],
            "preview": preview,
            "avis_templates": services.templates_for(case) if state["editable"] else [],
            "earlier": services.earlier_signed_avis(case) if state["editable"] else None,
            "prefill_conflict": prefill_conflict,
        },
    )


@login_required
def recommendation_edit_view(request: AuthenticatedRequest, case_id: uuid.UUID) -> HttpResponse:
    """Write the structured recommendation during the session (one form: save or sign)."""
    case = selectors.get_case_for_staff(request.user, case_id)
    state = _state(case)
    shown = state["draft"] or state["signed"]
    initial = {name: getattr(shown, name) for name in CONTENT_FIELDS} if shown else {}
    if shown is None:
        initial["question_answered"] = case.question
    if (
        case.off_label_drug
        and not initial.get("off_label_drug")
        and (shown is None or shown.status == Recommendation.Status.DRAFT)
    ):
        # The drug the requester named is the off-label block's starting point (editable).
        initial["off_label_drug"] = case.off_label_drug
    if request.method == "POST" and request.POST.get("prefill"):
        return _prefill(request, case, request.POST["prefill"])
    form = meeting_forms.RecommendationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_save(
                actor=request.user,
                case=case,
                values=form.cleaned_data,
                recommendation=state["target"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Avis enregistré (brouillon)."))
            return redirect("meetings:recommendation_edit", case_id=case.public_id)
    return _page(request, case, form, meeting_forms.SignForm())


def _show_refusal(
    form: meeting_forms.RecommendationForm,
    sign_form: meeting_forms.SignForm,
    error: ValidationError,
) -> None:
    """Put each reason beside its field: the override reason on the signature's part."""
    if hasattr(error, "error_dict") and "override_reason" in error.error_dict:
        sign_form.add_error("override_reason", error.message_dict.pop("override_reason"))
        rest = {k: v for k, v in error.message_dict.items() if k != "override_reason"}
        if rest:
            apply_errors(form, ValidationError(rest))
        return
    apply_errors(form, error)


@require_POST
@login_required
def recommendation_sign_view(request: AuthenticatedRequest, case_id: uuid.UUID) -> HttpResponse:
    """Sign what is on screen, in two steps: the text is saved and shown as it will appear
    (step "preview"); the confirmation saves it again and signs it in one transaction (step
    "confirm"). A refusal shows the form again with the text as typed and the reason."""
    case = selectors.get_case_for_coordinator(request.user, case_id)
    step = request.POST.get("step", "")
    form = meeting_forms.RecommendationForm(request.POST)
    sign_form = meeting_forms.SignForm(request.POST)
    if step not in ("preview", "confirm"):
        messages.error(request, _("Signez l'avis depuis son formulaire."))
        return redirect("meetings:recommendation_edit", case_id=case.public_id)
    if not (form.is_valid() and sign_form.is_valid()):
        return _page(request, case, form, sign_form)
    target = _state(case)["target"]
    try:
        if step == "preview":
            draft = services.recommendation_save(
                actor=request.user, case=case, values=form.cleaned_data, recommendation=target
            )
            return _page(request, case, form, sign_form, preview=draft)
        services.recommendation_sign_as_shown(
            actor=request.user,
            case=case,
            values=form.cleaned_data,
            recommendation=target,
            override_reason=sign_form.cleaned_data["override_reason"],
        )
    except ValidationError as error:
        _show_refusal(form, sign_form, error)
        return _page(request, case, form, sign_form)
    messages.success(
        request, _("Avis signé : PDF produit, envoyé au demandeur, classé au dossier.")
    )
    return redirect("meetings:recommendation_edit", case_id=case.public_id)


@require_POST
@login_required
def recommendation_correct_view(request: AuthenticatedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = selectors.get_case_for_coordinator(request.user, case_id)
    signed = selectors.latest_signed(case)
    form = meeting_forms.CorrectionForm(request.POST)
    if signed is None:
        messages.error(request, _("Aucun avis signé à corriger."))
    elif not form.is_valid():
        messages.error(request, _("Indiquez le motif de la correction."))
    else:
        try:
            services.recommendation_correct(
                actor=request.user, recommendation=signed, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            flash_refusal(request, error)
        else:
            messages.success(request, _("Nouvelle version en rédaction ; la version signée reste."))
    return redirect("meetings:recommendation_edit", case_id=case.public_id)


def _signed_version(
    case: CaseRequest, recommendation_id: uuid.UUID, *fields: str
) -> Recommendation:
    recommendation = (
        case.recommendations.filter(
            public_id=recommendation_id, status=Recommendation.Status.SIGNED
        )
        .select_related("meeting")
        .only("public_id", "version", "case_id", "meeting__starts_at", *fields)
        .first()
    )
    if recommendation is None:
        raise NotVisible("meetings.recommendation", str(recommendation_id))
    recommendation.case = case
    return recommendation


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def recommendation_pdf_view(
    request: AuthenticatedRequest, case_id: uuid.UUID, recommendation_id: uuid.UUID
) -> HttpResponse:
    """The signed recommendation as kept at signing (never regenerated)."""
    case = selectors.get_case_for_user(request.user, case_id)
    recommendation = _signed_version(case, recommendation_id, "pdf")
    if recommendation.pdf is None:
        raise NotVisible("meetings.recommendation", str(recommendation_id))
    services.recommendation_downloaded(actor=request.user, recommendation=recommendation)
    return _pdf_response(bytes(recommendation.pdf), recommendation_filename(recommendation))


@login_required
def recommendation_record_copy_view(
    request: AuthenticatedRequest, case_id: uuid.UUID, recommendation_id: uuid.UUID
) -> HttpResponse:
    """The requesting team's copy of a signed version for the patient's hospital record, with
    the identity traits: for those who may see the patient's identity (the treating team), as
    on the identity page; anyone else gets the usual recorded 404."""
    case = selectors.get_case_for_user(request.user, case_id)
    if not case_rights(request.user, case).copy_for_record:
        raise NotVisible("meetings.recommendation", str(recommendation_id), "identité")
    identity = identity_of(case.patient)
    if identity is None:
        raise NotVisible("meetings.recommendation", str(recommendation_id), "sans identité")
    recommendation = (
        case.recommendations.filter(
            public_id=recommendation_id, status=Recommendation.Status.SIGNED
        )
        .select_related("meeting__series__centre", "signed_by", "supersedes")
        .defer("pdf")
        .first()
    )
    if recommendation is None:
        raise NotVisible("meetings.recommendation", str(recommendation_id))
    recommendation.case = case
    content = services.recommendation_record_copy(
        actor=request.user, recommendation=recommendation, identity=identity
    )
    return _pdf_response(content, recommendation_filename(recommendation, "copie-dossier"))


@login_required
def ratification_pdf_view(
    request: AuthenticatedRequest, case_id: uuid.UUID, ratification_id: uuid.UUID
) -> HttpResponse:
    """The ratification document (or « non ratifié ») as kept when it was signed."""
    case = selectors.get_case_for_user(request.user, case_id)
    ratification = (
        Ratification.objects.filter(public_id=ratification_id, recommendation__case=case)
        .select_related("recommendation__meeting")
        .first()
    )
    if ratification is None:
        raise NotVisible("meetings.ratification", str(ratification_id))
    ratification.recommendation.case = case
    services.ratification_downloaded(actor=request.user, ratification=ratification)
    return _pdf_response(bytes(ratification.pdf), ratification_filename(ratification))


# --- Starting from a template or an earlier avis ----------------------------------------


def _prefill_source(
    request: AuthenticatedRequest, case: CaseRequest, key: str
) -> tuple[str, dict[str, Any]] | None:
    """What the chosen source would put in the form: its description and its values."""
    if key.startswith("template:"):
        template = next(
            (t for t in services.templates_for(case) if str(t.public_id) == key[9:]), None
        )
        if template is None:
            return None
        return _("le modèle « %s »") % template.title, template.filled_fields()
    if key == "earlier":
        earlier = services.earlier_signed_avis(case)
        if earlier is None:
            return None
        services.earlier_avis_reused(actor=request.user, case=case, earlier=earlier)
        values = {name: getattr(earlier, name) for name in CONTENT_FIELDS}
        values.pop("question_answered")
        label = _("l'avis signé le %(day)s (version %(v)d)") % {
            "day": f"{timezone.localtime(earlier.signed_at):%d/%m/%Y}",
            "v": earlier.version,
        }
        return label, values
    return None


def _prefill(request: AuthenticatedRequest, case: CaseRequest, choice: str) -> HttpResponse:
    """Fill the form with a template's or an earlier avis' text, keeping what is on screen: a
    field already typed is replaced only once the replacement is confirmed. Nothing is saved."""
    confirmed = choice.startswith("confirm:")
    key = choice.removeprefix("confirm:")
    source = _prefill_source(request, case, key)
    data = request.POST.copy()
    data.pop("prefill", None)
    if source is None:
        messages.error(request, _("Ce texte n'est plus disponible."))
        return _page(
            request, case, meeting_forms.RecommendationForm(data), meeting_forms.SignForm()
        )
    label, values = source
    form = meeting_forms.RecommendationForm(data)
    typed = {
        name: data.get(name, "").strip()
        for name, value in values.items()
        if isinstance(value, str) and value and data.get(name, "").strip()
    }
    overwritten = [
        str(form.fields[name].label) for name, text in typed.items() if text != values[name].strip()
    ]
    if overwritten and not confirmed:
        conflict = {"key": key, "source": label, "fields": overwritten}
        return _page(request, case, form, meeting_forms.SignForm(), prefill_conflict=conflict)
    for name, value in values.items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            else:
                data.pop(name, None)
        elif value:
            data[name] = value
    messages.info(
        request, _("Texte repris de %s : relisez-le puis enregistrez le brouillon.") % label
    )
    return _page(request, case, meeting_forms.RecommendationForm(data), meeting_forms.SignForm())
