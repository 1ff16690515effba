"""Planning meetings, invitations (iCalendar), agenda slots, opening, closing, attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.meetings import services
from filiere.meetings.models import AgendaItem, Meeting, MeetingSeries, Participant
from filiere.meetings.testing import check_in, make_case, make_meeting, register
from filiere.network.models import Centre
from filiere.patients.models import Patient

pytestmark = pytest.mark.django_db


def _future(days: int = 10, hour: int = 16) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=timezone.get_current_timezone())


def test_a_new_meeting_registers_the_members_and_sends_each_an_ics_invitation(
    series: MeetingSeries,
    coordinator: User,
    biologist: User,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_create(actor=coordinator, series=series, starts_at=_future())
    roles = dict(meeting.participants.values_list("user__email", "role"))
    assert roles == {coordinator.email: "coordinator", biologist.email: "expert"}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([coordinator.email, biologist.email])
    name, content, mimetype = mailoutbox[0].attachments[0]
    assert name == "invitation.ics"
    assert mimetype.startswith("text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["uid"]) == f"rcp-{meeting.public_id}@filiere"
    assert event.decoded("dtstart") == meeting.starts_at
    assert "visio.example.test" not in str(event["summary"])


def test_no_email_leaves_before_the_transaction_commits(
    series: MeetingSeries, coordinator: User, mailoutbox: list[Any]
) -> None:
    services.meeting_create(actor=coordinator, series=series, starts_at=_future())
    assert mailoutbox == []  # the test transaction never commits


def test_a_meeting_in_the_past_is_refused_and_the_refusal_recorded(
    series: MeetingSeries, coordinator: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.meeting_create(
            actor=coordinator, series=series, starts_at=timezone.now() - dt.timedelta(days=1)
        )
    assert "starts_at" in refused.value.message_dict
    assert not Meeting.objects.exists()
    assert AuditEvent.objects.filter(action="refused", actor=coordinator).exists()


def test_only_the_series_staff_plans_its_meetings(series: MeetingSeries, alice: User) -> None:
    with pytest.raises(ValidationError):
        services.meeting_create(actor=alice, series=series, starts_at=_future())


def test_changing_the_time_moves_the_agenda_and_resends_the_invitation(
    meeting: Meeting,
    coordinator: User,
    alice: User,
    patient_a: Patient,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    case = make_case(meeting.series, alice, patient_a)
    item = services.case_accept(actor=coordinator, case=case, meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            actor=coordinator, meeting=meeting, starts_at=meeting.starts_at + dt.timedelta(hours=1)
        )
    item.refresh_from_db()
    assert item.starts_at == meeting.starts_at
    assert meeting.ics_sequence == 1
    assert len(mailoutbox) == meeting.participants.count()
    content = mailoutbox[0].attachments[0][1]
    assert Calendar.from_ical(content).walk("VEVENT")[0]["sequence"] == 1


def test_overlapping_slots_are_refused_with_the_other_case_named(
    meeting: Meeting, coordinator: User, alice: User, patient_a: Patient, centre_a: Centre
) -> None:
    from filiere.testing.factories import make_patient

    first = make_case(meeting.series, alice, patient_a)
    second = make_case(meeting.series, alice, make_patient(centre_a))
    services.case_accept(actor=coordinator, case=first, meeting=meeting)
    with pytest.raises(ValidationError) as refused:
        services.case_accept(
            actor=coordinator,
            case=second,
            meeting=meeting,
            slot_start=meeting.starts_at + dt.timedelta(minutes=5),
        )
    assert patient_a.pseudonym in refused.value.message_dict["slot_start"][0]
    second.refresh_from_db()
    assert second.status == "submitted"
    assert AuditEvent.objects.filter(
        action="refused", object_id=str(second.public_id), patient_id=second.patient.public_id
    ).exists()
    outside = meeting.starts_at + dt.timedelta(minutes=meeting.duration_minutes)
    with pytest.raises(ValidationError, match="sort de la réunion"):
        services.case_accept(actor=coordinator, case=second, meeting=meeting, slot_start=outside)


def test_attendance_is_recorded_with_times_only_while_the_meeting_is_open(
    meeting: Meeting, coordinator: User, biologist: User
) -> None:
    participant = Participant.objects.get(meeting=meeting, user=biologist)
    with pytest.raises(ValidationError, match="séance ouverte"):
        services.attendance_check_in(actor=coordinator, participant=participant)
    opened = meeting.starts_at
    services.meeting_open(actor=coordinator, meeting=meeting, at=opened)
    services.attendance_check_in(
        actor=coordinator, participant=participant, at=opened + dt.timedelta(minutes=2)
    )
    with pytest.raises(ValidationError, match="déjà présent"):
        services.attendance_check_in(actor=coordinator, participant=participant)
    services.attendance_check_out(
        actor=coordinator, participant=participant, at=opened + dt.timedelta(minutes=50)
    )
    services.meeting_close(actor=coordinator, meeting=meeting, at=opened + dt.timedelta(hours=1))
    participant.refresh_from_db()
    assert participant.minutes_present == 48


def test_closing_checks_out_those_present_and_carries_undiscussed_cases_over(
    meeting: Meeting,
    coordinator: User,
    biologist: User,
    alice: User,
    patient_a: Patient,
) -> None:
    case = make_case(meeting.series, alice, patient_a)
    services.case_accept(actor=coordinator, case=case, meeting=meeting)
    services.meeting_open(actor=coordinator, meeting=meeting, at=meeting.starts_at)
    check_in(meeting, biologist, at=meeting.starts_at)
    end = meeting.starts_at + dt.timedelta(minutes=80)
    services.meeting_close(actor=coordinator, meeting=meeting, at=end)
    assert Participant.objects.get(meeting=meeting, user=biologist).checked_out_at == end
    assert AgendaItem.objects.get(meeting=meeting, case=case).outcome == "postponed"
    case.refresh_from_db()
    assert case.awaiting_purpose == AgendaItem.Purpose.CARRIED_OVER
    following = make_meeting(meeting.series, starts_at=meeting.starts_at + dt.timedelta(days=30))
    item = AgendaItem.objects.get(meeting=following, case=case)
    assert item.purpose == AgendaItem.Purpose.CARRIED_OVER
    case.refresh_from_db()
    assert case.awaiting_purpose == ""


def test_a_cancelled_meeting_sends_its_cases_to_the_next_one(
    meeting: Meeting, coordinator: User, alice: User, patient_a: Patient
) -> None:
    following = make_meeting(meeting.series, starts_at=meeting.starts_at + dt.timedelta(days=14))
    case = make_case(meeting.series, alice, patient_a)
    services.case_accept(actor=coordinator, case=case, meeting=meeting)
    services.meeting_cancel(actor=coordinator, meeting=meeting)
    assert following.agenda_items.get().case == case


def test_a_network_physician_registers_from_the_calendar_but_an_outsider_account_cannot(
    meeting: Meeting, charlie: User
) -> None:
    from filiere.testing.factories import make_user

    participant = services.meeting_register_self(actor=charlie, meeting=meeting)
    assert participant.role == "attendee"
    with pytest.raises(ValidationError):
        services.meeting_register_self(actor=make_user(), meeting=meeting)


def test_registering_twice_is_refused(meeting: Meeting, biologist: User) -> None:
    with pytest.raises(ValidationError, match="déjà inscrit"):
        register(meeting, biologist)


def test_the_counted_specialty_can_be_corrected(
    meeting: Meeting, coordinator: User, charlie: User
) -> None:
    participant = register(meeting, charlie)
    services.participant_update(
        actor=coordinator,
        participant=participant,
        specialty="haematology",
        additional_specialties=["medical_genetics", "haematology"],
    )
    participant.refresh_from_db()
    assert participant.additional_specialties == ["medical_genetics"]
