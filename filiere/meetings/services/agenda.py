"""The agenda: the cases' slots, placing and carrying cases over, and the agenda as the
participants hold it (when it changed since it was last sent, sending it)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import Actor
from filiere.audit.models import AuditEvent
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.meetings import notifications, rules
from filiere.meetings.models import AgendaItem, CaseRequest, Meeting, Participant, Recommendation
from filiere.meetings.selectors import next_meeting
from filiere.meetings.services.common import audit, touch
from filiere.meetings.services.participants import register


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


# --- Agenda ------------------------------------------------------------------------------


def _slot_label(item: AgendaItem) -> str:
    start = timezone.localtime(item.starts_at)
    end = timezone.localtime(item.starts_at + dt.timedelta(minutes=item.duration_minutes))
    return f"{item.case.patient.pseudonym} ({start:%H:%M}–{end:%H:%M})"


def check_slot(
    meeting: Meeting, start: dt.datetime, minutes: int, *, ignore: AgendaItem | None = None
) -> None:
    """Refuse a slot outside the meeting or overlapping another case's slot."""
    if minutes <= 0:
        raise ValidationError({"slot_minutes": "La durée du créneau doit être positive."})
    end = start + dt.timedelta(minutes=minutes)
    if start < meeting.starts_at or end > meeting.ends_at:
        begin, finish = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        raise ValidationError(
            {"slot_start": f"Le créneau sort de la réunion ({begin:%H:%M}–{finish:%H:%M})."}
        )
    others = meeting.agenda_items.select_related("case__patient").exclude(
        outcome=AgendaItem.Outcome.POSTPONED
    )
    if ignore is not None:
        others = others.exclude(pk=ignore.pk)
    items = {str(item.pk): item for item in others}
    slots = [rules.Slot(key, item.starts_at, item.duration_minutes) for key, item in items.items()]
    clash = rules.first_overlap(rules.Slot("new", start, minutes), slots)
    if clash is not None:
        other = _slot_label(items[clash.label])
        raise ValidationError({"slot_start": f"Ce créneau chevauche celui du dossier {other}."})


def next_free_slot(meeting: Meeting, minutes: int) -> dt.datetime:
    """The first gap of the agenda where ``minutes`` fit (« à la suite »)."""
    items = meeting.agenda_items.exclude(outcome=AgendaItem.Outcome.POSTPONED)
    start = rules.first_free_start(
        meeting.starts_at,
        meeting.ends_at,
        minutes,
        [rules.Slot("", item.starts_at, item.duration_minutes) for item in items],
    )
    if start is None:
        raise ValidationError(
            {"slot_start": f"Plus aucun créneau libre de {minutes} min dans cette réunion."}
        )
    return start


def place_on_agenda(
    *,
    actor: Actor,
    meeting: Meeting,
    case: CaseRequest,
    purpose: str,
    start: dt.datetime | None = None,
    minutes: int | None = None,
    reason: str = "",
) -> AgendaItem:
    """Put the case on the agenda with a slot, and its requester among the participants; a case
    carried over gives its ``reason``, which the requester's invitation states."""
    if not meeting.is_active:
        raise ValidationError({"meeting": "Cette réunion est close ou annulée."})
    if meeting.series_id != case.series_id:
        raise ValidationError({"meeting": "Cette réunion n'appartient pas à la RCP du dossier."})
    if meeting.agenda_items.filter(case=case).exists():
        raise ValidationError(
            {"meeting": "Le dossier est déjà à l'ordre du jour de cette réunion."}
        )
    minutes = minutes or meeting.series.default_slot_minutes
    start = start or next_free_slot(meeting, minutes)
    check_slot(meeting, start, minutes)
    item = create_validated(
        AgendaItem,
        meeting=meeting,
        case=case,
        starts_at=start,
        duration_minutes=minutes,
        purpose=purpose,
    )
    agenda_changed(meeting)
    audit(
        actor,
        AuditEvent.Action.CREATE,
        item,
        case=case,
        summary=f"{item.get_purpose_display()} à la RCP du "
        f"{timezone.localtime(meeting.starts_at):%d/%m/%Y} à {timezone.localtime(start):%H:%M}",
    )
    presenter = register(
        actor=actor,
        meeting=meeting,
        user=case.requester,
        role=Participant.Role.PRESENTER,
        notify=not reason,
    )
    if reason:
        notifications.meeting_invitations(
            meeting,
            [presenter],
            note=f"Votre dossier {case.patient.pseudonym} y est inscrit à "
            f"{timezone.localtime(start):%H:%M} : {rules.sentence(reason)}",
        )
    return item


def carry_over_reason(purpose: str, after: Meeting | None) -> str:
    """Why a case is on this meeting's agenda again, as the requester's invitation says it."""
    held = (
        f"de la RCP du {timezone.localtime(after.starts_at):%d/%m/%Y}"
        if after is not None
        else "d'une RCP précédente"
    )
    if purpose == AgendaItem.Purpose.REPRESENTATION:
        return f"présenté de nouveau, le quorum n'ayant pas été atteint lors {held}"
    if purpose == AgendaItem.Purpose.RATIFICATION:
        return f"ratification de l'avis urgent rendu lors {held}"
    if after is not None and after.status == Meeting.Status.CANCELLED:
        return f"reporté, la RCP du {timezone.localtime(after.starts_at):%d/%m/%Y} étant annulée"
    return f"reporté, le dossier n'ayant pas été discuté lors {held}"


def carry_over(*, actor: Actor, case: CaseRequest, after: Meeting, purpose: str) -> None:
    """Put the case on the series' next meeting, or mark it as waiting for one."""
    # An urgent meeting is convened for one patient: waiting cases go to an ordinary one.
    target = next_meeting(after.series, after.starts_at, ordinary_only=True)
    if target is not None and not target.agenda_items.filter(case=case).exists():
        try:
            place_on_agenda(
                actor=actor,
                meeting=target,
                case=case,
                purpose=purpose,
                reason=carry_over_reason(purpose, after),
            )
            return
        except ValidationError:
            pass  # no room left in that meeting: the case waits for the next one created
    CaseRequest.objects.filter(pk=case.pk).update(awaiting_purpose=purpose)
    case.awaiting_purpose = purpose


@records_refusals("Modification d'un créneau")
def agenda_item_reschedule(
    *, actor: Actor, agenda_item: AgendaItem, starts_at: dt.datetime, minutes: int
) -> AgendaItem:
    if agenda_item.outcome != AgendaItem.Outcome.PENDING or not agenda_item.meeting.is_active:
        raise ValidationError({"slot_start": "Ce dossier a déjà été traité."})
    check_slot(agenda_item.meeting, starts_at, minutes, ignore=agenda_item)
    changes = update_validated(agenda_item, {"starts_at": starts_at, "duration_minutes": minutes})
    if changes:
        agenda_changed(agenda_item.meeting)
        audit(actor, AuditEvent.Action.UPDATE, agenda_item, case=agenda_item.case, changes=changes)
    return agenda_item


# --- Moving a scheduled case to another meeting --------------------------------------------


def _check_move(agenda_item: AgendaItem, source: Meeting, meeting: Meeting, reason: str) -> None:
    """Refuse to move a case already discussed, being written up or convened urgently, or to a
    meeting that is not another coming one of its series."""
    case = agenda_item.case
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif du déplacement."})
    if case.status != CaseRequest.Status.ACCEPTED or (
        agenda_item.outcome != AgendaItem.Outcome.PENDING
        or agenda_item.discussion_started_at is not None
    ):
        raise ValidationError(
            {
                "agenda_item": "Ce dossier a déjà été discuté ou son avis signé : il ne se déplace "
                "plus."
            }
        )
    if case.recommendations.filter(status=Recommendation.Status.DRAFT).exists():
        raise ValidationError(
            {"agenda_item": "Un avis est en rédaction pour ce dossier : il ne se déplace plus."}
        )
    if source.kind == Meeting.Kind.URGENT:
        raise ValidationError(
            {"agenda_item": "Un dossier de RCP urgente reste à la réunion convoquée pour lui."}
        )
    if meeting.pk == source.pk:
        raise ValidationError({"meeting": "Choisissez une autre réunion que celle-ci."})
    if meeting.series_id != source.series_id:
        raise ValidationError({"meeting": "Choisissez une réunion de la même RCP."})
    if not meeting.is_active or meeting.ends_at <= timezone.now():
        raise ValidationError({"meeting": "Choisissez une réunion à venir, ni close ni annulée."})
    if meeting.agenda_items.filter(case=case).exists():
        raise ValidationError(
            {"meeting": "Le dossier a déjà figuré à l'ordre du jour de cette réunion."}
        )


@records_refusals("Déplacement d'un dossier vers une autre réunion")
def case_move(
    *, actor: Actor, agenda_item: AgendaItem, meeting: Meeting, reason: str
) -> AgendaItem:
    """Move a case not yet discussed to another coming meeting of its series, in the first free
    gap there; the requester is told the new date, slot and reason, and both agendas are marked
    as changed since they were sent."""
    source = Meeting.objects.select_related("series").get(pk=agenda_item.meeting_id)
    case = agenda_item.case
    reason = reason.strip()
    _check_move(agenda_item, source, meeting, reason)
    minutes = agenda_item.duration_minutes
    start = next_free_slot(meeting, minutes)
    check_slot(meeting, start, minutes)
    agenda_item.outcome = AgendaItem.Outcome.POSTPONED
    agenda_item.save(update_fields=["outcome"])
    item = create_validated(
        AgendaItem,
        meeting=meeting,
        case=case,
        starts_at=start,
        duration_minutes=minutes,
        purpose=agenda_item.purpose,
    )
    agenda_changed(source)
    agenda_changed(meeting)
    local = timezone.localtime(start)
    audit(
        actor,
        AuditEvent.Action.UPDATE,
        item,
        case=case,
        summary=f"Dossier déplacé de la RCP du {timezone.localtime(source.starts_at):%d/%m/%Y} "
        f"à celle du {local:%d/%m/%Y} à {local:%H:%M} : {rules.sentence(reason)}",
        changes={"réunion": [str(source.public_id), str(meeting.public_id)], "motif": reason},
    )
    register(
        actor=actor,
        meeting=meeting,
        user=case.requester,
        role=Participant.Role.PRESENTER,
        notify=False,
    )
    touch(case)
    notifications.case_moved(case, source=source, target=meeting, item=item, reason=reason)
    return item
