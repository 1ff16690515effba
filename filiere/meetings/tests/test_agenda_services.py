"""The agenda as participants hold it (issue 12, build 5): the agenda PDF, the « changed since
last sent » flag, sending it again, moving a case to another meeting, the yearly calendar and
templates of avis text."""

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
from filiere.meetings import notifications, services
from filiere.meetings.models import (
    AgendaItem,
    CaseRequest,
    Meeting,
    MeetingSeries,
    RecommendationTemplate,
)
from filiere.meetings.pdf import agenda_pdf
from filiere.patients.models import Patient
from filiere.testing.factories import make_patient
from filiere.testing.meetings import check_in, decided_values, make_case, make_meeting

pytestmark = pytest.mark.django_db
Capture = Callable[..., Any]


def _pdf_text(content: bytes) -> str:
    import pypdfium2 as pdfium

    pages = pdfium.PdfDocument(content)
    return " ".join(" ".join(p.get_textpage().get_text_range().split()) for p in pages)


@pytest.fixture
def later(series: MeetingSeries, meeting: Meeting) -> Meeting:
    return make_meeting(series, starts_at=meeting.starts_at + dt.timedelta(days=28))


@pytest.fixture
def on_agenda(meeting: Meeting, coordinator: User, alice: User, patient_a: Patient) -> AgendaItem:
    case = make_case(meeting.series, alice, patient_a)
    return services.case_accept(actor=coordinator, case=case, meeting=meeting)


# --- Agenda PDF ----------------------------------------------------------------------------


def test_the_agenda_pdf_lists_cases_in_slot_order_by_pseudonym_with_urgent_marked(
    meeting: Meeting, coordinator: User, alice: User, centre_a: Any
) -> None:
    first = make_patient(centre_a, birth_name="Durandal")
    second = make_patient(centre_a, birth_name="Lagardère")
    late = make_case(meeting.series, alice, first, question="Faut-il traiter avant la chirurgie ?")
    early = make_case(
        meeting.series, alice, second, is_urgent=True, urgency_justification="Geste à J+3."
    )
    services.case_accept(
        actor=coordinator,
        case=late,
        meeting=meeting,
        slot_start=meeting.starts_at + dt.timedelta(minutes=30),
    )
    services.case_accept(actor=coordinator, case=early, meeting=meeting)
    text = _pdf_text(agenda_pdf(meeting, notifications.agenda_items(meeting)))
    assert "Ordre du jour" in text
    assert "RCP Pathologies plaquettaires" in text
    assert "Visioconférence : https://visio.example.test/rcp" in text
    assert text.index(second.pseudonym) < text.index(first.pseudonym)
    assert f"{second.pseudonym} URGENT" in text
    assert "Faut-il traiter avant la chirurgie ?" in text
    assert "Thérapeutique" in text
    assert "Centre A" in text
    assert "Durandal" not in text
    assert "Lagardère" not in text


def test_the_first_invitation_carries_the_agenda_as_it_stands(
    series: MeetingSeries,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        meeting = make_meeting(series)
    assert mailoutbox
    names = [name for name, _content, _type in mailoutbox[0].attachments]
    day = timezone.localtime(meeting.starts_at)  # the file is named by the local date
    assert names == ["invitation.ics", f"ordre-du-jour-rcp-{day:%Y-%m-%d}.pdf"]
    meeting.refresh_from_db()
    assert meeting.agenda_sent_at is not None
    assert not meeting.agenda_changed_since_sent


# --- Changed since last sent, and sending it again -----------------------------------------


def test_accepting_a_case_marks_the_agenda_changed(on_agenda: AgendaItem) -> None:
    meeting = Meeting.objects.get(pk=on_agenda.meeting_id)
    assert meeting.agenda_changed_since_sent


def test_moving_a_slot_marks_the_agenda_changed(on_agenda: AgendaItem, coordinator: User) -> None:
    meeting = on_agenda.meeting
    Meeting.objects.filter(pk=meeting.pk).update(agenda_sent_at=timezone.now())
    services.agenda_item_reschedule(
        actor=coordinator,
        agenda_item=on_agenda,
        starts_at=on_agenda.starts_at + dt.timedelta(minutes=20),
        minutes=10,
    )
    meeting.refresh_from_db()
    assert meeting.agenda_changed_since_sent


def test_sending_the_agenda_mails_everyone_the_pdf_and_an_updated_invitation(
    on_agenda: AgendaItem,
    coordinator: User,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    meeting = Meeting.objects.get(pk=on_agenda.meeting_id)
    sequence = meeting.ics_sequence
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.meeting_agenda_send(actor=coordinator, meeting=meeting)
    participants = set(meeting.participants.values_list("user__email", flat=True))
    assert sent == len(participants) == len(mailoutbox)
    assert {m.to[0] for m in mailoutbox} == participants
    mail = mailoutbox[0]
    assert "Ordre du jour mis à jour" in mail.subject
    (ics,) = [c for name, c, _t in mail.attachments if name.endswith(".ics")]
    (pdf,) = [c for name, c, _t in mail.attachments if name.endswith(".pdf")]
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert event.get("SEQUENCE") == sequence + 1
    assert on_agenda.case.patient.pseudonym in _pdf_text(pdf)
    meeting.refresh_from_db()
    assert not meeting.agenda_changed_since_sent
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SEND, object_id=str(meeting.public_id), actor=coordinator
    ).exists()


# --- Moving a case --------------------------------------------------------------------------


def test_a_moved_case_takes_the_first_free_gap_and_the_requester_is_told(
    on_agenda: AgendaItem,
    later: Meeting,
    coordinator: User,
    alice: User,
    centre_a: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    other = make_case(later.series, alice, make_patient(centre_a))
    services.case_accept(actor=coordinator, case=other, meeting=later)  # 1st slot taken
    Meeting.objects.filter(pk__in=[later.pk, on_agenda.meeting_id]).update(
        agenda_sent_at=timezone.now()
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.case_move(
            actor=coordinator, agenda_item=on_agenda, meeting=later, reason="Bilan incomplet"
        )
    assert moved.meeting == later
    assert moved.starts_at == later.starts_at + dt.timedelta(minutes=10)
    on_agenda.refresh_from_db()
    assert on_agenda.outcome == AgendaItem.Outcome.POSTPONED
    (mail,) = mailoutbox
    assert mail.to == [alice.email]
    slot = timezone.localtime(moved.starts_at)
    assert f"{timezone.localtime(later.starts_at):%d/%m/%Y}" in mail.body
    assert f"passage prévu de {slot:%H:%M}" in mail.body
    assert "Motif : Bilan incomplet." in mail.body
    for meeting in Meeting.objects.filter(pk__in=[later.pk, on_agenda.meeting_id]):
        assert meeting.agenda_changed_since_sent
    assert later.participants.filter(user=alice).exists()
    assert AuditEvent.objects.filter(
        object_id=str(moved.public_id), summary__contains="Bilan incomplet"
    ).exists()


def test_moving_a_discussed_case_is_refused(
    on_agenda: AgendaItem, later: Meeting, coordinator: User
) -> None:
    meeting = on_agenda.meeting
    services.meeting_open(actor=coordinator, meeting=meeting)
    check_in(meeting, coordinator)
    services.recommendation_save(actor=coordinator, case=on_agenda.case, values=decided_values())
    on_agenda.refresh_from_db()
    with pytest.raises(ValidationError, match="déjà été discuté ou son avis signé"):
        services.case_move(
            actor=coordinator,
            agenda_item=on_agenda,
            meeting=later,
            reason="Manque de temps",
        )
    assert not later.agenda_items.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFUSED).exists()


def test_moving_needs_a_reason_and_a_coming_meeting_of_the_series(
    on_agenda: AgendaItem, later: Meeting, coordinator: User
) -> None:
    with pytest.raises(ValidationError, match="motif du déplacement"):
        services.case_move(actor=coordinator, agenda_item=on_agenda, meeting=later, reason=" ")
    services.meeting_cancel(actor=coordinator, meeting=later)
    with pytest.raises(ValidationError, match="ni close ni annulée"):
        services.case_move(actor=coordinator, agenda_item=on_agenda, meeting=later, reason="X")
    with pytest.raises(ValidationError, match="autre réunion que celle-ci"):
        services.case_move(
            actor=coordinator, agenda_item=on_agenda, meeting=on_agenda.meeting, reason="X"
        )
    on_agenda.refresh_from_db()
    assert on_agenda.outcome == AgendaItem.Outcome.PENDING


# --- Yearly calendar ----------------------------------------------------------------------


def _next_year_days(*month_days: tuple[int, int]) -> list[dt.date]:
    year = timezone.localdate().year + 1
    return [dt.date(year, month, day) for month, day in month_days]


def _holiday_and_working_day() -> list[dt.date]:
    year = timezone.localdate().year + 1
    working = next(d for d in (dt.date(year, 6, day) for day in range(2, 9)) if d.weekday() == 1)
    return [dt.date(year, 7, 14), working]


def test_a_public_holiday_is_refused_without_explicit_confirmation(
    series: MeetingSeries, coordinator: User
) -> None:
    with pytest.raises(ValidationError, match="Fête nationale"):
        services.series_calendar_create(
            actor=coordinator, series=series, days=_holiday_and_working_day()
        )
    assert not series.meetings.exists()  # all or nothing


def test_the_calendar_creates_every_meeting_with_the_series_defaults(
    series: MeetingSeries, coordinator: User
) -> None:
    days = _holiday_and_working_day()
    created = services.series_calendar_create(
        actor=coordinator, series=series, days=days, confirm_non_working=True
    )
    assert [timezone.localtime(m.starts_at).date() for m in created] == sorted(days)
    for meeting in created:
        assert timezone.localtime(meeting.starts_at).time() == series.default_start_time
        assert meeting.duration_minutes == series.default_duration_minutes
        assert meeting.video_link == series.default_video_link
    assert AuditEvent.objects.filter(
        object_id=str(series.public_id), summary__startswith="Calendrier : 2 réunion(s)"
    ).exists()


def test_a_date_already_holding_a_meeting_is_skipped(
    series: MeetingSeries, coordinator: User
) -> None:
    days = _holiday_and_working_day()[1:]
    services.series_calendar_create(actor=coordinator, series=series, days=days)
    with pytest.raises(ValidationError, match="déjà une réunion"):
        services.series_calendar_create(actor=coordinator, series=series, days=days)
    preview = services.series_calendar_preview(series=series, days=days)
    assert preview[0].existing
    assert series.meetings.count() == 1


# --- Templates of avis text -------------------------------------------------------------


def test_templates_are_created_edited_and_withdrawn_by_the_coordinator_audited(
    series: MeetingSeries, coordinator: User, alice: User
) -> None:
    template = services.recommendation_template_create(
        actor=coordinator,
        series=series,
        question_type=CaseRequest.QuestionType.THERAPEUTIC,
        title="Extraction dentaire",
        therapeutic_proposal="Acide tranexamique 1 g trois fois par jour.",
    )
    services.recommendation_template_update(
        actor=coordinator,
        template=template,
        question_type=CaseRequest.QuestionType.THERAPEUTIC,
        title="Extraction dentaire (adulte)",
        therapeutic_proposal="Acide tranexamique.",
    )
    services.recommendation_template_withdraw(actor=coordinator, template=template)
    template.refresh_from_db()
    assert not template.is_active
    assert template.title == "Extraction dentaire (adulte)"
    actions = set(
        AuditEvent.objects.filter(object_id=str(template.public_id)).values_list(
            "action", flat=True
        )
    )
    assert {"create", "update", "archive"} <= actions


def test_an_empty_template_is_refused_with_the_field_named(
    series: MeetingSeries, coordinator: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.recommendation_template_create(
            actor=coordinator, series=series, question_type="therapeutic", title=""
        )
    assert refused.value.message_dict["title"] == ["Donnez un intitulé au modèle."]
    assert not RecommendationTemplate.objects.exists()
