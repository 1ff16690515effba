"""Meetings: planning, changing, opening, closing and cancelling them, and the discussion of
each case in session."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import SYSTEM, Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.meetings import notifications
from filiere.meetings.models import (
    AgendaItem,
    CaseRequest,
    Meeting,
    MeetingSeries,
    Participant,
    PresenceInterval,
    SeriesMember,
)
from filiere.meetings.services.agenda import (
    agenda_sent,
    carry_over,
    carry_over_reason,
    place_on_agenda,
)
from filiere.meetings.services.common import audit, now_or, require_meeting_day
from filiere.meetings.services.participants import register

MEETING_FIELDS = ("starts_at", "duration_minutes", "video_link", "location", "notes")


# --- Meetings ------------------------------------------------------------------------------


@records_refusals("Création d'une réunion")
def meeting_create(
    *,
    actor: Actor,
    series: MeetingSeries,
    starts_at: dt.datetime,
    kind: str = Meeting.Kind.ORDINARY,
    duration_minutes: int | None = None,
    video_link: str | None = None,
    location: str = "",
    notes: str = "",
) -> Meeting:
    """Plan a meeting: the series' members are registered and invited (iCalendar), and cases
    waiting for a meeting are put on its agenda (an ordinary one)."""
    if actor is not SYSTEM and starts_at < timezone.now():
        raise ValidationError({"starts_at": "La date de la réunion est passée."})
    if not series.is_active:
        raise ValidationError({"series": "Cette RCP n'est plus active."})
    meeting = create_validated(
        Meeting,
        series=series,
        kind=kind,
        starts_at=starts_at,
        duration_minutes=duration_minutes or series.default_duration_minutes,
        video_link=series.default_video_link if video_link is None else video_link,
        location=location,
        notes=notes,
        created_by=acting_user(actor),
    )
    audit(actor, AuditEvent.Action.CREATE, meeting, summary=f"Réunion {meeting.get_kind_display()}")
    roles = {SeriesMember.Role.COORDINATOR: Participant.Role.COORDINATOR}
    members = series.members.select_related("user").exclude(role=SeriesMember.Role.SECRETARY)
    for member in members.order_by("role"):
        role = roles.get(member.role, Participant.Role.EXPERT)  # type: ignore[call-overload]
        register(actor=actor, meeting=meeting, user=member.user, role=role, notify=False)
    waiting = CaseRequest.objects.filter(series=series).exclude(awaiting_purpose="")
    if kind == Meeting.Kind.URGENT:
        waiting = waiting.none()
    told: set[int] = set()
    for case in waiting.select_related("patient", "requester").order_by("submitted_at"):
        try:
            place_on_agenda(
                actor=actor,
                meeting=meeting,
                case=case,
                purpose=case.awaiting_purpose,
                reason=carry_over_reason(case.awaiting_purpose, None),
            )
        except ValidationError:
            break  # the meeting is full; the others wait for the next one
        CaseRequest.objects.filter(pk=case.pk).update(awaiting_purpose="")
        told.add(case.requester_id)  # invited with the reason of the carry-over
    notifications.meeting_invitations(
        meeting, meeting.participants.select_related("user").exclude(user_id__in=told)
    )
    agenda_sent(meeting)
    return meeting


@records_refusals("Modification d'une réunion")
def meeting_update(*, actor: Actor, meeting: Meeting, **values: Any) -> dict[str, Any]:
    """Change date, duration or link; participants receive the updated invitation."""
    unknown = set(values) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError({"status": "Seule une réunion planifiée se modifie."})
    items = list(meeting.agenda_items.exclude(outcome=AgendaItem.Outcome.POSTPONED))
    shift = values.get("starts_at", meeting.starts_at) - meeting.starts_at
    changes = update_validated(meeting, values)
    if not changes:
        return changes
    for item in items:
        # The agenda moves with the meeting, keeping each case's offset.
        item.starts_at += shift
        item.save(update_fields=["starts_at"])
        end = item.starts_at + dt.timedelta(minutes=item.duration_minutes)
        if end > meeting.ends_at:
            raise ValidationError(
                {"duration_minutes": "La réunion raccourcie ne contient plus tout l'ordre du jour."}
            )
    Meeting.objects.filter(pk=meeting.pk).update(ics_sequence=meeting.ics_sequence + 1)
    meeting.ics_sequence += 1
    audit(actor, AuditEvent.Action.UPDATE, meeting, changes=changes)
    notifications.meeting_invitations(meeting, meeting.participants.select_related("user"))
    agenda_sent(meeting)
    return changes


@records_refusals("Ouverture d'une réunion")
def meeting_open(*, actor: Actor, meeting: Meeting, at: dt.datetime | None = None) -> Meeting:
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError({"status": "Seule une réunion planifiée peut être ouverte."})
    when = now_or(at)
    require_meeting_day(meeting, when, "L'ouverture de la séance")
    update_validated(meeting, {"status": Meeting.Status.OPEN, "opened_at": when})
    audit(actor, AuditEvent.Action.UPDATE, meeting, summary="Séance ouverte")
    return meeting


@records_refusals("Clôture d'une réunion")
def meeting_close(*, actor: Actor, meeting: Meeting, at: dt.datetime | None = None) -> Meeting:
    """Close the session: those still present are checked out, cases not discussed go to the
    next meeting, and participants lose access to the cases."""
    if meeting.status != Meeting.Status.OPEN:
        raise ValidationError({"status": "Seule une réunion en séance peut être clôturée."})
    when = now_or(at)
    PresenceInterval.objects.filter(
        participant__meeting=meeting, left_at__isnull=True, arrived_at__lte=when
    ).update(left_at=when)
    meeting.agenda_items.filter(
        discussion_started_at__lte=when, discussion_ended_at__isnull=True
    ).update(discussion_ended_at=when)
    update_validated(meeting, {"status": Meeting.Status.CLOSED, "closed_at": when})
    _postpone_pending(actor, meeting)
    audit(actor, AuditEvent.Action.UPDATE, meeting, summary="Séance clôturée")
    return meeting


def _postpone_pending(actor: Actor, meeting: Meeting) -> None:
    pending = meeting.agenda_items.select_related("case__patient", "case__series").filter(
        outcome=AgendaItem.Outcome.PENDING
    )
    for item in pending:
        item.outcome = AgendaItem.Outcome.POSTPONED
        item.save(update_fields=["outcome"])
        purpose = (
            item.purpose
            if item.purpose != AgendaItem.Purpose.FIRST
            else AgendaItem.Purpose.CARRIED_OVER
        )
        carry_over(actor=actor, case=item.case, after=meeting, purpose=purpose)


@records_refusals("Annulation d'une réunion")
def meeting_cancel(*, actor: Actor, meeting: Meeting) -> Meeting:
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError({"status": "Seule une réunion planifiée peut être annulée."})
    update_validated(meeting, {"status": Meeting.Status.CANCELLED})
    _postpone_pending(actor, meeting)
    audit(actor, AuditEvent.Action.UPDATE, meeting, summary="Réunion annulée")
    notifications.meeting_cancelled(meeting, meeting.participants.select_related("user"))
    return meeting


# --- Discussion of each case in session --------------------------------------------------


@records_refusals("Ouverture de la discussion d'un dossier")
def agenda_item_discussion_open(
    *, actor: Actor, agenda_item: AgendaItem, at: dt.datetime | None = None
) -> AgendaItem:
    """Open the discussion of a case; the one under discussion before it is closed then."""
    meeting = Meeting.objects.select_related("series").get(pk=agenda_item.meeting_id)
    if meeting.status != Meeting.Status.OPEN:
        raise ValidationError({"meeting": "La discussion d'un dossier se fait en séance ouverte."})
    if agenda_item.outcome == AgendaItem.Outcome.POSTPONED:
        raise ValidationError({"meeting": "Ce dossier est reporté."})
    if agenda_item.discussion_started_at is not None:
        raise ValidationError({"meeting": "La discussion de ce dossier est déjà ouverte."})
    when = now_or(at)
    current = meeting.agenda_items.filter(
        discussion_started_at__isnull=False, discussion_ended_at__isnull=True
    ).exclude(pk=agenda_item.pk)
    for other in current.select_related("case__patient"):
        _end_discussion(actor, other, max(when, other.discussion_started_at or when))
    update_validated(agenda_item, {"discussion_started_at": when})
    audit(
        actor,
        AuditEvent.Action.UPDATE,
        agenda_item,
        case=agenda_item.case,
        summary=f"Discussion ouverte à {timezone.localtime(when):%H:%M}",
    )
    return agenda_item


def _end_discussion(actor: Actor, item: AgendaItem, when: dt.datetime) -> None:
    update_validated(item, {"discussion_ended_at": when})
    audit(
        actor,
        AuditEvent.Action.UPDATE,
        item,
        case=item.case,
        summary=f"Discussion close à {timezone.localtime(when):%H:%M}",
    )


@records_refusals("Clôture de la discussion d'un dossier")
def agenda_item_discussion_close(
    *, actor: Actor, agenda_item: AgendaItem, at: dt.datetime | None = None
) -> AgendaItem:
    """Close the discussion of a case (the avis may be signed afterwards, in session)."""
    if agenda_item.discussion_started_at is None:
        raise ValidationError({"meeting": "La discussion de ce dossier n'est pas ouverte."})
    if agenda_item.discussion_ended_at is not None:
        raise ValidationError({"meeting": "La discussion de ce dossier est déjà close."})
    when = now_or(at)
    if when < agenda_item.discussion_started_at:
        raise ValidationError({"meeting": "La fin de la discussion précède son début."})
    _end_discussion(actor, agenda_item, when)
    return agenda_item


def statistics_exported(*, actor: User, year: int) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        object_type="meetings.statistics",
        summary=f"Statistiques des RCP {year} exportées",
    )
