"""The agenda as the participants hold it: when it changed since it was last sent, sending it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import Actor
from filiere.audit.models import AuditEvent
from filiere.core.services import records_refusals
from filiere.meetings import notifications
from filiere.meetings.models import Meeting
from filiere.meetings.services.common import audit


def agenda_changed(meeting: Meeting, when: dt.datetime | None = None) -> None:
    """Note that the agenda changed (a case added, removed, moved or given another slot)."""
    when = when or timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(agenda_changed_at=when)
    meeting.agenda_changed_at = when


def agenda_sent(meeting: Meeting, when: dt.datetime | None = None) -> None:
    """Note that every participant has just received the agenda as it stands."""
    when = when or timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(agenda_sent_at=when)
    meeting.agenda_sent_at = when


@records_refusals("Envoi de l'ordre du jour")
def meeting_agenda_send(*, actor: Actor, meeting: Meeting) -> int:
    """Send every participant the agenda as it stands with the updated invitation (its
    sequence raised); return how many were sent."""
    if not meeting.is_active:
        raise ValidationError({"meeting": "Cette réunion est close ou annulée."})
    participants = list(meeting.participants.select_related("user"))
    if not participants:
        raise ValidationError({"meeting": "Aucun participant inscrit à qui l'envoyer."})
    Meeting.objects.filter(pk=meeting.pk).update(ics_sequence=meeting.ics_sequence + 1)
    meeting.ics_sequence += 1
    agenda_sent(meeting)
    audit(
        actor,
        AuditEvent.Action.SEND,
        meeting,
        summary=f"Ordre du jour à jour envoyé à {len(participants)} participant(s)",
        changes={"séquence": meeting.ics_sequence},
    )
    notifications.agenda_updated(meeting, participants)
    return len(participants)
