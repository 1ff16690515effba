"""Meetings: planning, invitations, the agenda's slots, opening and closing, attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import SYSTEM, Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.meetings import notifications, participant_list, rules
from filiere.meetings.models import (
    AgendaItem,
    CaseRequest,
    Meeting,
    MeetingSeries,
    Participant,
    PresenceInterval,
    SeriesMember,
)
from filiere.meetings.selectors import discussion_window, next_meeting
from filiere.meetings.services.agenda import agenda_changed, agenda_sent
from filiere.meetings.services.common import audit

MEETING_FIELDS = ("starts_at", "duration_minutes", "video_link", "location", "notes")


def _now(at: dt.datetime | None) -> dt.datetime:
    return at if at is not None else timezone.now()


def require_meeting_day(meeting: Meeting, when: dt.datetime, what: str) -> None:
    """Refuse to run an ordinary meeting on another day than its own: its documents would date
    a session that had not taken place. An urgent meeting meets when it must."""
    if meeting.kind == Meeting.Kind.URGENT:
        return
    day = timezone.localtime(meeting.starts_at).date()
    today = timezone.localtime(when).date()
    if today != day:
        raise ValidationError(
            {
                "meeting": f"{what} se fait le jour de la réunion, le {day:%d/%m/%Y} "
                f"(nous sommes le {today:%d/%m/%Y})."
            }
        )


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


def register(
    *,
    actor: Actor,
    meeting: Meeting,
    user: User,
    role: str,
    specialty: str | None = None,
    is_external: bool = False,
    notify: bool = True,
) -> Participant:
    """Register ``user`` for the meeting (existing registrations are kept as they are)."""
    existing = Participant.objects.filter(meeting=meeting, user=user).first()
    if existing is not None:
        return existing
    participant = create_validated(
        Participant,
        meeting=meeting,
        user=user,
        role=role,
        specialty=specialty or user.specialty,
        is_external=is_external,
    )
    audit(
        actor,
        AuditEvent.Action.CREATE,
        participant,
        summary=f"{user.display_name} inscrit(e) ({participant.get_role_display()})",
    )
    if notify:
        notifications.meeting_invitations(meeting, [participant])
    return participant


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
    when = _now(at)
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
    when = _now(at)
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


# --- Participants and attendance ----------------------------------------------------------


@records_refusals("Inscription d'un participant")
def participant_add(
    *,
    actor: Actor,
    meeting: Meeting,
    user: User,
    role: str = Participant.Role.ATTENDEE,
    specialty: str | None = None,
) -> Participant:
    """Register a network physician in advance (the secretariat)."""
    if not meeting.is_active:
        raise ValidationError({"meeting": "Cette réunion est close ou annulée."})
    if Participant.objects.filter(meeting=meeting, user=user).exists():
        raise ValidationError({"user": f"{user.display_name} est déjà inscrit(e)."})
    if not user.is_active:
        raise ValidationError({"user": "Ce compte est désactivé."})
    return register(actor=actor, meeting=meeting, user=user, role=role, specialty=specialty)


@dataclass(frozen=True)
class ListRow:
    """One line of a list of participants, matched with an account; ``refusal`` says why it
    will not be registered (empty when it will)."""

    number: int
    identifier: str
    user: User | None = None
    specialty: str = ""
    role: str = Participant.Role.ATTENDEE
    refusal: str = ""

    @property
    def specialty_label(self) -> str:
        return str(dict(User.Specialty.choices).get(self.specialty, self.specialty))

    @property
    def role_label(self) -> str:
        return str(dict(Participant.Role.choices).get(self.role, self.role))


@dataclass(frozen=True)
class ParticipantList:
    accepted: list[ListRow] = field(default_factory=list)
    refused: list[ListRow] = field(default_factory=list)

    @property
    def unknown_accounts(self) -> bool:
        """Whether lines name physicians without an account (to be invited as external)."""
        return any(row.user is None and "Aucun compte" in row.refusal for row in self.refused)


def _accounts_for(
    lines: list[participant_list.ListLine],
) -> tuple[dict[str, User], dict[str, list[User]]]:
    emails = [line.identifier for line in lines if not line.is_rpps]
    rpps = [line.identifier for line in lines if line.is_rpps]
    by_email = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
    by_rpps: dict[str, list[User]] = {}
    for user in User.objects.filter(rpps__in=rpps).order_by("pk"):
        by_rpps.setdefault(user.rpps, []).append(user)
    return by_email, by_rpps


def participant_list_check(meeting: Meeting, text: str) -> ParticipantList:
    """Match each line of the list with an account, a specialty and a role, and say line by
    line what will be registered and what is refused, and why."""
    lines = participant_list.read_lines(text)
    by_email, by_rpps = _accounts_for(lines)
    registered = set(meeting.participants.values_list("user_id", flat=True))
    specialties = {code: str(label) for code, label in User.Specialty.choices}
    roles = {code: str(label) for code, label in Participant.Role.choices}
    seen: dict[int, int] = {}
    result = ParticipantList()
    for line in lines:
        user: User | None = None
        refusal = ""
        if line.is_rpps:
            matches = by_rpps.get(line.identifier, [])
            user = matches[0] if len(matches) == 1 else None
            if len(matches) > 1:
                refusal = "Plusieurs comptes portent ce RPPS : indiquez l'adresse e-mail."
            elif user is None:
                refusal = (
                    "Aucun compte Filière avec ce RPPS : invitez ce médecin comme expert "
                    "extérieur depuis la page de la RCP."
                )
        elif "@" in line.identifier:
            user = by_email.get(line.identifier)
            refusal = (
                "Aucun compte Filière avec cette adresse : invitez ce médecin comme expert "
                "extérieur depuis la page de la RCP."
            )
        else:
            refusal = "Ni une adresse e-mail ni un numéro RPPS (11 chiffres)."
        specialty = participant_list.choice_matching(line.specialty, specialties)
        role = participant_list.choice_matching(line.role, roles)
        if user is not None:
            refusal = ""
            if user.pk in seen:
                refusal = f"Doublon de la ligne {seen[user.pk]}."
            elif user.pk in registered:
                refusal = f"{user.display_name} est déjà inscrit(e) à cette réunion."
            elif not user.is_active:
                refusal = f"Le compte de {user.display_name} est désactivé."
            elif line.specialty and specialty is None:
                refusal = f"Spécialité inconnue : « {line.specialty} »."
            elif line.role and role is None:
                refusal = f"Rôle inconnu : « {line.role} »."
            seen.setdefault(user.pk, line.number)
        row = ListRow(
            number=line.number,
            identifier=line.identifier,
            user=user,
            specialty=specialty or (user.specialty if user is not None else ""),
            # Nobody becomes coordinator for want of a role in the list (issue 12, defect 6).
            role=role or Participant.Role.ATTENDEE,
            refusal=refusal,
        )
        (result.refused if refusal else result.accepted).append(row)
    return result


@records_refusals("Inscription d'une liste de participants")
def participants_add_list(*, actor: Actor, meeting: Meeting, text: str) -> ParticipantList:
    """Register at once the accepted lines of a pasted or uploaded list, and invite them."""
    if not meeting.is_active:
        raise ValidationError({"meeting": "Cette réunion est close ou annulée."})
    checked = participant_list_check(meeting, text)
    if not checked.accepted:
        raise ValidationError({"lines": "Aucune ligne de la liste ne peut être inscrite."})
    added = [
        register(
            actor=actor,
            meeting=meeting,
            user=row.user,
            role=row.role,
            specialty=row.specialty,
            notify=False,
        )
        for row in checked.accepted
        if row.user is not None
    ]
    audit(
        actor,
        AuditEvent.Action.CREATE,
        meeting,
        summary=f"{len(added)} participant(s) inscrit(s) par liste, "
        f"{len(checked.refused)} ligne(s) refusée(s)",
    )
    notifications.meeting_invitations(meeting, added)
    return checked


@records_refusals("Inscription des membres de la série")
def participants_add_series_members(*, actor: Actor, meeting: Meeting) -> list[Participant]:
    """Register the series' active members not yet registered (the secretariat excepted), as
    the planning of a meeting does, and invite them."""
    if not meeting.is_active:
        raise ValidationError({"meeting": "Cette réunion est close ou annulée."})
    registered = meeting.participants.values_list("user_id", flat=True)
    members = (
        meeting.series.members.select_related("user")
        .exclude(role=SeriesMember.Role.SECRETARY)
        .exclude(user_id__in=registered)
        .filter(user__is_active=True)
        .order_by("role")
    )
    roles = {SeriesMember.Role.COORDINATOR: Participant.Role.COORDINATOR}
    added: dict[int, Participant] = {}
    for member in members:
        if member.user_id in added:
            continue
        role = roles.get(member.role, Participant.Role.EXPERT)  # type: ignore[call-overload]
        added[member.user_id] = register(
            actor=actor, meeting=meeting, user=member.user, role=role, notify=False
        )
    if added:
        audit(
            actor,
            AuditEvent.Action.CREATE,
            meeting,
            summary=f"{len(added)} membre(s) de la série inscrit(s)",
        )
        notifications.meeting_invitations(meeting, added.values())
    return list(added.values())


@records_refusals("Inscription à une réunion")
def meeting_register_self(*, actor: User, meeting: Meeting) -> Participant:
    """A physician registers for a meeting from the calendar (the caller has checked
    ``meeting_rights(actor, meeting).register``: a series she belongs to or is invited to)."""
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError({"meeting": "Les inscriptions sont closes pour cette réunion."})
    if Participant.objects.filter(meeting=meeting, user=actor).exists():
        raise ValidationError({"meeting": "Vous êtes déjà inscrit(e)."})
    return register(actor=actor, meeting=meeting, user=actor, role=Participant.Role.ATTENDEE)


@records_refusals("Modification d'un participant")
def participant_update(
    *,
    actor: Actor,
    participant: Participant,
    specialty: str,
    additional_specialties: Iterable[str] = (),
    role: str | None = None,
) -> dict[str, Any]:
    """Say which specialty the physician holds (one only counts for the quorum)."""
    others = [s for s in dict.fromkeys(additional_specialties) if s != specialty]
    if any(s not in User.Specialty.values for s in [specialty, *others]):
        raise ValidationError({"specialty": "Spécialité inconnue."})
    values: dict[str, Any] = {"specialty": specialty, "additional_specialties": others}
    if role is not None:
        values["role"] = role
    changes = update_validated(participant, values)
    if changes:
        audit(actor, AuditEvent.Action.UPDATE, participant, changes=changes)
    return changes


def _meeting_in_session(participant: Participant) -> Meeting:
    # Read the meeting again: another screen may have closed it meanwhile.
    meeting = Meeting.objects.select_related("series").get(pk=participant.meeting_id)
    participant.meeting = meeting
    return meeting


@records_refusals("Émargement")
def attendance_check_in(
    *, actor: Actor, participant: Participant, at: dt.datetime | None = None
) -> Participant:
    """Record an arrival: a physician back after leaving starts a new interval of presence."""
    meeting = _meeting_in_session(participant)
    if meeting.status != Meeting.Status.OPEN:
        raise ValidationError({"status": "L'émargement se fait pendant la séance ouverte."})
    when = _now(at)
    require_meeting_day(meeting, when, "L'émargement")
    intervals = list(participant.intervals.order_by("arrived_at"))
    if any(i.left_at is None for i in intervals):
        raise ValidationError({"arrived_at": "Ce participant est déjà présent."})
    if intervals and intervals[-1].left_at is not None and when < intervals[-1].left_at:
        left = timezone.localtime(intervals[-1].left_at)
        raise ValidationError(
            {"arrived_at": f"L'arrivée précède le dernier départ ({left:%H:%M})."}
        )
    interval = create_validated(PresenceInterval, participant=participant, arrived_at=when)
    audit(
        actor,
        AuditEvent.Action.UPDATE,
        participant,
        summary=f"Arrivée de {participant.user.display_name} à {timezone.localtime(when):%H:%M}",
        changes={"arrivée": when.isoformat(), "période": interval.pk},
    )
    return participant


@records_refusals("Émargement")
def attendance_check_out(
    *, actor: Actor, participant: Participant, at: dt.datetime | None = None
) -> Participant:
    """Record a departure: the participant's current interval of presence ends."""
    meeting = _meeting_in_session(participant)
    if meeting.status != Meeting.Status.OPEN:
        raise ValidationError({"status": "L'émargement se fait pendant la séance ouverte."})
    when = _now(at)
    interval = participant.intervals.filter(left_at__isnull=True).first()
    if interval is None:
        raise ValidationError({"left_at": "Ce participant n'est pas présent."})
    if when < interval.arrived_at:
        raise ValidationError({"left_at": "Le départ précède l'arrivée."})
    update_validated(interval, {"left_at": when})
    audit(
        actor,
        AuditEvent.Action.UPDATE,
        participant,
        summary=f"Départ de {participant.user.display_name} à {timezone.localtime(when):%H:%M}",
        changes={"départ": when.isoformat(), "période": interval.pk},
    )
    return participant


@records_refusals("Émargement de tous les participants")
def attendance_check_in_all(
    *, actor: Actor, meeting: Meeting, at: dt.datetime | None = None
) -> int:
    """Record the arrival of every participant not present now (« tous présents »); return how
    many arrived. Those present keep their interval; those who left start a new one."""
    meeting = Meeting.objects.select_related("series").get(pk=meeting.pk)
    if meeting.status != Meeting.Status.OPEN:
        raise ValidationError({"status": "L'émargement se fait pendant la séance ouverte."})
    when = _now(at)
    require_meeting_day(meeting, when, "L'émargement")
    arriving = [
        participant
        for participant in meeting.participants.prefetch_related("intervals")
        if not participant.is_present
        and all(span.end is not None and span.end <= when for span in participant.spans())
    ]
    PresenceInterval.objects.bulk_create(
        PresenceInterval(participant=participant, arrived_at=when) for participant in arriving
    )
    audit(
        actor,
        AuditEvent.Action.UPDATE,
        meeting,
        summary=f"Tous présents : arrivée de {len(arriving)} participant(s) à "
        f"{timezone.localtime(when):%H:%M}",
        changes={"arrivée": when.isoformat(), "participants": len(arriving)},
    )
    return len(arriving)


def cases_discussed_during(participant: Participant) -> int:
    """Cases discussed while the participant was there: their presence overlaps the case's
    discussion (the same rule counts them in that case's quorum)."""
    spans = participant.spans()
    if not spans:
        return 0
    now = participant.meeting.closed_at or timezone.now()
    # Read through .all() so that a list of meetings prefetches their agenda at once.
    items = [
        item
        for item in participant.meeting.agenda_items.all()
        if item.outcome == AgendaItem.Outcome.DISCUSSED and item.discussion_started_at is not None
    ]
    return sum(rules.present_during(spans, *discussion_window(item, now)) for item in items)


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
    when = _now(at)
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
    when = _now(at)
    if when < agenda_item.discussion_started_at:
        raise ValidationError({"meeting": "La fin de la discussion précède son début."})
    _end_discussion(actor, agenda_item, when)
    return agenda_item


def attendance_certificate_issued(*, actor: User, participant: Participant) -> None:
    """Record that an attendance certificate was printed."""
    audit(
        actor,
        AuditEvent.Action.PRINT,
        participant,
        summary=f"Attestation de présence de {participant.user.display_name}",
    )


def attendance_certificates_archived(*, actor: User, meeting: Meeting, count: int) -> None:
    """Record that the certificates of a meeting were printed together, in one archive."""
    audit(
        actor,
        AuditEvent.Action.PRINT,
        meeting,
        summary=f"Attestations de présence de la réunion ({count}) en une archive",
        changes={"attestations": count},
    )


def attendance_exported(*, actor: User, meeting: Meeting) -> None:
    audit(actor, AuditEvent.Action.EXPORT, meeting, summary="Émargement (DPC) exporté")


def statistics_exported(*, actor: User, year: int) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        object_type="meetings.statistics",
        summary=f"Statistiques des RCP {year} exportées",
    )
