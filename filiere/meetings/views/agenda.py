"""The agenda document of a meeting, sending it again after a change, moving a case."""

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
from filiere.core.access_errors import NotVisible
from filiere.core.forms import apply_errors
from filiere.core.http import AuthenticatedRequest
from filiere.meetings import forms as meeting_forms
from filiere.meetings import notifications, selectors, services
from filiere.meetings.models import AgendaItem, Meeting
from filiere.meetings.pdf import agenda_filename, agenda_pdf
from filiere.meetings.views.common import flash_refusal


@login_required
def agenda_pdf_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The « Ordre du jour » as it stands, for those who see the meeting's agenda on its page."""
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    if not (meeting.is_active or meeting_rights(request.user, meeting).staff):
        raise NotVisible(
            "meetings.meeting", str(meeting.public_id), "ordre du jour d'une RCP close"
        )
    items = notifications.agenda_items(meeting)
    services.cases_viewed(
        actor=request.user, cases=[item.case for item in items], what="ordre du jour (PDF)"
    )
    response = HttpResponse(agenda_pdf(meeting, items), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{agenda_filename(meeting)}"'
    return response


@require_POST
@login_required
def agenda_send_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    try:
        sent = services.meeting_agenda_send(actor=request.user, meeting=meeting)
    except ValidationError as error:
        flash_refusal(request, error)
    else:
        messages.success(
            request,
            _("Ordre du jour à jour envoyé à %(n)d participant(s), avec l'invitation mise à jour.")
            % {"n": sent},
        )
    return redirect("meetings:meeting_detail", meeting_id=meeting.public_id)


def _move_choices(meeting: Meeting) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    items = (
        meeting.agenda_items.select_related("case__patient")
        .filter(outcome=AgendaItem.Outcome.PENDING)
        .order_by("starts_at")
    )
    targets = (
        Meeting.objects.filter(
            series_id=meeting.series_id,
            status__in=[Meeting.Status.PLANNED, Meeting.Status.OPEN],
            starts_at__gte=timezone.now() - dt.timedelta(hours=12),
        )
        .exclude(pk=meeting.pk)
        .order_by("starts_at")
    )
    item_choices = [
        (
            str(item.public_id),
            f"{timezone.localtime(item.starts_at):%H:%M} – {item.case.patient.pseudonym}",
        )
        for item in items
    ]
    meeting_choices = [
        (str(m.public_id), f"{timezone.localtime(m.starts_at):%d/%m/%Y %H:%M}")
        for m in targets
        if m.ends_at > timezone.now()
    ]
    return item_choices, meeting_choices


@login_required
def case_move_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Move a case not yet discussed to another coming meeting of the series (first free gap
    there); the requester is told the new date, slot and reason."""
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    items, targets = _move_choices(meeting)
    form = meeting_forms.CaseMoveForm(
        request.POST or None,
        items=items,
        meetings=targets,
        initial={"agenda_item": request.GET.get("dossier", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = meeting.agenda_items.select_related("case__patient", "case__requester").get(
            public_id=data["agenda_item"]
        )
        target = Meeting.objects.select_related("series").get(public_id=data["meeting"])
        try:
            moved = services.case_move(
                actor=request.user, agenda_item=item, meeting=target, reason=data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            local = timezone.localtime(moved.starts_at)
            messages.success(
                request,
                _(
                    "Dossier %(pseudonym)s déplacé à la RCP du %(day)s, passage à %(time)s ; "
                    "le demandeur est prévenu."
                )
                % {
                    "pseudonym": item.case.patient.pseudonym,
                    "day": f"{local:%d/%m/%Y}",
                    "time": f"{local:%H:%M}",
                },
            )
            return redirect("meetings:meeting_detail", meeting_id=meeting.public_id)
    return render(
        request,
        "meetings/case_move.html",
        {"meeting": meeting, "series": meeting.series, "form": form},
    )
