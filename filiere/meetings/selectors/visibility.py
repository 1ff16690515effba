"""Which series, meetings and cases a user sees (the rules of ``filiere.access.meetings``
written as filters), and the ``get_<thing>_for_<role>`` helpers the views call."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from filiere.access import Capability, grants_for
from filiere.access.meetings import (
    URGENT_ALERT_STATUSES,
    case_rights,
    meeting_rights,
    series_rights,
)
from filiere.accounts.models import User
from filiere.core.access_errors import NotVisible
from filiere.meetings.models import (
    STAFF_ROLES,
    AgendaItem,
    CaseRequest,
    ExternalInvitation,
    Meeting,
    MeetingSeries,
    Participant,
    SeriesMember,
)
from filiere.patients.selectors import patients_visible_to

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
