"""Reads about one case: its agenda items, recommendations and ratifications."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Prefetch
from django.utils import timezone

from filiere.lib.ages import Age
from filiere.meetings.models import (
    AgendaItem,
    CaseRequest,
    Meeting,
    Ratification,
    Recommendation,
)
from filiere.meetings.selectors.visibility import _get
from filiere.patients.selectors import age_by_month_on


def current_agenda_item(case: CaseRequest) -> AgendaItem | None:
    return (
        case.agenda_items.select_related("meeting__series")
        .order_by("-meeting__starts_at", "-added_at")
        .first()
    )


def pending_agenda_item(case: CaseRequest) -> AgendaItem | None:
    """The agenda item where the case waits to be discussed (meeting planned or open)."""
    return (
        case.agenda_items.select_related("meeting__series")
        .filter(
            outcome=AgendaItem.Outcome.PENDING,
            meeting__status__in=[Meeting.Status.PLANNED, Meeting.Status.OPEN],
        )
        .order_by("meeting__starts_at")
        .first()
    )


def agenda_of(meeting: Meeting) -> list[AgendaItem]:
    """The agenda with what a case summary shows: pseudonym, age, sex, centre. No identity."""
    return list(
        meeting.agenda_items.select_related(
            "case__patient", "case__requester", "case__requester_centre"
        )
        .prefetch_related(
            Prefetch(
                "case__recommendations",
                queryset=Recommendation.objects.only(
                    "public_id", "case_id", "status", "version", "quorum_met", "meeting_id"
                ).order_by("-version"),
            )
        )
        .order_by("starts_at", "added_at")
    )


def patient_age_shown_at(case: CaseRequest, when: dt.datetime) -> Age:
    """The age as documents print it (months under 2 years, see ``filiere.lib.ages``)."""
    return age_by_month_on(case.patient, timezone.localtime(when).date())


def latest_recommendation(case: CaseRequest) -> Recommendation | None:
    return case.recommendations.order_by("-version").first()


def latest_signed(case: CaseRequest) -> Recommendation | None:
    return (
        case.recommendations.filter(status=Recommendation.Status.SIGNED)
        .order_by("-version")
        .first()
    )


def draft_of(case: CaseRequest) -> Recommendation | None:
    return case.recommendations.filter(status=Recommendation.Status.DRAFT).first()


def ratifications_of(case: CaseRequest) -> list[Ratification]:
    """The ordinary meetings' decisions on the case's urgent avis (without their PDF)."""
    return list(
        Ratification.objects.filter(recommendation__case=case)
        .select_related("recommendation", "agenda_item__meeting", "signed_by")
        .defer("pdf")
        .order_by("signed_at")
    )


def get_recommendation(case: CaseRequest, public_id: uuid.UUID | str) -> Recommendation:
    recommendation: Recommendation = _get(case.recommendations.all(), public_id)
    return recommendation
