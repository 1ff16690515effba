"""What the documents and e-mails of a case say (issue 12, defect 7): the slot of the case, the
reason of a carry-over, the version a correction replaces, a link valid until the meeting, a
PDF whose statements are separated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from filiere.accounts.models import User
from filiere.meetings import services
from filiere.meetings.models import Meeting, MeetingSeries
from filiere.patients.models import Patient
from filiere.testing.meetings import check_in, decided_values, make_case, make_meeting

pytestmark = pytest.mark.django_db
Capture = Callable[..., Any]


def _pdf_text(content: bytes) -> str:
    import pypdfium2 as pdfium

    pages = pdfium.PdfDocument(content)
    return " ".join(" ".join(p.get_textpage().get_text_range().split()) for p in pages)


def test_the_acceptance_mail_gives_the_slot_of_the_case(
    meeting: Meeting,
    coordinator: User,
    alice: User,
    patient_a: Patient,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    """Issue 12, defect 7: the acceptance e-mail gave the meeting's start, not the case's slot."""
    case = make_case(meeting.series, alice, patient_a)
    slot = meeting.starts_at + dt.timedelta(minutes=40)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_accept(actor=coordinator, case=case, meeting=meeting, slot_start=slot)
    (mail,) = [m for m in mailoutbox if m.to == [alice.email] and "Inscrite" in m.subject]
    assert f"passage du dossier prévu à {timezone.localtime(slot):%H:%M}" in mail.body


def test_a_postponed_requester_is_invited_with_the_reason(
    meeting: Meeting,
    series: MeetingSeries,
    coordinator: User,
    alice: User,
    patient_a: Patient,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    """Issue 12, defect 7: postponed requesters got an invitation without the reason."""
    later = make_meeting(series, starts_at=meeting.starts_at + dt.timedelta(days=30))
    case = make_case(series, alice, patient_a)
    services.case_accept(actor=coordinator, case=case, meeting=meeting)
    services.meeting_open(actor=coordinator, meeting=meeting, at=meeting.starts_at)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_close(actor=coordinator, meeting=meeting)
    (mail,) = [m for m in mailoutbox if m.to == [alice.email]]
    assert later.agenda_items.filter(case=case).exists()
    assert f"Votre dossier {patient_a.pseudonym} y est inscrit" in mail.body
    day = timezone.localtime(meeting.starts_at)
    assert f"n'ayant pas été discuté lors de la RCP du {day:%d/%m/%Y}." in mail.body
    assert mail.attachments  # still the invitation, with its .ics


def test_the_corrected_version_says_which_version_it_replaces(
    meeting: Meeting,
    coordinator: User,
    biologist: User,
    alice: User,
    patient_a: Patient,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    """Issue 12, defect 7: the corrected v2 e-mail did not say it corrects v1."""
    case = make_case(meeting.series, alice, patient_a)
    services.case_accept(actor=coordinator, case=case, meeting=meeting)
    services.meeting_open(actor=coordinator, meeting=meeting, at=meeting.starts_at)
    check_in(meeting, coordinator, biologist)
    draft = services.recommendation_save(actor=coordinator, case=case, values=decided_values())
    signed = services.recommendation_sign(
        actor=coordinator, recommendation=draft, override_reason="Généticien absent."
    )
    correction = services.recommendation_correct(
        actor=coordinator, recommendation=signed, reason="Posologie erronée"
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.recommendation_sign(actor=coordinator, recommendation=correction)
    (mail,) = [m for m in mailoutbox if m.to == [alice.email]]
    assert "corrigé (version 2, remplace la version 1)" in mail.subject
    assert "corrige et remplace la version 1" in mail.body
    assert "motif : Posologie erronée." in mail.body


def test_the_follow_up_site_and_its_note_are_separate_in_the_pdf(
    meeting: Meeting, coordinator: User, alice: User, patient_a: Patient
) -> None:
    """Issue 12, defect 7: « Centre du médecin demandeur Contrôle NFS… » ran together."""
    case = make_case(meeting.series, alice, patient_a)
    services.case_accept(actor=coordinator, case=case, meeting=meeting)
    services.meeting_open(actor=coordinator, meeting=meeting, at=meeting.starts_at)
    check_in(meeting, coordinator)
    values = decided_values(
        follow_up_site="requesting_centre", follow_up_note="Contrôle NFS à un mois."
    )
    draft = services.recommendation_save(actor=coordinator, case=case, values=values)
    signed = services.recommendation_sign(
        actor=coordinator, recommendation=draft, override_reason="Seule présente."
    )
    text = _pdf_text(bytes(signed.pdf or b""))
    assert "Centre du médecin demandeur — Contrôle NFS à un mois." in text


def test_the_invitation_link_lasts_until_the_day_after_the_meeting(
    series: MeetingSeries,
    coordinator: User,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    """Issue 12, defect 7: the invitation link (14 days) expired before a meeting a month
    ahead; it now lasts at least until the end of the day after the meeting."""
    meeting = make_meeting(series, starts_at=timezone.now() + dt.timedelta(days=40))
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _token = services.external_physician_invite(
            actor=coordinator,
            series=series,
            email="invite@chu.test",
            first_name="Inès",
            last_name="Invitée",
            specialty="haematology",
            meeting=meeting,
        )
    day_after = timezone.localtime(meeting.ends_at).date() + dt.timedelta(days=1)
    expires = timezone.localtime(invitation.expires_at)
    assert expires.date() > day_after
    assert expires - timezone.localtime(meeting.ends_at) <= dt.timedelta(days=2)
    mail = next(m for m in mailoutbox if "Invitation à la" in m.subject)
    assert f"valable jusqu'au {expires:%d/%m/%Y}" in mail.body
    # Without a meeting, the 14 days stand.
    alone, _ = services.external_physician_invite(
        actor=coordinator,
        series=series,
        email="seul@chu.test",
        first_name="Sam",
        last_name="Seul",
        specialty="haematology",
    )
    assert alone.expires_at - alone.created_at == dt.timedelta(days=14)
