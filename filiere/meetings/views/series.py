"""The module's home, the RCP calendar, and the pages of a series (settings, staff, invitations)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.access import Capability, grants_for
from filiere.access.meetings import meetings_open_for_registration, series_rights
from filiere.accounts.models import User
from filiere.core.access_errors import NotVisible
from filiere.core.forms import apply_errors
from filiere.core.http import AuthenticatedRequest
from filiere.meetings import forms as meeting_forms
from filiere.meetings import selectors, services, yearly
from filiere.meetings.models import (
    CaseRequest,
    Meeting,
    MeetingSeries,
    RecommendationFollowUp,
    RecommendationTemplate,
    SeriesMember,
)
from filiere.meetings.models.avis_templates import TEMPLATE_FIELDS
from filiere.meetings.views.common import flash_refusal
from filiere.network.models import Centre


@login_required
def index_view(request: AuthenticatedRequest) -> HttpResponse:
    """The user's RCP desk: meetings ahead, series they run, their requests, follow-ups due."""
    user = request.user
    meetings = list(
        selectors.meetings_visible_to(user)
        .filter(status__in=[Meeting.Status.PLANNED, Meeting.Status.OPEN])
        .select_related("series")
        .order_by("starts_at")[:20]
    )
    managed = list(
        selectors.series_managed_by(user)
        .select_related("centre")
        .annotate(
            waiting=Count(
                "cases",
                filter=Q(cases__status__in=[CaseRequest.Status.SUBMITTED]),
            )
        )
    )
    follow_ups = list(
        RecommendationFollowUp.objects.filter(
            case__requester=user, answered_at__isnull=True, reminded_at__isnull=False
        ).select_related("case__patient")
    )
    return render(
        request,
        "meetings/index.html",
        {
            "meetings": meetings,
            "managed": managed,
            "member_of": selectors.series_visible_to(user).exclude(pk__in=[s.pk for s in managed]),
            "recent_cases": list(selectors.my_cases(user)[:5]),
            "follow_ups": follow_ups,
            "may_submit": selectors.series_open_for_submission(user).exists(),
            "may_create_series": grants_for(user).has(Capability.MANAGE_MEETINGS),
            "may_see_statistics": selectors.series_statistics_visible_to(user).exists(),
        },
    )


@login_required
def calendar_view(request: AuthenticatedRequest) -> HttpResponse:
    """The network's RCP calendar: upcoming meetings of every active series."""
    user = request.user
    if not selectors.series_open_for_submission(user).exists() and not grants_for(user).has(
        Capability.MANAGE_MEETINGS
    ):
        raise NotVisible(reason="calendrier des RCP")
    meetings = list(selectors.upcoming_meetings()[:50])
    registered = set(
        selectors.meetings_visible_to(user)
        .filter(pk__in=[m.pk for m in meetings])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "meetings/calendar.html",
        {
            "meetings": meetings,
            "registered": registered,
            "open_to_me": meetings_open_for_registration(user, meetings),
        },
    )


@login_required
def series_create_view(request: AuthenticatedRequest) -> HttpResponse:
    centres = Centre.objects.filter(
        pk__in=grants_for(request.user).centre_ids(Capability.MANAGE_MEETINGS)
    ).order_by("name")
    if not centres.exists():
        raise NotVisible(reason="création d'une RCP")
    form = meeting_forms.SeriesCreateForm(request.POST or None, centres=centres)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        centre = data.pop("centre")
        try:
            series = services.series_create(actor=request.user, centre=centre, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("RCP créée : vous en êtes le coordonnateur."))
            return redirect("meetings:series_detail", series_id=series.public_id)
    return render(request, "meetings/series_form.html", {"form": form, "series": None})


@login_required
def series_detail_view(request: AuthenticatedRequest, series_id: uuid.UUID) -> HttpResponse:
    """A series: its quorum rule, staff and members, meetings, and (for its staff) the requests
    waiting for triage."""
    series = selectors.get_series_for_user(request.user, series_id)
    rights = series_rights(request.user, series)
    is_staff = rights.staff
    meetings = list(series.meetings.order_by("-starts_at")[:30])
    queue = list(selectors.triage_queue(series)) if is_staff else []
    return render(
        request,
        "meetings/series_detail.html",
        {
            "series": series,
            "is_staff": is_staff,
            "is_coordinator": rights.coordinate,
            "members": series.members.select_related("user").order_by("role", "user__last_name"),
            "meetings": meetings,
            "queue": queue,
            "member_form": meeting_forms.MemberAddForm(),
            "avis_templates": list(
                series.recommendation_templates.filter(is_active=True).order_by(
                    "question_type", "title"
                )
            )
            if is_staff
            else [],
        },
    )


@login_required
def series_edit_view(request: AuthenticatedRequest, series_id: uuid.UUID) -> HttpResponse:
    series = selectors.get_series_for_coordinator(request.user, series_id)
    initial = {name: getattr(series, name) for name in meeting_forms.SeriesForm.base_fields}
    form = meeting_forms.SeriesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.series_update(actor=request.user, series=series, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("RCP enregistrée."))
            return redirect("meetings:series_detail", series_id=series.public_id)
    return render(request, "meetings/series_form.html", {"form": form, "series": series})


@require_POST
@login_required
def member_add_view(request: AuthenticatedRequest, series_id: uuid.UUID) -> HttpResponse:
    series = selectors.get_series_for_coordinator(request.user, series_id)
    form = meeting_forms.MemberAddForm(request.POST)
    if form.is_valid():
        user = User.objects.filter(email=form.cleaned_data["email"].lower(), is_active=True).first()
        if user is None:
            messages.error(
                request, _("Aucun compte actif avec cette adresse : invitez ce médecin.")
            )
        else:
            try:
                services.series_member_add(
                    actor=request.user, series=series, user=user, role=form.cleaned_data["role"]
                )
            except ValidationError as error:
                flash_refusal(request, error)
            else:
                messages.success(request, _("%s ajouté(e).") % user.display_name)
    return redirect("meetings:series_detail", series_id=series.public_id)


@require_POST
@login_required
def member_remove_view(
    request: AuthenticatedRequest, series_id: uuid.UUID, member_id: uuid.UUID
) -> HttpResponse:
    series = selectors.get_series_for_coordinator(request.user, series_id)
    member = SeriesMember.objects.filter(series=series, public_id=member_id).first()
    if member is None:
        raise NotVisible("meetings.seriesmember", str(member_id))
    try:
        services.series_member_remove(actor=request.user, member=member)
    except ValidationError as error:
        flash_refusal(request, error)
    return redirect("meetings:series_detail", series_id=series.public_id)


@login_required
def invite_view(request: AuthenticatedRequest, series_id: uuid.UUID) -> HttpResponse:
    """Invite a physician from outside the network (limited account, by e-mail link)."""
    series = selectors.get_series_for_staff(request.user, series_id)
    meetings = series.meetings.filter(status__in=[Meeting.Status.PLANNED, Meeting.Status.OPEN])
    form = meeting_forms.InvitationForm(request.POST or None, meetings=meetings)
    if request.method == "POST" and form.is_valid():
        try:
            services.external_physician_invite(
                actor=request.user, series=series, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Invitation envoyée par e-mail."))
            return redirect("meetings:series_detail", series_id=series.public_id)
    return render(request, "meetings/invite.html", {"form": form, "series": series})


# --- Yearly calendar and avis templates (coordinator) -----------------------------------


def _calendar_days(form: meeting_forms.SeriesCalendarForm) -> list[dt.date] | None:
    """The dates the form asks for, or None with the error on the field."""
    data = form.cleaned_data
    if data["mode"] == form.Mode.LIST:
        try:
            return yearly.parse_date_list(data["dates"], data["year"])
        except yearly.DateListError as error:
            form.add_error("dates", str(error))
            return None
    days = yearly.dates_by_rule(data["year"], data["months"], data["weekday"], data["rank"])
    if not days:
        form.add_error("rank", _("Cette règle ne donne aucune date cette année."))
        return None
    return days


@login_required
def series_calendar_view(request: AuthenticatedRequest, series_id: uuid.UUID) -> HttpResponse:
    """« Créer le calendrier de l'année »: a rule or a list of dates, a preview with weekends,
    public holidays and dates already taken flagged, then every meeting created at once."""
    series = selectors.get_series_for_coordinator(request.user, series_id)
    step = request.POST.get("step", "")
    form = meeting_forms.SeriesCalendarForm(
        request.POST or None,
        initial={"year": timezone.localdate().year + 1, "mode": "rule"},
    )
    preview: list[yearly.CalendarDate] = []
    if request.method == "POST" and form.is_valid():
        days = _calendar_days(form)
        if days is not None:
            preview = services.series_calendar_preview(series=series, days=days)
            if step == "create":
                try:
                    created = services.series_calendar_create(
                        actor=request.user,
                        series=series,
                        days=days,
                        confirm_non_working=form.cleaned_data["confirm_non_working"],
                    )
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    messages.success(
                        request,
                        _("Calendrier créé : %(n)d réunion(s) planifiée(s), invitations envoyées.")
                        % {"n": len(created)},
                    )
                    return redirect("meetings:series_detail", series_id=series.public_id)
    context: dict[str, Any] = {
        "series": series,
        "form": form,
        "preview": preview,
        "to_create": [d for d in preview if not d.existing and not d.past],
        "non_working": [d for d in preview if d.non_working and not d.existing],
    }
    return render(request, "meetings/series_calendar.html", context)


def _template_values(form: meeting_forms.RecommendationTemplateForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in ("question_type", "title", *TEMPLATE_FIELDS)}


@login_required
def avis_template_create_view(request: AuthenticatedRequest, series_id: uuid.UUID) -> HttpResponse:
    series = selectors.get_series_for_coordinator(request.user, series_id)
    form = meeting_forms.RecommendationTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_template_create(
                actor=request.user, series=series, **_template_values(form)
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Modèle d'avis enregistré."))
            return redirect("meetings:series_detail", series_id=series.public_id)
    return render(
        request,
        "meetings/avis_template_form.html",
        {"form": form, "series": series, "template": None},
    )


def _template(series: MeetingSeries, template_id: uuid.UUID) -> RecommendationTemplate:
    template = series.recommendation_templates.filter(public_id=template_id, is_active=True).first()
    if template is None:
        raise NotVisible("meetings.recommendationtemplate", str(template_id))
    return template


@login_required
def avis_template_edit_view(
    request: AuthenticatedRequest, series_id: uuid.UUID, template_id: uuid.UUID
) -> HttpResponse:
    series = selectors.get_series_for_coordinator(request.user, series_id)
    template = _template(series, template_id)
    initial = {
        name: getattr(template, name) for name in ("question_type", "title", *TEMPLATE_FIELDS)
    }
    form = meeting_forms.RecommendationTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_template_update(
                actor=request.user, template=template, **_template_values(form)
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Modèle d'avis modifié."))
            return redirect("meetings:series_detail", series_id=series.public_id)
    return render(
        request,
        "meetings/avis_template_form.html",
        {"form": form, "series": series, "template": template},
    )


@require_POST
@login_required
def avis_template_withdraw_view(
    request: AuthenticatedRequest, series_id: uuid.UUID, template_id: uuid.UUID
) -> HttpResponse:
    series = selectors.get_series_for_coordinator(request.user, series_id)
    template = _template(series, template_id)
    try:
        services.recommendation_template_withdraw(actor=request.user, template=template)
    except ValidationError as error:
        flash_refusal(request, error)
    else:
        messages.success(request, _("Modèle « %s » retiré.") % template.title)
    return redirect("meetings:series_detail", series_id=series.public_id)
