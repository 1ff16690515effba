"""Planning meetings, invitations (iCalendar), agenda slots, opening, closing, attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.jobs.models import OutgoingMail
from filiere.jobs.services import outbox_send_due
from filiere.meetings import services
from filiere.meetings.models import AgendaItem, Meeting, MeetingSeries, Participant
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.testing.meetings import check_in, make_case, make_meeting, register

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
    # Issue 12, defect 7: the series' name already says « RCP ».
    assert mailoutbox[0].subject.startswith(f"{settings.EMAIL_SUBJECT_PREFIX}RCP Pathologies")
    assert "RCP RCP" not in mailoutbox[0].subject
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


def test_a_rolled_back_meeting_records_and_sends_no_email(
    series: MeetingSeries,
    coordinator: User,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    def create_then_fail() -> None:
        with transaction.atomic():
            services.meeting_create(actor=coordinator, series=series, starts_at=_future())
            raise RuntimeError("a later step of the same request fails")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        create_then_fail()
    assert not OutgoingMail.objects.exists()
    assert mailoutbox == []


def test_with_the_relay_down_the_invitations_wait_and_leave_once_it_is_back(
    series: MeetingSeries,
    coordinator: User,
    biologist: User,
    settings: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Issue 17: a relay outage used to lose the invitations (logged, never sent)."""
    settings.EMAIL_BACKEND = "filiere.jobs.tests.mail_backends.RelayDown"
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_create(actor=coordinator, series=series, starts_at=_future())
    waiting = OutgoingMail.objects.filter(object_id=str(meeting.public_id))
    assert sorted(waiting.values_list("recipients", flat=True)) == sorted(
        [[coordinator.email], [biologist.email]]
    )
    assert {(m.status, m.kind, m.centre_id) for m in waiting} == {
        (OutgoingMail.Status.PENDING, "rcp.invitation", series.centre_id)
    }
    assert mailoutbox == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbox_send_due(now=timezone.now() + dt.timedelta(minutes=2))
    assert sorted(m.to[0] for m in mailoutbox) == sorted([coordinator.email, biologist.email])
    assert next(name for name, _, _ in mailoutbox[0].attachments) == "invitation.ics"
    assert mailoutbox[0].attachments[1][2] == "application/pdf"  # the agenda


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
    participant = Participant.objects.get(meeting=meeting, user=biologist)
    assert participant.last_departure == end
    assert not participant.is_present
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


def test_a_physician_registers_herself_as_an_attendee(meeting: Meeting, charlie: User) -> None:
    """Who may register is the page's question (``test_self_registration``)."""
    participant = services.meeting_register_self(actor=charlie, meeting=meeting)
    assert participant.role == "attendee"


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


def _minutes(meeting: Meeting, minutes: int) -> dt.datetime:
    return meeting.starts_at + dt.timedelta(minutes=minutes)


def test_stepping_out_and_back_keeps_each_interval_of_presence(
    meeting: Meeting, coordinator: User, biologist: User
) -> None:
    """Issue 12, defect 2: check-in, out two minutes later, in again — the departure was erased
    and the record read one stretch without a break. Each in/out is now an interval."""
    services.meeting_open(actor=coordinator, meeting=meeting, at=meeting.starts_at)
    participant = Participant.objects.get(meeting=meeting, user=biologist)
    for minutes, service in (
        (5, services.attendance_check_in),
        (7, services.attendance_check_out),
        (8, services.attendance_check_in),
        (30, services.attendance_check_out),
        (40, services.attendance_check_in),
    ):
        service(actor=coordinator, participant=participant, at=_minutes(meeting, minutes))
    with pytest.raises(ValidationError, match="déjà présent"):
        services.attendance_check_in(
            actor=coordinator, participant=participant, at=_minutes(meeting, 41)
        )
    services.meeting_close(actor=coordinator, meeting=meeting, at=_minutes(meeting, 60))
    participant = Participant.objects.prefetch_related("intervals").get(pk=participant.pk)
    assert [(s.start, s.end) for s in participant.spans()] == [
        (_minutes(meeting, 5), _minutes(meeting, 7)),
        (_minutes(meeting, 8), _minutes(meeting, 30)),
        (_minutes(meeting, 40), _minutes(meeting, 60)),
    ]
    assert participant.minutes_present == 2 + 22 + 20
    assert (
        participant.present_at(
            _minutes(
                meeting,
                7,
            )
        )
        is False
    )
    assert participant.present_at(_minutes(meeting, 35)) is False
    assert participant.present_at(_minutes(meeting, 45)) is True


def test_an_arrival_before_the_last_departure_is_refused(
    meeting: Meeting, coordinator: User, biologist: User
) -> None:
    services.meeting_open(actor=coordinator, meeting=meeting, at=meeting.starts_at)
    participant = Participant.objects.get(meeting=meeting, user=biologist)
    services.attendance_check_in(
        actor=coordinator, participant=participant, at=_minutes(meeting, 5)
    )
    services.attendance_check_out(
        actor=coordinator, participant=participant, at=_minutes(meeting, 20)
    )
    with pytest.raises(ValidationError, match="dernier départ"):
        services.attendance_check_in(
            actor=coordinator, participant=participant, at=_minutes(meeting, 10)
        )
    assert participant.intervals.count() == 1


def test_credit_and_quorum_come_from_presence_during_each_discussion(
    meeting: Meeting,
    coordinator: User,
    biologist: User,
    geneticist: User,
    alice: User,
    patient_a: Patient,
    centre_a: Centre,
) -> None:
    """Issue 12, defect 2: a participant was credited with a case discussed while he was out
    (whose PDF said the quorum failed for lack of his specialty) and not with one whose PDF
    counted him. The credit and the quorum now read the same overlap between the participant's
    intervals and the case's discussion (HAS, « Fiche méthode RCP », 2014: the avis is that of
    the physicians taking part in the discussion)."""
    from filiere.testing.factories import make_patient
    from filiere.testing.meetings import decided_values

    register(meeting, geneticist)
    first = make_case(meeting.series, alice, patient_a)
    second = make_case(meeting.series, alice, make_patient(centre_a))
    one = services.case_accept(actor=coordinator, case=first, meeting=meeting)
    two = services.case_accept(actor=coordinator, case=second, meeting=meeting)
    services.meeting_open(actor=coordinator, meeting=meeting, at=_minutes(meeting, 0))
    check_in(meeting, coordinator, biologist, geneticist, at=_minutes(meeting, 1))
    # First case: discussed 5–12 with the geneticist there; its draft saved early (at 5).
    services.agenda_item_discussion_open(
        actor=coordinator, agenda_item=one, at=_minutes(meeting, 5)
    )
    draft = services.recommendation_save(
        actor=coordinator, case=first, values=decided_values(), at=_minutes(meeting, 5)
    )
    geneticist_there = Participant.objects.get(meeting=meeting, user=geneticist)
    one.refresh_from_db()
    services.agenda_item_discussion_close(
        actor=coordinator, agenda_item=one, at=_minutes(meeting, 12)
    )
    services.attendance_check_out(
        actor=coordinator, participant=geneticist_there, at=_minutes(meeting, 13)
    )
    first_signed = services.recommendation_sign(
        actor=coordinator, recommendation=draft, at=_minutes(meeting, 14)
    )
    # Second case: its draft was saved at 4, before the geneticist left, but the discussion
    # (opened at 15) took place without him.
    services.agenda_item_discussion_open(
        actor=coordinator, agenda_item=two, at=_minutes(meeting, 15)
    )
    second_draft = services.recommendation_save(
        actor=coordinator, case=second, values=decided_values(), at=_minutes(meeting, 16)
    )
    second_signed = services.recommendation_sign(
        actor=coordinator,
        recommendation=second_draft,
        override_reason="Généticien parti ; geste programmé.",
        at=_minutes(meeting, 20),
    )
    assert first_signed.quorum_met is True  # the geneticist left after the discussion
    assert second_signed.quorum_met is False
    assert second_signed.quorum_record["missing_required"] == ["medical_genetics"]
    two.refresh_from_db()
    assert (two.discussion_started_at, two.discussion_ended_at) == (
        _minutes(meeting, 15),
        _minutes(meeting, 20),  # the signature closed the discussion left open
    )
    services.meeting_close(actor=coordinator, meeting=meeting, at=_minutes(meeting, 60))
    credited = {
        p.user_id: services.cases_discussed_during(p)
        for p in Participant.objects.filter(meeting=meeting).prefetch_related("intervals")
    }
    assert credited[geneticist.pk] == 1  # the first case only: as both PDFs say
    assert credited[biologist.pk] == 2
    assert credited[alice.pk] == 0  # registered, never there


def test_the_coordinator_opens_and_closes_each_discussion_one_at_a_time(
    meeting: Meeting,
    coordinator: User,
    biologist: User,
    alice: User,
    patient_a: Patient,
    centre_a: Centre,
) -> None:
    from filiere.testing.factories import make_patient

    first = services.case_accept(
        actor=coordinator, case=make_case(meeting.series, alice, patient_a), meeting=meeting
    )
    second = services.case_accept(
        actor=coordinator,
        case=make_case(meeting.series, alice, make_patient(centre_a)),
        meeting=meeting,
    )
    with pytest.raises(ValidationError, match="séance ouverte"):
        services.agenda_item_discussion_open(actor=coordinator, agenda_item=first)
    services.meeting_open(actor=coordinator, meeting=meeting, at=_minutes(meeting, 0))
    services.agenda_item_discussion_open(
        actor=coordinator, agenda_item=first, at=_minutes(meeting, 2)
    )
    # Opening the next case closes the one under discussion.
    services.agenda_item_discussion_open(
        actor=coordinator, agenda_item=second, at=_minutes(meeting, 9)
    )
    first.refresh_from_db()
    assert first.discussion_ended_at == _minutes(meeting, 9)
    with pytest.raises(ValidationError, match="déjà close"):
        services.agenda_item_discussion_close(actor=coordinator, agenda_item=first)
    services.meeting_close(actor=coordinator, meeting=meeting, at=_minutes(meeting, 30))
    second.refresh_from_db()
    assert second.discussion_ended_at == _minutes(meeting, 30)
    summaries = list(
        AuditEvent.objects.filter(object_id=str(first.public_id)).values_list("summary", flat=True)
    )
    assert any("Discussion ouverte" in s for s in summaries)
    assert any("Discussion close" in s for s in summaries)


def test_an_ordinary_meeting_runs_on_its_own_day_only(
    series: MeetingSeries, coordinator: User, biologist: User, alice: User, patient_a: Patient
) -> None:
    """Issue 12, defect 5: a meeting of 22/12 was opened and its avis signed on 02/12; the PDF
    read « RCP du 22/12/2026 … signé le 02/12/2026 ». An ordinary meeting opens, takes
    attendance and signs on its day; an urgent one when it must."""
    from filiere.testing.meetings import decided_values

    later = make_meeting(series, starts_at=_future(days=20))
    with pytest.raises(ValidationError) as refused:
        services.meeting_open(actor=coordinator, meeting=later)
    (message,) = refused.value.messages
    day = timezone.localtime(later.starts_at)
    assert f"le jour de la réunion, le {day:%d/%m/%Y}" in message
    assert f"nous sommes le {timezone.localdate():%d/%m/%Y}" in message
    later.refresh_from_db()
    assert later.status == "planned"
    assert AuditEvent.objects.filter(action="refused", object_id=str(later.public_id)).exists()
    # Opened on its day, it takes attendance and signs on that day only.
    case = make_case(series, alice, patient_a)
    services.case_accept(actor=coordinator, case=case, meeting=later)
    services.meeting_open(actor=coordinator, meeting=later, at=later.starts_at)
    participant = Participant.objects.get(meeting=later, user=biologist)
    with pytest.raises(ValidationError, match="L'émargement se fait le jour de la réunion"):
        services.attendance_check_in(actor=coordinator, participant=participant)
    check_in(later, coordinator, biologist, at=later.starts_at)
    draft = services.recommendation_save(
        actor=coordinator, case=case, values=decided_values(), at=later.starts_at
    )
    with pytest.raises(ValidationError, match="La signature de l'avis se fait le jour"):
        services.recommendation_sign(actor=coordinator, recommendation=draft, override_reason="x")
    signed = services.recommendation_sign(
        actor=coordinator,
        recommendation=draft,
        override_reason="x",
        at=later.starts_at + dt.timedelta(minutes=10),
    )
    assert timezone.localtime(signed.signed_at or later.starts_at).date() == day.date()


def test_an_urgent_meeting_may_be_opened_before_its_day(
    series: MeetingSeries, coordinator: User
) -> None:
    urgent = make_meeting(series, starts_at=_future(days=2), kind=Meeting.Kind.URGENT)
    services.meeting_open(actor=coordinator, meeting=urgent)
    assert urgent.status == "open"
