"""Meeting pages: the coordinator's live screen (no identity, live quorum), participants' view,
loss of access at closing, invitation file, DPC evidence."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.meetings import services
from filiere.meetings.models import (
    CaseRequest,
    Meeting,
    MeetingSeries,
    Participant,
    SeriesMember,
)
from filiere.patients.models import Patient
from filiere.testing.factories import TOTP_SECRET
from filiere.testing.meetings import check_in, make_case, make_meeting, register

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


@pytest.fixture
def on_agenda(meeting: Meeting, coordinator: User, alice: User, patient_a: Patient) -> CaseRequest:
    case = make_case(meeting.series, alice, patient_a)
    services.case_accept(actor=coordinator, case=case, meeting=meeting)
    return case


def _no_identity(queries: CaptureQueriesContext) -> bool:
    return not any("identity_traits" in q["sql"] for q in queries.captured_queries)


def test_the_live_screen_shows_pseudonym_age_sex_centre_and_never_reads_identity(
    meeting: Meeting, on_agenda: CaseRequest, coordinator: User, client_for: ClientFor
) -> None:
    client = client_for(coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/rcp/reunions/{meeting.public_id}/seance/")
    html = response.content.decode()
    assert response.status_code == 200
    assert on_agenda.patient.pseudonym in html
    assert "36 ans" in html
    assert "Féminin" in html
    assert "Centre A" in html
    assert "Lefèvre" not in html
    assert "Élodie" not in html
    assert _no_identity(queries)
    assert AuditEvent.objects.filter(
        action="view", actor=coordinator, patient_id=on_agenda.patient.public_id
    ).exists()


def test_no_meeting_page_reads_the_identity_table(
    meeting: Meeting,
    on_agenda: CaseRequest,
    coordinator: User,
    alice: User,
    client_for: ClientFor,
) -> None:
    services.meeting_open(actor=coordinator, meeting=meeting)
    check_in(meeting, coordinator)
    services.recommendation_save(
        actor=coordinator,
        case=on_agenda,
        values={"discussion_summary": "Discuté.", "therapeutic_proposal": "Acide tranexamique."},
    )
    client = client_for(coordinator)
    urls = [
        f"/rcp/reunions/{meeting.public_id}/",
        f"/rcp/reunions/{meeting.public_id}/seance/",
        f"/rcp/reunions/{meeting.public_id}/quorum/",
        f"/rcp/demandes/{on_agenda.public_id}/",
        f"/rcp/demandes/{on_agenda.public_id}/avis/",
        f"/rcp/demandes/{on_agenda.public_id}/triage/",
    ]
    with CaptureQueriesContext(connection) as queries:
        for url in urls:
            assert client.get(url).status_code == 200, url
        client.post(
            f"/rcp/demandes/{on_agenda.public_id}/avis/signer/",
            {
                "discussion_summary": "Discuté.",
                "therapeutic_proposal": "Acide tranexamique.",
                "override_reason": "x",
                "step": "confirm",
            },
        )
        assert client_for(alice).get(f"/rcp/demandes/{on_agenda.public_id}/").status_code == 200
    assert on_agenda.recommendations.get().status == "signed"
    assert _no_identity(queries)


def test_checking_in_answers_the_row_and_the_quorum_turns_green(
    meeting: Meeting,
    coordinator: User,
    biologist: User,
    geneticist: User,
    client_for: ClientFor,
) -> None:
    register(meeting, geneticist)
    services.meeting_open(actor=coordinator, meeting=meeting)
    client = client_for(coordinator)
    quorum_url = f"/rcp/reunions/{meeting.public_id}/quorum/"
    assert 'data-met="false"' in client.get(quorum_url).content.decode()
    for user in (coordinator, biologist, geneticist):
        participant = Participant.objects.get(meeting=meeting, user=user)
        response = client.post(
            f"/rcp/reunions/{meeting.public_id}/participants/{participant.public_id}/presence/",
            {"action": "in"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert response["HX-Trigger"] == "quorum-changed"
        assert 'data-testid="check-out"' in response.content.decode()
    html = client.get(quorum_url).content.decode()
    assert 'data-met="true"' in html
    assert "Quorum atteint" in html


def test_attendance_by_someone_outside_the_staff_is_refused(
    meeting: Meeting, biologist: User, coordinator: User, client_for: ClientFor
) -> None:
    services.meeting_open(actor=coordinator, meeting=meeting)
    participant = Participant.objects.get(meeting=meeting, user=biologist)
    response = client_for(biologist).post(
        f"/rcp/reunions/{meeting.public_id}/participants/{participant.public_id}/presence/",
        {"action": "in"},
    )
    assert response.status_code == 404
    participant.refresh_from_db()
    assert participant.first_arrival is None


def test_a_participant_sees_the_cases_until_the_meeting_closes(
    meeting: Meeting,
    on_agenda: CaseRequest,
    coordinator: User,
    charlie: User,
    client_for: ClientFor,
) -> None:
    register(meeting, charlie)
    client = client_for(charlie)
    case_url = f"/rcp/demandes/{on_agenda.public_id}/"
    assert client.get(case_url).status_code == 200
    assert (
        on_agenda.patient.pseudonym
        in client.get(f"/rcp/reunions/{meeting.public_id}/").content.decode()
    )
    services.meeting_open(actor=coordinator, meeting=meeting)
    services.meeting_close(actor=coordinator, meeting=meeting)
    assert client.get(case_url).status_code == 404
    html = client.get(f"/rcp/reunions/{meeting.public_id}/").content.decode()
    assert on_agenda.patient.pseudonym not in html
    assert AuditEvent.objects.filter(
        action="access_denied", actor=charlie, object_id=str(on_agenda.public_id)
    ).exists()


def test_an_external_expert_cannot_open_a_case_of_another_meeting(
    meeting: Meeting,
    on_agenda: CaseRequest,
    coordinator: User,
    series: MeetingSeries,
    client_for: ClientFor,
) -> None:
    other = make_meeting(series, starts_at=meeting.starts_at + dt.timedelta(days=30))
    invitation, _ = services.external_physician_invite(
        actor=coordinator,
        series=series,
        email="ext@chu.test",
        first_name="E",
        last_name="X",
        specialty="haematology",
        meeting=other,
    )
    TOTP.activate(invitation.user, TOTP_SECRET)
    client = client_for(invitation.user)
    assert client.get(f"/rcp/demandes/{on_agenda.public_id}/").status_code == 404
    assert client.get(f"/rcp/reunions/{meeting.public_id}/").status_code == 404
    assert client.get(f"/rcp/reunions/{other.public_id}/").status_code == 200
    assert AuditEvent.objects.filter(
        action="access_denied", actor=invitation.user, object_id=str(on_agenda.public_id)
    ).exists()


def test_the_live_screen_is_for_the_staff_only(
    meeting: Meeting, biologist: User, charlie: User, client_for: ClientFor
) -> None:
    assert (
        client_for(biologist).get(f"/rcp/reunions/{meeting.public_id}/seance/").status_code == 404
    )
    assert client_for(charlie).get(f"/rcp/reunions/{meeting.public_id}/").status_code == 404


def test_the_invitation_file_downloads_for_a_participant(
    meeting: Meeting, biologist: User, client_for: ClientFor
) -> None:
    response = client_for(biologist).get(f"/rcp/reunions/{meeting.public_id}/invitation.ics")
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["url"]) == meeting.video_link


def test_opening_and_closing_through_the_page(
    meeting: Meeting, coordinator: User, client_for: ClientFor
) -> None:
    client = client_for(coordinator)
    url = f"/rcp/reunions/{meeting.public_id}/statut/"
    assert client.post(url, {"action": "open"})["Location"].endswith("/seance/")
    client.post(url, {"action": "close", "confirmed": "1"})
    meeting.refresh_from_db()
    assert meeting.status == "closed"
    response = client.post(url, {"action": "open"}, follow=True)
    assert "Seule une réunion planifiée" in response.content.decode()


@pytest.mark.parametrize("action", ["close", "cancel"])
def test_closing_and_cancelling_ask_for_confirmation_first(
    meeting: Meeting, coordinator: User, client_for: ClientFor, action: str
) -> None:
    """Issue 12, defect 6: a destructive change of state asks before it happens."""
    client = client_for(coordinator)
    url = f"/rcp/reunions/{meeting.public_id}/statut/"
    if action == "close":
        client.post(url, {"action": "open"})
    status = Meeting.objects.get(pk=meeting.pk).status
    response = client.post(url, {"action": action})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="status-confirmation"' in html
    assert 'name="confirmed" value="1"' in html
    assert Meeting.objects.get(pk=meeting.pk).status == status
    done = client.post(url, {"action": action, "confirmed": "1"}, follow=True)
    meeting.refresh_from_db()
    assert meeting.status == ("closed" if action == "close" else "cancelled")
    expected = "Séance clôturée" if action == "close" else "Réunion annulée"
    assert expected in done.content.decode()


def test_opening_a_discussion_and_moving_a_slot_confirm_themselves(
    meeting: Meeting, on_agenda: CaseRequest, coordinator: User, client_for: ClientFor
) -> None:
    """Issue 12, defect 6: closing, cancelling, ratifying and moving a slot gave no
    confirmation; every change of state says on screen that it is done."""
    client = client_for(coordinator)
    client.post(f"/rcp/reunions/{meeting.public_id}/statut/", {"action": "open"})
    item = on_agenda.agenda_items.get()
    url = f"/rcp/reunions/{meeting.public_id}/ordre-du-jour/{item.public_id}/"
    start = timezone.localtime(meeting.starts_at) + dt.timedelta(minutes=30)
    moved = client.post(
        url, {"slot_time": f"{start:%H:%M}", "slot_minutes": "15"}, follow=True
    ).content.decode()
    end = start + dt.timedelta(minutes=15)
    assert f"déplacé : {start:%H:%M}–{end:%H:%M}" in moved
    opened = client.post(url, {"action": "discussion_open"}, follow=True).content.decode()
    assert f"Discussion du dossier {on_agenda.patient.pseudonym} ouverte" in opened


def _closed_meeting_with_attendance(
    meeting: Meeting, on_agenda: CaseRequest, coordinator: User, biologist: User
) -> None:
    """The biologist arrives at +1 min, steps out at +3, is back at +4 and stays until the
    close at +75; the case is discussed from +10 to +20."""
    start = meeting.starts_at
    services.meeting_open(actor=coordinator, meeting=meeting, at=start)
    check_in(meeting, coordinator, biologist, at=start + dt.timedelta(minutes=1))
    biologist_there = Participant.objects.get(meeting=meeting, user=biologist)
    services.attendance_check_out(
        actor=coordinator, participant=biologist_there, at=start + dt.timedelta(minutes=3)
    )
    services.attendance_check_in(
        actor=coordinator, participant=biologist_there, at=start + dt.timedelta(minutes=4)
    )
    item = on_agenda.agenda_items.get()
    services.agenda_item_discussion_open(
        actor=coordinator, agenda_item=item, at=start + dt.timedelta(minutes=10)
    )
    services.recommendation_save(
        actor=coordinator,
        case=on_agenda,
        values={"discussion_summary": "Discuté.", "therapeutic_proposal": "Acide tranexamique."},
        at=start + dt.timedelta(minutes=15),
    )
    item.refresh_from_db()
    services.agenda_item_discussion_close(
        actor=coordinator, agenda_item=item, at=start + dt.timedelta(minutes=20)
    )
    services.meeting_close(actor=coordinator, meeting=meeting, at=start + dt.timedelta(minutes=75))


def test_dpc_export_lists_each_physician_with_rpps_times_and_cases(
    meeting: Meeting,
    on_agenda: CaseRequest,
    coordinator: User,
    biologist: User,
    alice: User,
    client_for: ClientFor,
) -> None:
    """Issue 12, defect 2: in at +1, out at +3, in again at +4 — the departure was erased and
    the export said one stretch without a break; absent participants got a departure time; the
    file had no byte-order mark, so French Excel garbled the accents."""
    _closed_meeting_with_attendance(meeting, on_agenda, coordinator, biologist)
    response = client_for(coordinator).get(f"/rcp/reunions/{meeting.public_id}/emargement.csv")
    assert response.content.startswith("\ufeff".encode())  # UTF-8 with BOM
    text = response.content.decode("utf-8-sig")
    assert text.startswith("Nom;Prénom;RPPS")
    rows = {r["Nom"]: r for r in csv.DictReader(io.StringIO(text), delimiter=";")}
    row = rows["Girard"]
    start = timezone.localtime(meeting.starts_at)

    def at(minutes: int) -> str:
        return f"{start + dt.timedelta(minutes=minutes):%H:%M}"

    assert row["Arrivée"] == at(1)
    assert row["Départ"] == at(75)
    assert row["Périodes de présence"] == f"{at(1)}–{at(3)}, {at(4)}–{at(75)}"
    assert row["Durée (min)"] == "73"  # 2 + 71 minutes, the break left out
    assert row["Dossiers discutés"] == "1"
    absent = rows[alice.last_name]
    assert (absent["Arrivée"], absent["Départ"], absent["Périodes de présence"]) == ("", "", "")
    assert AuditEvent.objects.filter(action="export", object_id=str(meeting.public_id)).exists()


def test_the_certificate_shows_each_stretch_of_presence(
    meeting: Meeting,
    on_agenda: CaseRequest,
    coordinator: User,
    biologist: User,
    client_for: ClientFor,
) -> None:
    """Issue 12, defect 2: the certificate derives from the intervals of presence."""
    import pypdfium2 as pdfium

    _closed_meeting_with_attendance(meeting, on_agenda, coordinator, biologist)
    mine = Participant.objects.get(meeting=meeting, user=biologist)
    url = f"/rcp/reunions/{meeting.public_id}/participants/{mine.public_id}/attestation.pdf"
    content = client_for(biologist).get(url).content
    text = " ".join(
        " ".join(p.get_textpage().get_text_range().split()) for p in pdfium.PdfDocument(content)
    )
    start = timezone.localtime(meeting.starts_at)
    periods = ", ".join(
        f"{start + dt.timedelta(minutes=a):%H:%M}–{start + dt.timedelta(minutes=b):%H:%M}"
        for a, b in ((1, 3), (4, 75))
    )
    assert periods in text
    assert "73 minutes" in text


def test_each_participant_downloads_their_own_certificate_only(
    meeting: Meeting,
    on_agenda: CaseRequest,
    coordinator: User,
    biologist: User,
    alice: User,
    client_for: ClientFor,
) -> None:
    _closed_meeting_with_attendance(meeting, on_agenda, coordinator, biologist)
    mine = Participant.objects.get(meeting=meeting, user=biologist)
    theirs = Participant.objects.get(meeting=meeting, user=coordinator)
    base = f"/rcp/reunions/{meeting.public_id}/participants/"
    response = client_for(biologist).get(f"{base}{mine.public_id}/attestation.pdf")
    assert response.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="print", object_id=str(mine.public_id)).exists()
    assert client_for(biologist).get(f"{base}{theirs.public_id}/attestation.pdf").status_code == 404
    # Alice was registered as presenter but never checked in: no certificate.
    alice_participant = Participant.objects.get(meeting=meeting, user=alice)
    response = client_for(alice).get(f"{base}{alice_participant.public_id}/attestation.pdf")
    assert response.status_code == 302


def test_the_calendar_lets_a_network_physician_register(
    meeting: Meeting, charlie: User, client_for: ClientFor
) -> None:
    """Charlie belongs to the series (registration is limited to one's series, issue 13)."""
    services.series_member_add(
        actor=SYSTEM, series=meeting.series, user=charlie, role=SeriesMember.Role.EXPERT
    )
    client = client_for(charlie)
    html = client.get("/rcp/calendrier/").content.decode()
    assert f"/rcp/reunions/{meeting.public_id}/inscription/" in html
    client.post(f"/rcp/reunions/{meeting.public_id}/inscription/")
    assert meeting.participants.filter(user=charlie).exists()


def test_the_index_query_count_does_not_grow_with_meetings(
    series: MeetingSeries, coordinator: User, client_for: ClientFor
) -> None:
    client = client_for(coordinator)
    make_meeting(series)
    client.get("/rcp/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/rcp/").status_code == 200
    for days in range(8, 14):
        make_meeting(series, starts_at=timezone.now() + dt.timedelta(days=days))
    with CaptureQueriesContext(connection) as many:
        client.get("/rcp/")
    assert len(many) == len(few)


def test_a_participant_added_from_the_session_screen_has_no_role_until_one_is_chosen(
    meeting: Meeting, coordinator: User, charlie: User, client_for: ClientFor
) -> None:
    """Issue 12, defect 6: the role started on « Coordonnateur »; it starts on « — choisir — »
    and a participant added without a role is refused, naming the field."""
    client = client_for(coordinator)
    html = client.get(f"/rcp/reunions/{meeting.public_id}/seance/").content.decode()
    assert '<option value="" selected>— choisir —</option>' in html
    url = f"/rcp/reunions/{meeting.public_id}/participants/"
    response = client.post(url, {"email": charlie.email, "back": "live"}, follow=True)
    assert "Choisissez : Rôle." in response.content.decode()
    assert not meeting.participants.filter(user=charlie).exists()
    client.post(url, {"email": charlie.email, "role": "attendee", "back": "live"})
    assert meeting.participants.get(user=charlie).role == "attendee"


def test_each_certificate_is_named_by_date_meeting_and_participant(
    meeting: Meeting,
    on_agenda: CaseRequest,
    coordinator: User,
    biologist: User,
    client_for: ClientFor,
) -> None:
    """Issue 12, defect 7: every certificate was named `attestation-rcp.pdf`."""
    _closed_meeting_with_attendance(meeting, on_agenda, coordinator, biologist)
    mine = Participant.objects.get(meeting=meeting, user=biologist)
    url = f"/rcp/reunions/{meeting.public_id}/participants/{mine.public_id}/attestation.pdf"
    response = client_for(biologist).get(url)
    day = timezone.localtime(meeting.starts_at)
    name = f"attestation-rcp-{day:%Y-%m-%d}-pathologies-plaquettaires-girard-prenom.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


def test_only_the_series_staff_plans_its_meetings(
    series: MeetingSeries, alice: User, client_for: ClientFor
) -> None:
    """The page refuses with the audited 404 (the service trusts its caller)."""
    day = timezone.localdate() + dt.timedelta(days=7)
    response = client_for(alice).post(
        f"/rcp/series/{series.public_id}/reunions/nouvelle/",
        {
            "kind": "ordinary",
            "day": f"{day:%Y-%m-%d}",
            "time": "14:00",
            "duration_minutes": "90",
            "video_link": "",
            "location": "",
            "notes": "",
        },
    )
    assert response.status_code == 404
    assert not Meeting.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED, actor=alice, object_id=str(series.public_id)
    ).exists()
