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

from filiere.meetings.selectors.activities import (
    CARE_SET_UP,
    OBJECTIVES,
    RCP_CONTEXT,
    RcpActivity,
    national_activities,
    national_activities_of,
)
from filiere.meetings.selectors.attendance import (
    ROLE_ORDER,
    attendee_of,
    attendees_during,
    discussion_window,
    opinions_on,
    present_attendees,
    quorum_display,
    quorum_for,
    quorum_for_case,
    quorum_rule,
    specialty_label,
    written_opinion_attendees,
)
from filiere.meetings.selectors.cases import (
    agenda_of,
    current_agenda_item,
    draft_of,
    get_recommendation,
    latest_recommendation,
    latest_signed,
    patient_age_shown_at,
    pending_agenda_item,
    ratifications_of,
)
from filiere.meetings.selectors.visibility import (
    cases_visible_to,
    get_case_for_coordinator,
    get_case_for_staff,
    get_case_for_user,
    get_meeting_for_staff,
    get_meeting_for_user,
    get_series_for_coordinator,
    get_series_for_staff,
    get_series_for_user,
    meetings_visible_to,
    my_cases,
    next_meeting,
    participants_of,
    participation_of,
    past_participations,
    series_managed_by,
    series_open_for_submission,
    series_statistics_visible_to,
    series_visible_to,
    triage_queue,
    upcoming_meetings,
    with_list_details,
)

__all__ = [
    "CARE_SET_UP",
    "OBJECTIVES",
    "RCP_CONTEXT",
    "ROLE_ORDER",
    "RcpActivity",
    "agenda_of",
    "attendee_of",
    "attendees_during",
    "cases_visible_to",
    "current_agenda_item",
    "discussion_window",
    "draft_of",
    "get_case_for_coordinator",
    "get_case_for_staff",
    "get_case_for_user",
    "get_meeting_for_staff",
    "get_meeting_for_user",
    "get_recommendation",
    "get_series_for_coordinator",
    "get_series_for_staff",
    "get_series_for_user",
    "latest_recommendation",
    "latest_signed",
    "meetings_visible_to",
    "my_cases",
    "national_activities",
    "national_activities_of",
    "next_meeting",
    "opinions_on",
    "participants_of",
    "participation_of",
    "past_participations",
    "patient_age_shown_at",
    "pending_agenda_item",
    "present_attendees",
    "quorum_display",
    "quorum_for",
    "quorum_for_case",
    "quorum_rule",
    "ratifications_of",
    "series_managed_by",
    "series_open_for_submission",
    "series_statistics_visible_to",
    "series_visible_to",
    "specialty_label",
    "triage_queue",
    "upcoming_meetings",
    "with_list_details",
    "written_opinion_attendees",
]
