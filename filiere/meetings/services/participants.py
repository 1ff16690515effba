"""Participants: registering them (one by one, by list, the series' members, oneself) and their
attendance (arrivals and departures, certificates, the DPC export)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import Actor
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.meetings import notifications, participant_list, rules
from filiere.meetings.models import AgendaItem, Meeting, Participant, PresenceInterval, SeriesMember
from filiere.meetings.selectors import discussion_window
from filiere.meetings.services.common import audit, now_or, require_meeting_day


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
    if meeting.status != Meeting.Status.OPEN:
        raise ValidationError({"status": "L'émargement se fait pendant la séance ouverte."})
    return meeting


def _attendance_audit(
    actor: Actor,
    participant: Participant,
    interval: PresenceInterval,
    when: dt.datetime,
    *,
    arrival: bool,
) -> Participant:
    what, key = ("Arrivée", "arrivée") if arrival else ("Départ", "départ")
    audit(
        actor,
        AuditEvent.Action.UPDATE,
        participant,
        summary=f"{what} de {participant.user.display_name} à {timezone.localtime(when):%H:%M}",
        changes={key: when.isoformat(), "période": interval.pk},
    )
    return participant


@records_refusals("Émargement")
def attendance_check_in(
    *, actor: Actor, participant: Participant, at: dt.datetime | None = None
) -> Participant:
    """Record an arrival: a physician back after leaving starts a new interval of presence."""
    meeting = _meeting_in_session(participant)
    when = now_or(at)
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
    return _attendance_audit(actor, participant, interval, when, arrival=True)


@records_refusals("Émargement")
def attendance_check_out(
    *, actor: Actor, participant: Participant, at: dt.datetime | None = None
) -> Participant:
    """Record a departure: the participant's current interval of presence ends."""
    _meeting_in_session(participant)
    when = now_or(at)
    interval = participant.intervals.filter(left_at__isnull=True).first()
    if interval is None:
        raise ValidationError({"left_at": "Ce participant n'est pas présent."})
    if when < interval.arrived_at:
        raise ValidationError({"left_at": "Le départ précède l'arrivée."})
    update_validated(interval, {"left_at": when})
    return _attendance_audit(actor, participant, interval, when, arrival=False)


@records_refusals("Émargement de tous les participants")
def attendance_check_in_all(
    *, actor: Actor, meeting: Meeting, at: dt.datetime | None = None
) -> int:
    """Record the arrival of every participant not present now (« tous présents »); return how
    many arrived. Those present keep their interval; those who left start a new one."""
    meeting = Meeting.objects.select_related("series").get(pk=meeting.pk)
    if meeting.status != Meeting.Status.OPEN:
        raise ValidationError({"status": "L'émargement se fait pendant la séance ouverte."})
    when = now_or(at)
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
