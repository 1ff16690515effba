"""Who attended and whether the quorum was reached: the attendees of a discussion, the
series' rule, what the pages show of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from filiere.accounts.models import User
from filiere.meetings import quorum, rules
from filiere.meetings.models import (
    NON_PHYSICIAN_SPECIALTIES,
    AgendaItem,
    CaseRequest,
    ExpertOpinion,
    Meeting,
    MeetingSeries,
    Participant,
)

# --- Quorum ------------------------------------------------------------------------------


def attendee_of(participant: Participant) -> quorum.Attendee:
    specialties = (participant.specialty, *participant.additional_specialties)
    return quorum.Attendee(
        key=str(participant.public_id),
        name=participant.user.display_name,
        specialties=tuple(specialties),
        physician=participant.specialty not in NON_PHYSICIAN_SPECIALTIES,
    )


def quorum_rule(series: MeetingSeries) -> quorum.QuorumRule:
    return quorum.QuorumRule(
        required=frozenset(series.required_specialties), minimum=series.minimum_specialties
    )


ROLE_ORDER: dict[str, int] = {
    Participant.Role.COORDINATOR: 0,
    Participant.Role.EXPERT: 1,
    Participant.Role.PRESENTER: 2,
    Participant.Role.ATTENDEE: 3,
}


def attendees_during(
    meeting: Meeting,
    start: dt.datetime,
    end: dt.datetime,
    participants: Iterable[Participant] | None = None,
) -> list[quorum.Attendee]:
    """The participants whose presence overlaps [start, end], those who count first first.
    ``participants``: the meeting's, already read with their users and intervals (a page that
    lists them need not read them twice)."""
    if participants is None:
        participants = meeting.participants.select_related("user").prefetch_related("intervals")
    present = [p for p in participants if rules.present_during(p.spans(), start, end)]
    present.sort(key=lambda p: (ROLE_ORDER.get(p.role, 9), p.user.last_name, p.pk))
    return [attendee_of(p) for p in present]


def present_attendees(
    meeting: Meeting, when: dt.datetime, participants: Iterable[Participant] | None = None
) -> list[quorum.Attendee]:
    return attendees_during(meeting, when, when, participants)


def discussion_window(item: AgendaItem, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The case's discussion: from its opening to its closing (still open: until ``now``).
    A case never opened in session (an urgent one decided on written opinions) is the instant
    ``now``."""
    start = item.discussion_started_at
    if start is None:
        return now, now
    return start, item.discussion_ended_at or max(now, start)


def written_opinion_attendees(meeting: Meeting, case: CaseRequest) -> list[quorum.Attendee]:
    """Experts who answered in writing on an urgent case count as present for that case."""
    participants = {
        p.user_id: p
        for p in meeting.participants.select_related("user").filter(
            user__in=[o.author_id for o in ExpertOpinion.objects.filter(meeting=meeting, case=case)]
        )
    }
    return [attendee_of(p) for p in participants.values()]


def quorum_for(
    meeting: Meeting,
    when: dt.datetime,
    case: CaseRequest | None = None,
    participants: Iterable[Participant] | None = None,
) -> tuple[quorum.QuorumResult, list[quorum.Attendee]]:
    """Evaluate the series' quorum rule with the physicians present at ``when`` (and, at an
    urgent meeting, the experts who gave a written opinion on ``case``)."""
    attendees = present_attendees(meeting, when, participants)
    if case is not None and meeting.kind == Meeting.Kind.URGENT:
        keys = {a.key for a in attendees}
        attendees += [a for a in written_opinion_attendees(meeting, case) if a.key not in keys]
    return quorum.evaluate(quorum_rule(meeting.series), attendees), attendees


def quorum_for_case(
    meeting: Meeting, case: CaseRequest, now: dt.datetime
) -> tuple[quorum.QuorumResult, list[quorum.Attendee]]:
    """The quorum of the case's discussion at ``meeting``: the physicians present at any time
    of it (and, at an urgent meeting, the experts who answered in writing). The same overlap
    credits each participant with the case on their certificate."""
    item = AgendaItem.objects.filter(meeting=meeting, case=case).first()
    start, end = discussion_window(item, now) if item is not None else (now, now)
    attendees = attendees_during(meeting, start, end)
    if meeting.kind == Meeting.Kind.URGENT:
        keys = {a.key for a in attendees}
        attendees += [a for a in written_opinion_attendees(meeting, case) if a.key not in keys]
    return quorum.evaluate(quorum_rule(meeting.series), attendees), attendees


def specialty_label(code: str) -> str:
    return str(dict(User.Specialty.choices).get(code, code))


def quorum_display(result: quorum.QuorumResult) -> dict[str, Any]:
    """What the live indicator shows: each required specialty present or missing."""
    return {
        "met": result.met,
        "count": result.distinct_count,
        "minimum": result.minimum,
        "required": [
            {"label": specialty_label(code), "present": code in result.covered}
            for code in sorted(result.required)
        ],
        "others": sorted(specialty_label(c) for c in result.covered - result.required),
    }


def opinions_on(case: CaseRequest) -> QuerySet[ExpertOpinion]:
    return case.opinions.select_related("author", "meeting").order_by("created_at")
