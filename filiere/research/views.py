"""The research extracts' pages: the list, the request form, a request's page with the
approver's decision and the requester's one download."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.access import Capability
from filiere.access.research import may_approve_research, may_request_research, research_rights
from filiere.core.access_errors import NotVisible, capability_required
from filiere.core.forms import apply_errors, flash_errors
from filiere.core.http import AuthenticatedRequest
from filiere.core.submissions import submit_once
from filiere.research.forms import DecisionForm, ResearchRequestForm
from filiere.research.models import ResearchRequest
from filiere.research.selectors import get_request_for_user, production_job, requests_visible_to
from filiere.research.services import (
    research_extract_download,
    research_request_approve,
    research_request_refuse,
    research_request_submit,
)


@login_required
def request_list_view(request: AuthenticatedRequest) -> HttpResponse:
    """A requester's own requests; every request for an approver, those to decide first."""
    may_request = may_request_research(request.user)
    if not may_request and not may_approve_research(request.user):
        raise NotVisible(reason=f"extractions pour la recherche : {request.path}")
    return render(
        request,
        "research/list.html",
        {"requests": list(requests_visible_to(request.user)[:200]), "may_request": may_request},
    )


@capability_required(Capability.REQUEST_RESEARCH_EXTRACT)
def request_create_view(request: AuthenticatedRequest) -> HttpResponse:
    form = ResearchRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save() -> str:
            created = research_request_submit(
                actor=request.user,
                protocol_title=data["protocol_title"],
                protocol_summary=data["protocol_summary"],
                ethics_reference=data["ethics_reference"],
                variables=data["variables"],
                disease_group=data["disease_group"],
                orpha_codes=data["orpha_codes"],
            )
            return reverse("research:detail", kwargs={"request_id": created.public_id})

        try:
            return submit_once(request, save=save, done=_("Demande d'extraction déposée."))
        except ValidationError as error:
            apply_errors(form, error)
    return render(request, "research/request_form.html", {"form": form})


def _detail(
    request: AuthenticatedRequest, research: ResearchRequest, form: DecisionForm | None = None
) -> HttpResponse:
    rights = research_rights(request.user, research)
    submitted = research.status == ResearchRequest.Status.SUBMITTED
    return render(
        request,
        "research/detail.html",
        {
            "research": research,
            # A refused decision shows its form again with the reason, whatever the state.
            "decision_form": form
            if form is not None
            else (DecisionForm() if rights.decide and submitted else None),
            "may_download": rights.download and research.status == ResearchRequest.Status.PRODUCED,
            "production": production_job(research)
            if research.status == ResearchRequest.Status.APPROVED
            else None,
        },
    )


@login_required
def request_detail_view(request: AuthenticatedRequest, request_id: uuid.UUID) -> HttpResponse:
    return _detail(request, get_request_for_user(request.user, request_id))


@login_required
@require_POST
def request_decide_view(request: AuthenticatedRequest, request_id: uuid.UUID) -> HttpResponse:
    """The approver approves (the worker produces the extract) or refuses with a reason."""
    research = get_request_for_user(request.user, request_id)
    if not research_rights(request.user, research).decide:
        raise NotVisible("research.researchrequest", str(research.public_id), "non approbateur")
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == DecisionForm.APPROVE:
                research_request_approve(
                    actor=request.user, request=research, note=form.cleaned_data["note"]
                )
                messages.success(
                    request,
                    _(
                        "Demande approuvée : l'extraction est en préparation ; son demandeur "
                        "reçoit un e-mail dès qu'elle est prête."
                    ),
                )
            else:
                research_request_refuse(
                    actor=request.user, request=research, note=form.cleaned_data["note"]
                )
                messages.success(request, _("Demande refusée."))
            return redirect("research:detail", request_id=research.public_id)
        except ValidationError as error:
            apply_errors(form, error)
    return _detail(request, research, form)


@login_required
@require_POST
def extract_download_view(request: AuthenticatedRequest, request_id: uuid.UUID) -> HttpResponse:
    """The extract, to its requester, once; audited as an export."""
    research = get_request_for_user(request.user, request_id)
    if not research_rights(request.user, research).download:
        raise NotVisible("research.researchrequest", str(research.public_id), "non demandeur")
    try:
        content = research_extract_download(actor=request.user, request=research)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect("research:detail", request_id=research.public_id)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{research.file_name}"'
    return response
