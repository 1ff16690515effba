"""Pages of a meeting's participants: adding, registering, their specialty, the invitation."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from filiere.access.meetings import meeting_rights
from filiere.accounts.models import User
from filiere.core.access_errors import NotVisible
from filiere.core.forms import apply_errors
from filiere.core.http import AuthenticatedRequest
from filiere.meetings import forms as meeting_forms
from filiere.meetings import selectors, services
from filiere.meetings.ics import meeting_ics
from filiere.meetings.models import Meeting, Participant
from filiere.meetings.views.common import flash_refusal


@require_POST
@login_required
def participant_add_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    form = meeting_forms.ParticipantAddForm(request.POST)
    if form.is_valid():
        user = User.objects.filter(email=form.cleaned_data["email"].lower()).first()
        if user is None:
            messages.error(
                request, _("Aucun compte avec cette adresse : invitez ce médecin depuis la RCP.")
            )
        else:
            try:
                services.participant_add(
                    actor=request.user, meeting=meeting, user=user, role=form.cleaned_data["role"]
                )
            except ValidationError as error:
                flash_refusal(request, error)
            else:
                messages.success(request, _("%s inscrit(e) et invité(e).") % user.display_name)
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
    live = request.POST.get("back") == "live"
    return redirect(
        "meetings:meeting_live" if live else "meetings:meeting_detail",
        meeting_id=meeting.public_id,
    )


@login_required
def participant_list_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Register a list of participants: the list is checked line by line and shown first, then
    the accepted lines are registered on confirmation."""
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    form = meeting_forms.ParticipantListForm(request.POST or None, request.FILES or None)
    checked = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirmed") == "1":
            try:
                done = services.participants_add_list(
                    actor=request.user, meeting=meeting, text=form.text()
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(n)d participant inscrit et invité",
                        "%(n)d participants inscrits et invités",
                        len(done.accepted),
                    )
                    % {"n": len(done.accepted)}
                    + (
                        _(" ; %(n)d ligne(s) refusée(s).") % {"n": len(done.refused)}
                        if done.refused
                        else "."
                    ),
                )
                return redirect("meetings:meeting_detail", meeting_id=meeting.public_id)
        checked = services.participant_list_check(meeting, form.text())
    return render(
        request,
        "meetings/participant_list.html",
        {
            "meeting": meeting,
            "series": meeting.series,
            "form": form,
            "checked": checked,
            "text": form.text() if checked is not None else "",
        },
    )


@require_POST
@login_required
def series_members_add_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Register in one click the series' members not yet registered."""
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    try:
        added = services.participants_add_series_members(actor=request.user, meeting=meeting)
    except ValidationError as error:
        flash_refusal(request, error)
    else:
        if added:
            messages.success(
                request,
                ngettext(
                    "%(n)d membre de la série inscrit et invité.",
                    "%(n)d membres de la série inscrits et invités.",
                    len(added),
                )
                % {"n": len(added)},
            )
        else:
            messages.info(request, _("Tous les membres de la série sont déjà inscrits."))
    return redirect("meetings:meeting_detail", meeting_id=meeting.public_id)


def _participant(meeting: Meeting, participant_id: uuid.UUID) -> Participant:
    participant = (
        meeting.participants.select_related("user", "meeting__series")
        .prefetch_related("intervals")
        .filter(public_id=participant_id)
        .first()
    )
    if participant is None:
        raise NotVisible("meetings.participant", str(participant_id))
    return participant


@require_POST
@login_required
def participant_update_view(
    request: AuthenticatedRequest, meeting_id: uuid.UUID, participant_id: uuid.UUID
) -> HttpResponse:
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    participant = _participant(meeting, participant_id)
    form = meeting_forms.ParticipantUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.participant_update(
                actor=request.user,
                participant=participant,
                specialty=form.cleaned_data["specialty"],
                additional_specialties=form.cleaned_data["additional_specialties"],
            )
        except ValidationError as error:
            flash_refusal(request, error)
    return redirect("meetings:meeting_live", meeting_id=meeting.public_id)


@require_POST
@login_required
def meeting_register_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """A physician registers for a meeting of a series she belongs to or is invited to (the
    agenda it opens holds other centres' cases)."""
    meeting = selectors.upcoming_meetings().filter(public_id=meeting_id).first()
    if meeting is None or not meeting_rights(request.user, meeting).register:
        raise NotVisible("meetings.meeting", str(meeting_id), "inscription")
    try:
        services.meeting_register_self(actor=request.user, meeting=meeting)
    except ValidationError as error:
        flash_refusal(request, error)
        return redirect("meetings:calendar")
    messages.success(request, _("Vous êtes inscrit(e) ; l'invitation arrive par e-mail."))
    return redirect("meetings:meeting_detail", meeting_id=meeting.public_id)


@login_required
def meeting_ics_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    content = meeting_ics(
        meeting,
        attendee_email=request.user.email,
        cancel=meeting.status == Meeting.Status.CANCELLED,
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rcp.ics"'
    return response
