"""Reads of the therapeutic education module: visible programmes, a session's participants
(identity for the treating team only, every patient read audited), evaluation results and the
year's figures for the activity report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from filiere.access.education import visible_programmes
from filiere.access.patients import patient_rights
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record_per_patient
from filiere.education.models import (
    QUESTIONS,
    Evaluation,
    Participant,
    Programme,
    Session,
    Workshop,
)
from filiere.identity.models import Identity
from filiere.patients.models import CareEpisode


def programmes_visible_to(user: Any) -> QuerySet[Programme]:
    programmes = Programme.objects.select_related("centre")
    condition = visible_programmes(user)
    if condition is not None:
        programmes = programmes.filter(pk__in=Programme.objects.filter(condition).values("pk"))
    return programmes.annotate(
        session_count=Count("sessions", distinct=True),
        workshop_count=Count("workshops", distinct=True),
    ).order_by("centre__name", "title")


@dataclass(frozen=True)
class ParticipantRow:
    participant: Participant
    # The patient's name for the treating team, else its pseudonym; a relative's first name.
    label: str
    identified: bool


def participant_rows(user: Any, session: Session) -> list[ParticipantRow]:
    """The session's participants as ``user`` may see them; each patient shown is an audited
    read (one event per patient, all in one INSERT)."""
    participants = list(
        session.participants.select_related("patient")
        .prefetch_related(
            Prefetch(
                "patient__care_episodes",
                queryset=CareEpisode.objects.only("centre_id", "patient_id"),
            )
        )
        .order_by("kind", "pk")
    )
    identified = {
        p.patient_id
        for p in participants
        if p.patient is not None
        and patient_rights(
            user,
            p.patient,
            following=frozenset(e.centre_id for e in p.patient.care_episodes.all()),
        ).see_identity
    }
    links = [
        p.patient.identity_link for p in participants if p.patient and p.patient_id in identified
    ]
    identities = {i.link: i for i in Identity.objects.filter(link__in=links)} if links else {}
    rows = []
    for p in participants:
        if p.patient is None:
            rows.append(ParticipantRow(p, f"{p.first_name} ({p.relation})", identified=False))
            continue
        identity = identities.get(p.patient.identity_link)
        if identity is not None:
            rows.append(ParticipantRow(p, f"{identity} – {p.patient.pseudonym}", identified=True))
        else:
            rows.append(ParticipantRow(p, p.patient.pseudonym, identified=False))
    patient_ids = [p.patient.public_id for p in participants if p.patient is not None]
    if patient_ids:
        audit_record_per_patient(
            actor=user,
            action=AuditEvent.Action.VIEW,
            patient_ids=patient_ids,
            summary=f"Participant à la séance d'ETP du {session.held_on:%d/%m/%Y}",
        )
    return rows


@dataclass(frozen=True)
class WorkshopResult:
    workshop: Workshop
    responses: int
    # Mean score (1–4) of each question of ``QUESTIONS``, None without a response.
    means: list[float | None]
    comments: list[str]


def session_results(session: Session) -> list[WorkshopResult]:
    """Per workshop held: the number of questionnaires returned and each question's mean."""
    evaluations = list(
        Evaluation.objects.filter(participant__session=session).order_by("workshop", "pk")
    )
    results = []
    for workshop in session.workshops.order_by("position"):
        mine = [e for e in evaluations if e.workshop_id == workshop.pk]
        means: list[float | None] = [
            round(sum(getattr(e, key) for e in mine) / len(mine), 2) if mine else None
            for key, _label in QUESTIONS
        ]
        results.append(
            WorkshopResult(
                workshop=workshop,
                responses=len(mine),
                means=means,
                comments=[e.comment for e in mine if e.comment],
            )
        )
    return results


@dataclass(frozen=True)
class YearFigures:
    programmes: int
    sessions: int
    patients: int
    relatives: int
    workshops: int
    evaluations: int
    # Mean of every item of every questionnaire returned (scale 1–4), None without any.
    satisfaction: float | None


def sessions_held(year: int, centre: Any = None) -> QuerySet[Session]:
    """The sessions of ``year`` that have taken place (of ``centre``'s programmes when given)."""
    last = min(dt.date(year, 12, 31), timezone.localdate())
    sessions = Session.objects.filter(held_on__gte=dt.date(year, 1, 1), held_on__lte=last)
    if centre is not None:
        sessions = sessions.filter(programme__centre=centre)
    return sessions


def year_figures(year: int, centre: Any = None) -> YearFigures:
    sessions = sessions_held(year, centre)
    present = Participant.objects.filter(session__in=sessions, attended=True)
    evaluations = Evaluation.objects.filter(participant__session__in=sessions)
    scores = [score for e in evaluations for score in e.scores()]
    return YearFigures(
        programmes=Programme.objects.filter(sessions__in=sessions).distinct().count(),
        sessions=sessions.count(),
        patients=present.filter(kind=Participant.Kind.PATIENT).values("patient").distinct().count(),
        relatives=present.filter(kind=Participant.Kind.RELATIVE).count(),
        workshops=Session.workshops.through.objects.filter(session__in=sessions).count(),
        evaluations=evaluations.count(),
        satisfaction=round(sum(scores) / len(scores), 2) if scores else None,
    )


def year_sessions(year: int, centre: Any = None) -> list[dict[str, Any]]:
    """The year's sessions held, each with its programme, place and attendance."""
    return list(
        sessions_held(year, centre)
        .order_by("held_on")
        .annotate(
            present=Count("participants", filter=Q(participants__attended=True), distinct=True),
            held=Count("workshops", distinct=True),
        )
        .values("held_on", "place", "programme__title", "present", "held")
    )
