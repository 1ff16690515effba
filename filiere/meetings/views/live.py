"""The coordinator's screen during the session: agenda, attendance, live quorum (htmx)."""

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
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from filiere.access.meetings import meeting_rights
from filiere.core.access_errors import NotVisible
from filiere.core.http import AuthenticatedRequest
from filiere.lib.names import search_key
from filiere.meetings import forms as meeting_forms
from filiere.meetings import selectors, services
from filiere.meetings.models import AgendaItem, Meeting, Participant, Ratification
from filiere.meetings.views.common import agenda_rows, case_summary, flash_refusal
from filiere.meetings.views.participants import _participant


def _quorum_context(
    meeting: Meeting, participants: list[Participant] | None = None
) -> dict[str, object]:
    result, attendees = selectors.quorum_for(meeting, timezone.now(), participants=participants)
    registered = meeting.participants.count() if participants is None else len(participants)
    return {
        "meeting": meeting,
        "quorum": selectors.quorum_display(result),
        "counts": {"present": len(attendees), "absent": registered - len(attendees)},
    }


def _matches(participant: Participant, query: str) -> bool:
    user = participant.user
    return query in search_key(user.display_name, user.email, user.rpps)


@login_required
def meeting_live_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Agenda with pseudonymised summaries, the check-in list (searchable by name, e-mail or
    RPPS; filtered here when the browser runs no script), quorum and attendance counts."""
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    rows = agenda_rows(meeting, selectors.agenda_of(meeting))
    services.cases_viewed(
        actor=request.user, cases=[row["case"] for row in rows], what="séance de RCP"
    )
    query = request.GET.get("q", "").strip()
    everyone = list(selectors.participants_of(meeting))
    participants = everyone
    if query:
        key = search_key(query)
        participants = [p for p in everyone if _matches(p, key)]
    return render(
        request,
        "meetings/live.html",
        {
            "meeting": meeting,
            "series": meeting.series,
            "rows": rows,
            "participants": participants,
            "query": query,
            "participant_form": meeting_forms.ParticipantAddForm(),
            "is_coordinator": meeting_rights(request.user, meeting).coordinate,
            **_quorum_context(meeting, everyone),
        },
    )


@require_POST
@login_required
def attendance_all_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """« Tous présents »: every participant not present now arrives now."""
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    try:
        arrived = services.attendance_check_in_all(actor=request.user, meeting=meeting)
    except ValidationError as error:
        flash_refusal(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "%(n)d participant noté présent à %(time)s.",
                "%(n)d participants notés présents à %(time)s.",
                arrived,
            )
            % {"n": arrived, "time": f"{timezone.localtime():%H:%M}"},
        )
    return redirect("meetings:meeting_live", meeting_id=meeting.public_id)


@login_required
def quorum_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The quorum indicator alone (htmx polls it and reloads it after each check-in)."""
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    return render(request, "meetings/partials/quorum.html", _quorum_context(meeting))


@require_POST
@login_required
def attendance_view(
    request: AuthenticatedRequest, meeting_id: uuid.UUID, participant_id: uuid.UUID
) -> HttpResponse:
    """Check a participant in or out; answers the updated row and asks for a quorum refresh."""
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    participant = _participant(meeting, participant_id)
    service = (
        services.attendance_check_out
        if request.POST.get("action") == "out"
        else services.attendance_check_in
    )
    error = ""
    try:
        service(actor=request.user, participant=participant)
    except ValidationError as refusal:
        error = " ".join(refusal.messages)
    participant = _participant(meeting, participant_id)
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        return redirect("meetings:meeting_live", meeting_id=meeting.public_id)
    response = render(
        request,
        "meetings/partials/attendance_rows.html",
        {"meeting": meeting, "participants": [participant], "error": error},
    )
    response["HX-Trigger"] = "quorum-changed"
    return response


# The discussion of a case and the ratification of an urgent avis are the coordinator's; the
# secretariat moves slots.
COORDINATOR_ACTIONS = ("discussion_open", "discussion_close", "ratify", "not_ratified")


@require_POST
@login_required
def agenda_item_view(
    request: AuthenticatedRequest, meeting_id: uuid.UUID, item_id: uuid.UUID
) -> HttpResponse:
    """Open or close a case's discussion, move its slot, or record the ratification of an
    urgent recommendation."""
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    item = (
        meeting.agenda_items.select_related("case__patient", "case__series", "meeting__series")
        .filter(public_id=item_id)
        .first()
    )
    if item is None:
        raise NotVisible("meetings.agendaitem", str(item_id))
    action = request.POST.get("action")
    if action in COORDINATOR_ACTIONS and not meeting_rights(request.user, meeting).coordinate:
        raise NotVisible(
            "meetings.agendaitem",
            str(item.public_id),
            "coordonnateur requis",
            patient_id=item.case.patient.public_id,
        )
    try:
        if action in ("ratify", "not_ratified"):
            return _ratify(request, item, action)
        pseudonym = item.case.patient.pseudonym
        if action == "discussion_open":
            services.agenda_item_discussion_open(actor=request.user, agenda_item=item)
            messages.success(request, _("Discussion du dossier %s ouverte.") % pseudonym)
        elif action == "discussion_close":
            services.agenda_item_discussion_close(actor=request.user, agenda_item=item)
            messages.success(request, _("Discussion du dossier %s close.") % pseudonym)
        else:
            day = timezone.localtime(meeting.starts_at).date()
            time = dt.time.fromisoformat(request.POST.get("slot_time", ""))
            minutes = int(request.POST.get("slot_minutes", item.duration_minutes))
            services.agenda_item_reschedule(
                actor=request.user,
                agenda_item=item,
                starts_at=meeting_forms.local_datetime(day, time),
                minutes=minutes,
            )
            start = timezone.localtime(item.starts_at)
            end = start + dt.timedelta(minutes=item.duration_minutes)
            messages.success(
                request,
                _("Créneau du dossier %(pseudonym)s déplacé : %(start)s–%(end)s.")
                % {"pseudonym": pseudonym, "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"},
            )
    except ValueError:
        messages.error(request, _("Heure ou durée invalide."))
    except ValidationError as error:
        flash_refusal(request, error)
    return redirect("meetings:meeting_live", meeting_id=meeting.public_id)


def _ratify(request: AuthenticatedRequest, item: AgendaItem, action: str) -> HttpResponse:
    """Record the meeting's decision on an urgent avis; not ratified, the new version follows."""
    ratified = action == "ratify"
    try:
        services.recommendation_ratify(
            actor=request.user,
            agenda_item=item,
            decision=Ratification.Decision.RATIFIED
            if ratified
            else Ratification.Decision.NOT_RATIFIED,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        flash_refusal(request, error)
        return redirect("meetings:meeting_live", meeting_id=item.meeting.public_id)
    if ratified:
        messages.success(
            request, _("Avis urgent ratifié : document signé, envoyé au médecin demandeur.")
        )
        return redirect("meetings:meeting_live", meeting_id=item.meeting.public_id)
    messages.success(
        request,
        _(
            "Avis urgent non ratifié : document signé, médecin demandeur prévenu. Rédigez et "
            "signez la nouvelle version de l'avis."
        ),
    )
    return redirect("meetings:recommendation_edit", case_id=item.case.public_id)


@login_required
def presentation_view(request: AuthenticatedRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """One case a screen, in large type, for sharing the screen: pseudonym, question, clinical
    summary, requested drug and slot; never an identity trait. Each case shown is a read of
    that patient's record."""
    meeting = selectors.get_meeting_for_staff(request.user, meeting_id)
    items = [
        item
        for item in selectors.agenda_of(meeting)
        if item.outcome != AgendaItem.Outcome.POSTPONED
    ]
    if not items:
        messages.info(request, _("Aucun dossier à présenter."))
        return redirect("meetings:meeting_live", meeting_id=meeting.public_id)
    try:
        number = int(request.GET.get("dossier", "1"))
    except ValueError:
        number = 1
    number = min(max(number, 1), len(items))
    item = items[number - 1]
    services.case_viewed(actor=request.user, case=item.case, what="présentation en séance de RCP")
    return render(
        request,
        "meetings/presentation.html",
        {
            "meeting": meeting,
            "series": meeting.series,
            "item": item,
            "summary": case_summary(item.case, meeting.starts_at),
            "end": item.starts_at + dt.timedelta(minutes=item.duration_minutes),
            "number": number,
            "total": len(items),
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if number < len(items) else None,
        },
    )
