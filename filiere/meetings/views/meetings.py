"""Pages of a meeting: planning, agenda, participants, invitation file, DPC evidence."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.access.meetings import meeting_rights
from filiere.core.forms import apply_errors
from filiere.core.http import AuthenticatedRequest
from filiere.meetings import forms as meeting_forms
from filiere.meetings import selectors, services
from filiere.meetings.models import Meeting
from filiere.meetings.views.common import agenda_rows, flash_refusal


@login_required
def meeting_create_view(request: AuthenticatedRequest, series_id: uuid.UUID) -> HttpResponse:
    series = selectors.get_series_for_staff(request.user, series_id)
    tomorrow = timezone.localdate() + dt.timedelta(days=7)
    form = meeting_forms.MeetingForm(
        request.POST or None,
        initial={
            "kind": Meeting.Kind.ORDINARY,
            "day": tomorrow,
            "time": series.default_start_time,
            "duration_minutes": series.default_duration_minutes,
            "video_link": series.default_video_link,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                actor=request.user,
                series=series,
                starts_at=form.starts_at(),
                kind=data["kind"],
                duration_minutes=data["duration_minutes"],
                video_link=data["video_link"],
                location=data["location"],
                notes=data["notes"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Réunion planifiée ; les invitations partent par e-mail."))
            return redirect("meetings:meeting_detail", meeting_id=meeting.public_id)
    return render(
        request, "meetings/meeting_form.html", {"form": form, "series": series, "meeting": None}
    )


@login_required
def meeting_edit_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    local = timezone.localtime(meeting.starts_at)
    form = meeting_forms.MeetingForm(
        request.POST or None,
        initial={
            "kind": meeting.kind,
            "day": local.date(),
            "time": local.time(),
            "duration_minutes": meeting.duration_minutes,
            "video_link": meeting.video_link,
            "location": meeting.location,
            "notes": meeting.notes,
        },
    )
    form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_update(
                actor=request.user,
                meeting=meeting,
                starts_at=form.starts_at(),
                duration_minutes=data["duration_minutes"],
                video_link=data["video_link"],
                location=data["location"],
                notes=data["notes"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Réunion modifiée ; les participants sont prévenus."))
            return redirect("meetings:meeting_detail", meeting_id=meeting.public_id)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "series": meeting.series, "meeting": meeting},
    )


@login_required
def meeting_detail_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The meeting as its participants see it: date, link, agenda with pseudonymised case
    summaries while the meeting is ahead or open; afterwards only their own attendance."""
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    rights = meeting_rights(request.user, meeting)
    is_staff = rights.staff
    participation = selectors.participation_of(request.user, meeting)
    rows = []
    if is_staff or meeting.is_active:
        rows = agenda_rows(meeting, selectors.agenda_of(meeting))
        services.cases_viewed(
            actor=request.user, cases=[row["case"] for row in rows], what="ordre du jour de RCP"
        )
    participants = list(selectors.participants_of(meeting)) if is_staff else []
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "series": meeting.series,
            "is_staff": is_staff,
            "is_coordinator": is_staff and rights.coordinate,
            "participation": participation,
            "rows": rows,
            "participants": participants,
            "participant_form": meeting_forms.ParticipantAddForm(),
            "list_form": meeting_forms.ParticipantListForm(),
        },
    )


def _status_confirmations() -> dict[str, tuple[str, str, str]]:
    """The destructive actions, asked for confirmation first: title, consequences, button."""
    return {
        "close": (
            _("Clôturer la séance ?"),
            _(
                "Les participants encore présents seront notés sortis à cette heure, les "
                "dossiers non discutés reportés à la prochaine réunion ; la séance ne pourra "
                "plus être rouverte."
            ),
            _("Oui, clôturer la séance"),
        ),
        "cancel": (
            _("Annuler la réunion ?"),
            _(
                "Les participants recevront l'annulation par e-mail et les dossiers inscrits "
                "seront reportés à la prochaine réunion ; une réunion annulée ne se rétablit pas."
            ),
            _("Oui, annuler la réunion"),
        ),
    }


@require_POST
@login_required
def meeting_status_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Open, close or cancel the meeting; closing and cancelling are confirmed first."""
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    action = request.POST.get("action", "")
    confirmations = _status_confirmations()
    if action in confirmations and request.POST.get("confirmed") != "1":
        title, consequences, button = confirmations[action]
        return render(
            request,
            "meetings/meeting_confirm.html",
            {
                "meeting": meeting,
                "series": meeting.series,
                "action": action,
                "title": title,
                "consequences": consequences,
                "button": button,
            },
        )
    try:
        if action == "open":
            services.meeting_open(actor=request.user, meeting=meeting)
            messages.success(request, _("Séance ouverte."))
        elif action == "close":
            services.meeting_close(actor=request.user, meeting=meeting)
            messages.success(
                request, _("Séance clôturée ; les dossiers non discutés sont reportés.")
            )
        elif action == "cancel":
            services.meeting_cancel(actor=request.user, meeting=meeting)
            messages.success(
                request,
                _("Réunion annulée ; les participants sont prévenus, les dossiers reportés."),
            )
        else:
            messages.error(request, _("Action inconnue."))
    except ValidationError as error:
        flash_refusal(request, error)
    target = "meetings:meeting_live" if action == "open" else "meetings:meeting_detail"
    return redirect(target, meeting_id=meeting.public_id)


@login_required
def my_meetings_view(request: AuthenticatedRequest) -> HttpResponse:
    """A participant's past meetings: their stretches of presence, the cases credited to them
    and their certificate, whoever they are (network physician or invited expert)."""
    rows = [
        {
            "participant": participant,
            "meeting": participant.meeting,
            "periods": participant.presence_periods,
            "minutes": participant.minutes_present,
            "credited": services.cases_discussed_during(participant),
            "present": participant.first_arrival is not None,
        }
        for participant in selectors.past_participations(request.user)
    ]
    return render(request, "meetings/my_meetings.html", {"rows": rows})
