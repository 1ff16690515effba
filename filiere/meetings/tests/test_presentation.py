"""Running a big session (issue 12, build 5): the check-in list (search, RPPS, counts,
« tous présents »), the presentation mode and the videoconference link."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.lib.identifiers import luhn_key
from filiere.meetings import services
from filiere.meetings.models import (
    CaseRequest,
    Meeting,
    MeetingSeries,
    Participant,
    PresenceInterval,
)
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.testing.meetings import (
    check_in,
    make_case,
    make_meeting,
    make_physician,
)

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


@pytest.fixture
def on_agenda(meeting: Meeting, coordinator: User, alice: User, patient_a: Patient) -> CaseRequest:
    case = make_case(
        meeting.series,
        alice,
        patient_a,
        question_type=CaseRequest.QuestionType.OFF_LABEL,
        off_label_drug="Romiplostim",
    )
    services.case_accept(actor=coordinator, case=case, meeting=meeting)
    return case


# --- Check-in list ---------------------------------------------------------------------------


def test_everyone_absent_arrives_at_once_and_those_present_keep_their_interval(
    meeting: Meeting, coordinator: User, biologist: User, geneticist: User
) -> None:
    services.participant_add(actor=SYSTEM, meeting=meeting, user=geneticist, role="expert")
    services.meeting_open(actor=coordinator, meeting=meeting)
    start = timezone.now() - dt.timedelta(minutes=3)
    check_in(meeting, coordinator, biologist, at=start)
    services.attendance_check_out(
        actor=coordinator,
        participant=Participant.objects.get(meeting=meeting, user=biologist),
        at=start + dt.timedelta(minutes=1),
    )
    arrived = services.attendance_check_in_all(actor=coordinator, meeting=meeting)
    assert arrived == 2  # the biologist back, the geneticist first in; the coordinator stays
    intervals = {
        p.user: [(i.arrived_at, i.left_at) for i in p.intervals.order_by("arrived_at")]
        for p in meeting.participants.all()
    }
    assert intervals[coordinator] == [(start, None)]
    assert len(intervals[biologist]) == 2
    assert intervals[biologist][0] == (start, start + dt.timedelta(minutes=1))
    assert intervals[biologist][1][1] is None
    assert len(intervals[geneticist]) == 1
    events = AuditEvent.objects.filter(actor=coordinator, summary__startswith="Tous présents")
    assert [e.summary.split(" à ")[0] for e in events] == [
        "Tous présents : arrivée de 2 participant(s)"
    ]
    assert services.attendance_check_in_all(actor=coordinator, meeting=meeting) == 0


def test_everyone_present_is_refused_before_the_session_and_outside_the_staff(
    meeting: Meeting, coordinator: User, biologist: User, client_for: ClientFor
) -> None:
    """Before the session the service refuses; outside the staff, the page (audited 404)."""
    with pytest.raises(ValidationError):
        services.attendance_check_in_all(actor=coordinator, meeting=meeting)
    services.meeting_open(actor=coordinator, meeting=meeting)
    response = client_for(biologist).post(f"/rcp/reunions/{meeting.public_id}/presence/tous/")
    assert response.status_code == 404
    assert not PresenceInterval.objects.filter(participant__meeting=meeting).exists()


def test_the_session_screen_lists_rpps_counts_and_filters_without_script(
    meeting: Meeting, coordinator: User, biologist: User, client_for: ClientFor
) -> None:
    biologist.rpps = "1000000000" + luhn_key("1000000000")
    biologist.save(update_fields=["rpps"])
    services.meeting_open(actor=coordinator, meeting=meeting)
    check_in(meeting, coordinator)
    client = client_for(coordinator)
    url = f"/rcp/reunions/{meeting.public_id}/seance/"
    html = client.get(url).content.decode()
    assert biologist.rpps in html
    assert 'data-testid="attendance-counts">1 présent · 1 absent<' in html
    assert "meetings/live.js" in html
    filtered = client.get(url, {"q": "GIRARD"}).content.decode()
    assert filtered.count('data-testid="participant-row"') == 1
    assert "Girard" in filtered
    by_rpps = client.get(url, {"q": biologist.rpps}).content.decode()
    assert by_rpps.count('data-testid="participant-row"') == 1
    by_mail = client.get(url, {"q": "sophie@"}).content.decode()
    assert by_mail.count('data-testid="participant-row"') == 1
    assert "Bernard" in by_mail


def test_everyone_present_through_the_page_confirms_the_count(
    meeting: Meeting, coordinator: User, client_for: ClientFor
) -> None:
    services.meeting_open(actor=coordinator, meeting=meeting)
    response = client_for(coordinator).post(
        f"/rcp/reunions/{meeting.public_id}/presence/tous/", follow=True
    )
    assert "2 participants notés présents à" in response.content.decode()
    assert all(p.is_present for p in meeting.participants.prefetch_related("intervals"))


def test_everyone_present_is_refused_to_a_participant(
    meeting: Meeting, coordinator: User, biologist: User, client_for: ClientFor
) -> None:
    services.meeting_open(actor=coordinator, meeting=meeting)
    response = client_for(biologist).post(f"/rcp/reunions/{meeting.public_id}/presence/tous/")
    assert response.status_code == 404
    assert not PresenceInterval.objects.filter(participant__meeting=meeting).exists()


# --- Presentation mode -----------------------------------------------------------------------


def test_the_presentation_shows_one_case_with_its_pseudonym_and_never_an_identity_trait(
    meeting: Meeting,
    on_agenda: CaseRequest,
    coordinator: User,
    alice: User,
    patient_a: Patient,
    client_for: ClientFor,
) -> None:
    second = make_case(meeting.series, alice, patient_a, question="Seconde question ?")
    services.case_accept(actor=coordinator, case=second, meeting=meeting)
    client = client_for(coordinator)
    url = f"/rcp/reunions/{meeting.public_id}/presentation/"
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url).content.decode()
    assert patient_a.pseudonym in first
    assert "Prescription hors AMM" in first
    assert "Romiplostim" in first
    assert "Épistaxis récidivantes" in first
    assert "Dossier 1 sur 2" in first
    assert 'href="?dossier=2"' in first
    assert "Lefèvre" not in first
    assert "Élodie" not in first
    assert not any("identity_traits" in q["sql"] for q in queries.captured_queries)
    last = client.get(url, {"dossier": "2"}).content.decode()
    assert "Seconde question ?" in last
    assert 'href="?dossier=1"' in last
    assert 'data-nav="next"' not in last
    assert "Dossier 2 sur 2" in client.get(url, {"dossier": "9"}).content.decode()
    views = AuditEvent.objects.filter(
        action="view", actor=coordinator, summary__contains="présentation"
    )
    assert views.count() == 3
    assert {e.patient_id for e in views} == {patient_a.public_id}


def test_the_presentation_is_for_the_staff_only(
    meeting: Meeting, on_agenda: CaseRequest, biologist: User, charlie: User, client_for: ClientFor
) -> None:
    for user in (biologist, charlie):
        response = client_for(user).get(f"/rcp/reunions/{meeting.public_id}/presentation/")
        assert response.status_code == 404


# --- Videoconference link -----------------------------------------------------------------


def test_the_series_link_reaches_the_invitation_the_ics_and_the_session_screen(
    series: MeetingSeries,
    coordinator: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    series.default_video_link = "https://visio.example.test/plaquettes"
    series.save(update_fields=["default_video_link"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_create(
            actor=coordinator,
            series=series,
            # In the future at any hour of the run (22:00 + 10 min was past late in the evening).
            starts_at=timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=10),
            video_link="",
        )
    link = "https://visio.example.test/plaquettes"
    invitation = next(m for m in mail.outbox if m.to == [coordinator.email])
    assert f"Visioconférence : {link}" in invitation.body
    event = Calendar.from_ical(invitation.attachments[0][1]).walk("VEVENT")[0]
    assert str(event["url"]) == link
    assert link in str(event["description"])
    client = client_for(coordinator)
    live = client.get(f"/rcp/reunions/{meeting.public_id}/seance/").content.decode()
    assert 'data-testid="video-link"' in live
    assert link in live
    detail = client.get(f"/rcp/reunions/{meeting.public_id}/").content.decode()
    assert "Rejoindre la visioconférence" in detail


def test_the_meeting_link_wins_over_the_series_one(series: MeetingSeries) -> None:
    series.default_video_link = "https://visio.example.test/serie"
    series.save(update_fields=["default_video_link"])
    meeting = make_meeting(series)
    assert meeting.video_link_or_default == "https://visio.example.test/rcp"


def test_the_session_screen_query_count_does_not_grow_with_the_participants(
    meeting: Meeting, coordinator: User, centre_a: Centre, client_for: ClientFor
) -> None:
    services.meeting_open(actor=coordinator, meeting=meeting)
    client = client_for(coordinator)
    url = f"/rcp/reunions/{meeting.public_id}/seance/"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    services.attendance_check_in_all(actor=coordinator, meeting=meeting)
    few = count()
    for _ in range(5):
        services.participant_add(
            actor=SYSTEM, meeting=meeting, user=make_physician(centre_a, "haematology")
        )
    services.attendance_check_in_all(actor=coordinator, meeting=meeting)
    assert count() == few
