"""What a user may do with an RCP series, a meeting and a case request.

- The staff of a series (coordinators, secretariat) see all its meetings and cases; the
  coordinators sign and configure.
- A registered participant sees the meeting, and the cases on its agenda while the meeting is
  planned or open: access ends when the meeting closes.
- The requesting physician sees and completes her own requests.
- The permanent experts of a series, alerted at once by an urgent request, read it from its
  submission until its avis is signed; the participants of the urgent meeting answer in writing.
- Those who see the patient in the registry read the patient's requests and recommendations.
- A physician registers only for a meeting of a series she belongs to or is invited to.

Each right is computed when first asked (a page asks two or three of them), in one query at most.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from filiere.access.grants import Capability, grants_for
from filiere.access.patients import patient_rights
from filiere.meetings.models import (
    STAFF_ROLES,
    AgendaItem,
    CaseRequest,
    ExternalInvitation,
    Meeting,
    MeetingSeries,
    Participant,
    Recommendation,
    SeriesMember,
)

ACTIVE_MEETING = (Meeting.Status.PLANNED, Meeting.Status.OPEN)

# An urgent request, until its avis is signed: what the alerted experts may read.
URGENT_ALERT_STATUSES = (
    CaseRequest.Status.SUBMITTED,
    CaseRequest.Status.RETURNED,
    CaseRequest.Status.ACCEPTED,
    CaseRequest.Status.DISCUSSED,
)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


class SeriesRights:
    def __init__(self, user: Any, series: MeetingSeries) -> None:
        self.user, self.series = user, series

    @cached_property
    def roles(self) -> frozenset[str]:
        if not _signed_in(self.user):
            return frozenset()
        return frozenset(
            SeriesMember.objects.filter(series=self.series, user=self.user).values_list(
                "role", flat=True
            )
        )

    @property
    def see(self) -> bool:
        return bool(self.roles)

    @property
    def staff(self) -> bool:
        return bool(self.roles & set(STAFF_ROLES))

    @property
    def coordinate(self) -> bool:
        return SeriesMember.Role.COORDINATOR in self.roles

    @property
    def expert(self) -> bool:
        return SeriesMember.Role.EXPERT in self.roles

    @cached_property
    def submit(self) -> bool:
        """Send a case: any network clinician to an active series; an invited external
        physician to the series of her invitation, if it allows requests."""
        if not self.series.is_active or not _signed_in(self.user):
            return False
        if grants_for(self.user).has(Capability.SUBMIT_CASES):
            return True
        return ExternalInvitation.objects.filter(
            series=self.series, user=self.user, may_submit_cases=True
        ).exists()


def series_rights(user: Any, series: MeetingSeries) -> SeriesRights:
    return SeriesRights(user, series)


class WithinSeries:
    """Rights on an object of a series (a meeting, a case): its staff run it, its coordinators
    sign and configure."""

    def __init__(self, user: Any, series: MeetingSeries) -> None:
        self.user = user
        self.series = SeriesRights(user, series)

    @property
    def staff(self) -> bool:
        return self.series.staff

    @property
    def coordinate(self) -> bool:
        return self.series.coordinate


class MeetingRights(WithinSeries):
    def __init__(self, user: Any, meeting: Meeting) -> None:
        super().__init__(user, meeting.series)
        self.meeting = meeting

    @cached_property
    def participates(self) -> bool:
        return _signed_in(self.user) and (
            Participant.objects.filter(meeting=self.meeting, user=self.user).exists()
        )

    @property
    def see(self) -> bool:
        return self.staff or self.participates

    @cached_property
    def register(self) -> bool:
        """Registering opens the meeting's agenda, with other centres' cases."""
        return self.meeting.pk in meetings_open_for_registration(self.user, [self.meeting])


def meeting_rights(user: Any, meeting: Meeting) -> MeetingRights:
    return MeetingRights(user, meeting)


def meetings_open_for_registration(user: Any, meetings: list[Meeting]) -> set[int]:
    """Of these meetings, those ``user`` may register for, in two queries for a calendar."""
    if not _signed_in(user) or not meetings:
        return set()
    series_ids = {m.series_id for m in meetings}
    member_of = set(
        SeriesMember.objects.filter(series_id__in=series_ids, user=user).values_list(
            "series_id", flat=True
        )
    )
    invitations = list(
        ExternalInvitation.objects.filter(series_id__in=series_ids, user=user)
        .filter(Q(meeting__isnull=True) | Q(meeting_id__in=[m.pk for m in meetings]))
        .filter(expires_at__gt=timezone.now())
        .values_list("series_id", "meeting_id")
    )
    return {
        m.pk
        for m in meetings
        if m.series_id in member_of
        or any(s == m.series_id and i in (None, m.pk) for s, i in invitations)
    }


def urgent_item_open_for_opinions(case: CaseRequest) -> AgendaItem | None:
    """The urgent meeting where the experts may still answer in writing on ``case``: written
    opinions stay open until the avis of that meeting is signed, whether or not a draft was
    saved or the case discussed in session (issue 12, defect 3)."""
    signed = Recommendation.objects.filter(
        case=OuterRef("case"), meeting=OuterRef("meeting"), status=Recommendation.Status.SIGNED
    )
    return (
        case.agenda_items.select_related("meeting__series")
        .filter(meeting__kind=Meeting.Kind.URGENT, meeting__status__in=ACTIVE_MEETING)
        .exclude(outcome=AgendaItem.Outcome.POSTPONED)
        .exclude(Exists(signed))
        .order_by("meeting__starts_at")
        .first()
    )


class CaseRights(WithinSeries):
    def __init__(self, user: Any, case: CaseRequest) -> None:
        super().__init__(user, case.series)
        self.case = case

    @property
    def is_requester(self) -> bool:
        return _signed_in(self.user) and self.case.requester_id == self.user.pk

    @cached_property
    def attends(self) -> bool:
        """Registered for a planned or open meeting with the case on its agenda."""
        return _signed_in(self.user) and (
            self.case.agenda_items.filter(
                meeting__status__in=ACTIVE_MEETING, meeting__participants__user=self.user
            ).exists()
        )

    @cached_property
    def patient(self) -> Any:
        return patient_rights(self.user, self.case.patient)

    @cached_property
    def read(self) -> bool:
        alerted = (
            self.case.is_urgent and self.case.status in URGENT_ALERT_STATUSES and self.series.expert
        )
        return self.is_requester or self.staff or alerted or self.attends or self.patient.see

    @property
    def complete_file(self) -> bool:
        """Attachments and the re-read of the registry record."""
        return self.is_requester or self.staff

    @property
    def copy_for_record(self) -> bool:
        """The avis with the patient's identity, to file in the patient's record."""
        return bool(self.patient.see_identity)

    @cached_property
    def urgent_item(self) -> AgendaItem | None:
        return urgent_item_open_for_opinions(self.case)

    @cached_property
    def answer_in_writing(self) -> bool:
        """A participant of the urgent meeting whose avis on this case is not signed yet."""
        item = self.urgent_item
        return (
            item is not None
            and _signed_in(self.user)
            and Participant.objects.filter(meeting=item.meeting, user=self.user).exists()
        )

    @property
    def reach_written_opinion(self) -> bool:
        """Who reaches the written-opinion form's service: the series' staff (told of the
        case's state if opinions are closed) and the participants of the open urgent meeting.
        Anyone else who merely reads the case gets the audited 404."""
        return self.staff or self.answer_in_writing


def case_rights(user: Any, case: CaseRequest) -> CaseRights:
    return CaseRights(user, case)
