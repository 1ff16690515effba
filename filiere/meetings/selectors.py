"""Which meetings and cases a user sees, as queries for the lists, and the module's reads.

The rules are those of ``filiere.access.meetings`` (object by object), written here as filters:
- The staff of a series (coordinators, secretariat) see all its meetings and cases.
- A registered participant sees the meeting, and the cases on its agenda while the meeting is
  planned or open: access ends when the meeting closes.
- The requesting physician sees their own requests.
- The permanent experts of a series, alerted at once by an urgent request, see it from its
  submission until its avis is signed (they may answer in writing; issue 12, defect 3).
- Those who see the patient in the registry see the patient's requests and recommendations
  (the recommendation is filed in the patient's record).
Everyone else gets 404, recorded. Meeting pages never read the identity table.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from filiere.access import Capability, grants_for
from filiere.access.meetings import (
    URGENT_ALERT_STATUSES,
    case_rights,
    meeting_rights,
    series_rights,
)
from filiere.accounts.models import User
from filiere.core.access_errors import NotVisible
from filiere.lib.ages import Age
from filiere.meetings import quorum, rules
from filiere.meetings.models import (
    NON_PHYSICIAN_SPECIALTIES,
    STAFF_ROLES,
    AgendaItem,
    CaseRequest,
    ExpertOpinion,
    ExternalInvitation,
    Meeting,
    MeetingSeries,
    Participant,
    Ratification,
    Recommendation,
    SeriesMember,
)
from filiere.patients.activities import NationalActivity
from filiere.patients.selectors import age_by_month_on, patients_visible_to

# --- Series ---------------------------------------------------------------------------------


def series_managed_by(user: User) -> QuerySet[MeetingSeries]:
    """Return the series where ``user`` is coordinator or secretariat."""
    roles = SeriesMember.objects.filter(series=OuterRef("pk"), user=user, role__in=STAFF_ROLES)
    return MeetingSeries.objects.filter(Exists(roles))


def series_visible_to(user: User) -> QuerySet[MeetingSeries]:
    """Return the series the user belongs to (staff or permanent member)."""
    roles = SeriesMember.objects.filter(series=OuterRef("pk"), user=user)
    return MeetingSeries.objects.filter(Exists(roles))


def _get(queryset: QuerySet[Any], public_id: uuid.UUID | str) -> Any:
    try:
        return queryset.get(public_id=public_id)
    except (queryset.model.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc


def get_series_for_user(user: User, public_id: uuid.UUID | str) -> MeetingSeries:
    series: MeetingSeries = _get(MeetingSeries.objects.select_related("centre"), public_id)
    if not series_visible_to(user).filter(pk=series.pk).exists():
        raise NotVisible("meetings.meetingseries", str(series.public_id))
    return series


def get_series_for_staff(user: User, public_id: uuid.UUID | str) -> MeetingSeries:
    series: MeetingSeries = _get(MeetingSeries.objects.select_related("centre"), public_id)
    if not series_rights(user, series).staff:
        raise NotVisible("meetings.meetingseries", str(series.public_id), "secrétariat requis")
    return series


def get_series_for_coordinator(user: User, public_id: uuid.UUID | str) -> MeetingSeries:
    series: MeetingSeries = _get(MeetingSeries.objects.select_related("centre"), public_id)
    if not series_rights(user, series).coordinate:
        raise NotVisible("meetings.meetingseries", str(series.public_id), "coordonnateur requis")
    return series


def series_open_for_submission(user: User) -> QuerySet[MeetingSeries]:
    """Series to which ``user`` may send a case: all active ones for a network clinician; for an
    invited external physician, those of their invitations."""
    active = MeetingSeries.objects.filter(is_active=True).select_related("centre")
    if grants_for(user).has(Capability.SUBMIT_CASES):
        return active
    invited = ExternalInvitation.objects.filter(
        series=OuterRef("pk"), user=user, may_submit_cases=True
    )
    return active.filter(Exists(invited))


def series_statistics_visible_to(user: User) -> QuerySet[MeetingSeries]:
    """Series whose statistics the user may read: their staff, and statistics readers of the
    organising centre (everywhere for network-wide roles)."""
    grants = grants_for(user)
    if grants.is_network_wide(Capability.VIEW_STATISTICS):
        return MeetingSeries.objects.all()
    centres = grants.centre_ids(Capability.VIEW_STATISTICS)
    staff = SeriesMember.objects.filter(series=OuterRef("pk"), user=user, role__in=STAFF_ROLES)
    return MeetingSeries.objects.filter(Q(Exists(staff)) | Q(centre_id__in=centres))


# --- Meetings -------------------------------------------------------------------------------


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    staff = SeriesMember.objects.filter(series=OuterRef("series"), user=user, role__in=STAFF_ROLES)
    registered = Participant.objects.filter(meeting=OuterRef("pk"), user=user)
    return Meeting.objects.filter(Q(Exists(staff)) | Q(Exists(registered)))


def get_meeting_for_user(user: User, public_id: uuid.UUID | str) -> Meeting:
    meeting: Meeting = _get(Meeting.objects.select_related("series__centre"), public_id)
    if not meetings_visible_to(user).filter(pk=meeting.pk).exists():
        raise NotVisible("meetings.meeting", str(meeting.public_id))
    return meeting


def get_meeting_for_staff(user: User, public_id: uuid.UUID | str) -> Meeting:
    meeting: Meeting = _get(Meeting.objects.select_related("series__centre"), public_id)
    if not meeting_rights(user, meeting).staff:
        raise NotVisible("meetings.meeting", str(meeting.public_id), "secrétariat requis")
    return meeting


def participation_of(user: User, meeting: Meeting) -> Participant | None:
    return Participant.objects.filter(meeting=meeting, user=user).first()


def upcoming_meetings(series: QuerySet[MeetingSeries] | None = None) -> QuerySet[Meeting]:
    """Planned and open meetings, soonest first (the network's RCP calendar)."""
    meetings = Meeting.objects.filter(status__in=[Meeting.Status.PLANNED, Meeting.Status.OPEN])
    if series is not None:
        meetings = meetings.filter(series__in=series)
    return meetings.select_related("series__centre").order_by("starts_at")


def next_meeting(
    series: MeetingSeries, after: dt.datetime, *, ordinary_only: bool = False
) -> Meeting | None:
    meetings = Meeting.objects.filter(
        series=series, status=Meeting.Status.PLANNED, starts_at__gt=after
    )
    if ordinary_only:
        meetings = meetings.filter(kind=Meeting.Kind.ORDINARY)
    return meetings.order_by("starts_at").first()


def participants_of(meeting: Meeting) -> QuerySet[Participant]:
    """The registered participants with their intervals of presence (one query each); each
    shares the `meeting` instance given (the related manager sets it, no join)."""
    return (
        meeting.participants.select_related("user")
        .prefetch_related("intervals")
        .order_by("user__last_name", "user__first_name")
    )


def past_participations(user: User) -> QuerySet[Participant]:
    """The user's places at meetings now closed, latest first, with what their page and
    certificate read (intervals, the meeting's agenda) in a fixed number of queries."""
    return (
        Participant.objects.filter(user=user, meeting__status=Meeting.Status.CLOSED)
        .select_related("user", "meeting__series__centre")
        .prefetch_related(
            "intervals",
            Prefetch(
                "meeting__agenda_items",
                queryset=AgendaItem.objects.only(
                    "meeting_id", "outcome", "discussion_started_at", "discussion_ended_at"
                ),
            ),
        )
        .order_by("-meeting__starts_at")
    )


# --- Cases ----------------------------------------------------------------------------------


def cases_visible_to(user: User) -> QuerySet[CaseRequest]:
    """Return the case requests ``user`` may read (see the module docstring)."""
    staff = SeriesMember.objects.filter(series=OuterRef("series"), user=user, role__in=STAFF_ROLES)
    attending = AgendaItem.objects.filter(
        case=OuterRef("pk"),
        meeting__status__in=[Meeting.Status.PLANNED, Meeting.Status.OPEN],
        meeting__participants__user=user,
    )
    alerted = SeriesMember.objects.filter(
        series=OuterRef("series"), user=user, role=SeriesMember.Role.EXPERT
    )
    urgent_open = Q(is_urgent=True, status__in=URGENT_ALERT_STATUSES) & Q(Exists(alerted))
    condition = Q(requester=user) | Q(Exists(staff)) | Q(Exists(attending)) | urgent_open
    if grants_for(user).has(Capability.VIEW_PATIENTS):
        condition |= Q(patient__in=patients_visible_to(user))
    return CaseRequest.objects.filter(condition)


def get_case_for_user(user: User, public_id: uuid.UUID | str) -> CaseRequest:
    """Return the case, or 404 (recorded with the patient's id) when the user may not read it."""
    case = _get_case(public_id)
    if not cases_visible_to(user).filter(pk=case.pk).exists():
        raise NotVisible(
            "meetings.caserequest", str(case.public_id), patient_id=case.patient.public_id
        )
    return case


def _get_case(public_id: uuid.UUID | str) -> CaseRequest:
    case: CaseRequest = _get(
        CaseRequest.objects.select_related(
            "series__centre", "patient", "requester", "requester_centre"
        ),
        public_id,
    )
    return case


def get_case_for_staff(user: User, public_id: uuid.UUID | str) -> CaseRequest:
    case = _get_case(public_id)
    if not case_rights(user, case).staff:
        raise NotVisible(
            "meetings.caserequest",
            str(case.public_id),
            "secrétariat requis",
            patient_id=case.patient.public_id,
        )
    return case


def get_case_for_coordinator(user: User, public_id: uuid.UUID | str) -> CaseRequest:
    """Return the case to one of its series' coordinators (signing, correcting its avis)."""
    case = _get_case(public_id)
    if not case_rights(user, case).coordinate:
        raise NotVisible(
            "meetings.caserequest",
            str(case.public_id),
            "coordonnateur requis",
            patient_id=case.patient.public_id,
        )
    return case


def with_list_details(cases: QuerySet[CaseRequest]) -> QuerySet[CaseRequest]:
    return cases.select_related(
        "series", "patient", "requester", "requester_centre"
    ).prefetch_related(
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.select_related("meeting").order_by("-meeting__starts_at"),
        )
    )


def my_cases(user: User) -> QuerySet[CaseRequest]:
    return with_list_details(CaseRequest.objects.filter(requester=user)).order_by(
        "-submitted_at", "pk"
    )


def triage_queue(series: MeetingSeries) -> QuerySet[CaseRequest]:
    """Requests waiting for the coordinator: submitted, or back after completion."""
    return with_list_details(
        CaseRequest.objects.filter(
            series=series, status__in=[CaseRequest.Status.SUBMITTED, CaseRequest.Status.RETURNED]
        )
    ).order_by("-is_urgent", "submitted_at")


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


# --- National dataset ----------------------------------------------------------------------

# JDV_ContexteActivite_CISIS: the requesting centre took part in a national RCP.
RCP_CONTEXT = "ORG-199"
# JDV_ObjectifActivite_CISIS by question: diagnosis, genetic counselling, else care set-up.
OBJECTIVES = {"diagnostic": "MED-097", "genetic": "MED-098"}
CARE_SET_UP = "ORG-046"


@dataclass(frozen=True)
class RcpActivity:
    """One discussion of the patient's case: an activity of the national minimum dataset."""

    date: dt.date
    centre_id: int
    context: str
    objective: str


def national_activities(patient_id: int) -> list[RcpActivity]:
    """Each discussion of a case at a held meeting, for the SDM-MR export of the patient."""
    items = AgendaItem.objects.filter(
        case__patient_id=patient_id, outcome=AgendaItem.Outcome.DISCUSSED
    ).select_related("case__series", "meeting")
    return [
        RcpActivity(
            date=timezone.localtime(item.meeting.starts_at).date(),
            centre_id=item.case.requester_centre_id or item.case.series.centre_id,
            context=RCP_CONTEXT,
            objective=OBJECTIVES.get(item.case.question_type, CARE_SET_UP),
        )
        for item in items.order_by("meeting__starts_at")
        if item.purpose != AgendaItem.Purpose.RATIFICATION
    ]


def national_activities_of(patient_ids: list[int]) -> dict[int, list[NationalActivity]]:
    """Each discussion of these patients' cases at a held meeting (one query)."""
    items = (
        AgendaItem.objects.filter(
            case__patient_id__in=patient_ids, outcome=AgendaItem.Outcome.DISCUSSED
        )
        .exclude(purpose=AgendaItem.Purpose.RATIFICATION)
        .select_related("case__series__centre", "case__requester_centre", "meeting")
        .order_by("meeting__starts_at")
    )
    found: dict[int, list[NationalActivity]] = {}
    for item in items:
        centre = item.case.requester_centre or item.case.series.centre
        found.setdefault(item.case.patient_id, []).append(
            NationalActivity(
                item.public_id,
                timezone.localtime(item.meeting.starts_at).date(),
                centre,
                RCP_CONTEXT,
                (OBJECTIVES.get(item.case.question_type, CARE_SET_UP),),
            )
        )
    return found
