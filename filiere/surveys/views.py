"""Pages of the members' surveys: the network coordinator's, and the respondent's (by link)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from filiere.access.surveys import may_run_surveys
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.access_errors import NotVisible
from filiere.core.forms import apply_errors, flash_errors
from filiere.core.http import AuthenticatedRequest
from filiere.lib.csvsafe import write_csv
from filiere.surveys import services
from filiere.surveys.forms import AnswerForm, InviteForm, SurveyForm
from filiere.surveys.models import RankedList, Survey
from filiere.surveys.selectors import survey_results, surveys_with_counts

F = TypeVar("F", bound=Callable[..., HttpResponse])


def coordinator_only(view: F) -> F:
    """The network coordinator's pages: anyone else gets 404 (recorded)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_run_surveys(request.user):
            raise NotVisible(reason=f"enquêtes (coordination du réseau) : {request.path}")
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def _survey(survey_id: uuid.UUID) -> Survey:
    survey = Survey.objects.filter(public_id=survey_id).first()
    if survey is None:
        raise NotVisible("surveys.survey", str(survey_id), "enquête inconnue")
    return survey


@coordinator_only
def survey_list_view(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "surveys/list.html", {"surveys": surveys_with_counts()})


@coordinator_only
def survey_create_view(request: AuthenticatedRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.survey_create(
                actor=request.user,
                title=data["title"],
                introduction=data["introduction"],
                lists=form.lists(),
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
            )
        except ValidationError as error:
            apply_errors(form, error, aliases=form.aliases())
        else:
            messages.success(request, _("Enquête créée (brouillon)."))
            return redirect("surveys:detail", survey_id=survey.public_id)
    return render(request, "surveys/create.html", {"form": form})


@coordinator_only
def survey_detail_view(request: AuthenticatedRequest, survey_id: uuid.UUID) -> HttpResponse:
    survey = _survey(survey_id)
    return render(
        request,
        "surveys/detail.html",
        {
            "survey": survey,
            "lists": RankedList.objects.filter(survey=survey).prefetch_related("items"),
            "results": survey_results(survey),
        },
    )


@require_POST
@coordinator_only
def survey_status_view(request: AuthenticatedRequest, survey_id: uuid.UUID) -> HttpResponse:
    survey = _survey(survey_id)
    action = request.POST.get("action")
    try:
        if action == "open":
            services.survey_open(actor=request.user, survey=survey)
            messages.success(request, _("Enquête ouverte : invitez maintenant les membres."))
        elif action == "close":
            services.survey_close(actor=request.user, survey=survey)
            messages.success(request, _("Enquête close : les liens ne reçoivent plus de réponse."))
        else:
            messages.error(request, _("Action : choisissez « ouvrir » ou « clore »."))
    except ValidationError as error:
        flash_errors(request, error)
    return redirect("surveys:detail", survey_id=survey.public_id)


@coordinator_only
def survey_invite_view(request: AuthenticatedRequest, survey_id: uuid.UUID) -> HttpResponse:
    survey = _survey(survey_id)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = len(
                services.survey_invite(
                    actor=request.user, survey=survey, centres=form.chosen_centres()
                )
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(n)d invitation(s) envoyée(s).") % {"n": count})
            return redirect("surveys:detail", survey_id=survey.public_id)
    return render(request, "surveys/invite.html", {"survey": survey, "form": form})


@coordinator_only
def survey_results_view(request: AuthenticatedRequest, survey_id: uuid.UUID) -> HttpResponse:
    survey = _survey(survey_id)
    results = survey_results(survey)
    charts = (
        [
            {
                "id": f"chart-{index}",
                "title": ranked.title,
                "labels": [item.label for item in ranked.items],
                "values": [item.borda for item in ranked.items],
            }
            for index, ranked in enumerate(results.lists)
        ]
        if results.shown
        else []
    )
    return render(
        request,
        "surveys/results.html",
        {"survey": survey, "results": results, "charts": charts},
    )


@coordinator_only
def survey_results_csv_view(request: AuthenticatedRequest, survey_id: uuid.UUID) -> HttpResponse:
    survey = _survey(survey_id)
    results = survey_results(survey)
    rows: list[list[object]] = []
    if results.shown:
        rows = [
            [ranked.title, item.label, item.mean_rank, item.borda, results.answers]
            for ranked in results.lists
            for item in ranked.items
        ]
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        obj=survey,
        summary=_("Résultats de l'enquête « %(title)s » (CSV)") % {"title": survey.title},
    )
    header = [_("Liste"), _("Élément"), _("Rang moyen"), _("Score de Borda"), _("Réponses")]
    response = HttpResponse(write_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="enquete-{survey.public_id}.csv"'
    return response


@never_cache
def respond_view(request: HttpRequest, token: str) -> HttpResponse:
    """Open to whoever holds the personal link: the token is the credential."""
    invitation = services.invitation_for_token(token)
    refusal = services.answer_refusal(invitation)
    if refusal is not None or invitation is None:
        status = 404 if invitation is None else 200
        return render(request, "surveys/respond_closed.html", {"reason": refusal}, status=status)
    survey = invitation.survey
    lists = list(RankedList.objects.filter(survey=survey).prefetch_related("items"))
    form = AnswerForm(request.POST or None, lists=lists)
    list_errors: dict[str, list[str]] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(token=token, ranks=form.ranks())
        except services.AnswerRefused as error:
            return render(request, "surveys/respond_closed.html", {"reason": error.messages[0]})
        except ValidationError as error:
            for key, found in error.message_dict.items():
                if key.startswith("list_"):
                    list_errors[key] = found
                else:
                    form.add_error(None, found)
        else:
            return render(request, "surveys/respond_done.html", {"survey": survey})
    groups = form.groups()
    for group in groups:
        group["errors"] = list_errors.get(group["key"], [])
    return render(
        request,
        "surveys/respond.html",
        {"survey": survey, "form": form, "groups": groups, "has_errors": bool(list_errors)},
    )
