"""Documents for the hospital record (issue 12, build 6): the requesting team's copy of the avis
with the patient's identity, file names by date, pseudonym and version, the DPC programme on
certificates, one archive of a meeting's certificates, and each participant's past meetings."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.identity.models import Identity
from filiere.identity.services import INS_NIR_OID
from filiere.meetings import notifications, services
from filiere.meetings.models import CaseRequest, Meeting, MeetingSeries, Participant
from filiere.meetings.pdf import avis_filename
from filiere.meetings.services.record_copy import RECORD_COPY_READ
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.patients.selectors import identity_of
from filiere.testing.factories import TOTP_SECRET, make_patient
from filiere.testing.meetings import (
    check_in,
    decided_values,
    make_case,
    make_meeting,
    register,
    session_start_today,
)

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]

# A valid NIR for a woman born in July 1977 (the SDM-MR export tests use the same).
NIR = "277076322082910"


def _pdf_text(content: bytes) -> str:
    import pypdfium2 as pdfium

    pages = pdfium.PdfDocument(content)
    return " ".join(" ".join(p.get_textpage().get_text_range().split()) for p in pages)


@pytest.fixture
def qualified_patient(centre_a: Centre, nomenclature: None) -> Patient:
    """Élodie Lefèvre, followed by centre A, whose identity was qualified with her INS."""
    patient: Patient = make_patient(
        centre_a,
        birth_name="Lefèvre",
        birth_first_names="Élodie Anne",
        first_given_name="Élodie",
        used_name="Martin",
        birth_date=dt.date(1977, 7, 14),
        sex="F",
        birth_place_insee="75115",
        ins_matricule=NIR,
        ins_oid=INS_NIR_OID,
        status="qualified",
    )
    return patient


@pytest.fixture
def signed_case(
    meeting: Meeting,
    coordinator: User,
    biologist: User,
    geneticist: User,
    alice: User,
    qualified_patient: Patient,
) -> CaseRequest:
    """Alice's request, signed under quorum at today's meeting, still open."""
    case = make_case(meeting.series, alice, qualified_patient)
    services.case_accept(actor=coordinator, case=case, meeting=meeting)
    services.meeting_open(actor=coordinator, meeting=meeting, at=meeting.starts_at)
    register(meeting, geneticist)
    check_in(meeting, coordinator, biologist, geneticist)
    services.recommendation_sign_as_shown(
        actor=coordinator,
        case=case,
        values=decided_values(alternatives="Desmopressine si réponse au test."),
    )
    return case


def _urls(case: CaseRequest) -> tuple[str, str]:
    signed = case.recommendations.get(version=1)
    base = f"/rcp/demandes/{case.public_id}/avis/{signed.public_id}"
    return f"{base}.pdf", f"{base}/copie-dossier.pdf"


# --- The requesting team's copy for the patient's record --------------------------------


def test_the_requester_gets_the_copy_with_identity_traits_and_ins(
    signed_case: CaseRequest, alice: User, client_for: ClientFor
) -> None:
    _signed_url, copy_url = _urls(signed_case)
    response = client_for(alice).get(copy_url)
    assert response.status_code == 200
    text = _pdf_text(response.content)
    for trait in (
        "LEFÈVRE",
        "Élodie",
        "14/07/1977",
        "Féminin",
        "75115",
        "MARTIN",
        NIR,
        INS_NIR_OID,
        "Identité qualifiée",
    ):
        assert trait in text, trait
    assert "Copie pour le dossier du patient" in text
    assert "version 1" in text
    assert "Desmopressine si réponse au test." in text
    assert signed_case.patient.pseudonym in text
    assert AuditEvent.objects.filter(
        action="view", actor=alice, summary=RECORD_COPY_READ.format(version=1)
    ).exists()


def test_the_experts_signed_avis_stays_pseudonymised(
    signed_case: CaseRequest, geneticist: User, client_for: ClientFor
) -> None:
    signed_url, _copy_url = _urls(signed_case)
    text = _pdf_text(client_for(geneticist).get(signed_url).content)
    assert signed_case.patient.pseudonym in text
    for trait in ("LEFÈVRE", "Lefèvre", "Élodie", "14/07/1977", NIR):
        assert trait not in text


def test_an_expert_outside_the_treating_team_gets_404_recorded(
    signed_case: CaseRequest, geneticist: User, charlie: User, client_for: ClientFor
) -> None:
    """The geneticist of centre B reads the case during the meeting, never the identity."""
    signed_url, copy_url = _urls(signed_case)
    assert client_for(geneticist).get(signed_url).status_code == 200
    assert client_for(geneticist).get(copy_url).status_code == 404
    assert client_for(charlie).get(copy_url).status_code == 404
    assert AuditEvent.objects.filter(actor=geneticist, action="access_denied").exists()
    assert not AuditEvent.objects.filter(
        actor=geneticist, summary__startswith="Consultation de l'identité"
    ).exists()


def test_the_case_page_offers_the_copy_only_to_the_treating_team(
    signed_case: CaseRequest, alice: User, geneticist: User, client_for: ClientFor
) -> None:
    _signed_url, copy_url = _urls(signed_case)
    page = f"/rcp/demandes/{signed_case.public_id}/"
    assert copy_url in client_for(alice).get(page).content.decode()
    assert copy_url not in client_for(geneticist).get(page).content.decode()
    record = client_for(alice).get(f"/patients/{signed_case.patient.public_id}/")
    assert copy_url in record.content.decode()


def test_the_copy_carries_the_ins_only_for_a_qualified_identity(
    meeting: Meeting, coordinator: User, alice: User, centre_a: Centre, client_for: ClientFor
) -> None:
    """RNIV: an INS travels only with a qualified identity; the status is always printed."""
    patient = make_patient(
        centre_a,
        birth_name="Nessi",
        first_given_name="Ruth",
        birth_date=dt.date(1977, 7, 14),
        sex="F",
        ins_matricule=NIR,
        ins_oid=INS_NIR_OID,
        status="validated",
    )
    case = make_case(meeting.series, alice, patient)
    services.case_accept(actor=coordinator, case=case, meeting=meeting)
    services.meeting_open(actor=coordinator, meeting=meeting, at=meeting.starts_at)
    check_in(meeting, coordinator)
    services.recommendation_sign_as_shown(
        actor=coordinator, case=case, values=decided_values(), override_reason="Urgence."
    )
    _signed_url, copy_url = _urls(case)
    text = _pdf_text(client_for(alice).get(copy_url).content)
    assert "NESSI" in text
    assert "Identité validée" in text
    assert NIR not in text
    assert INS_NIR_OID not in text


def test_the_copy_follows_the_signed_version_never_a_later_draft(
    signed_case: CaseRequest, coordinator: User, alice: User, client_for: ClientFor
) -> None:
    """A correction under way changes neither the signed text nor its copy."""
    v1 = signed_case.recommendations.get(version=1)
    draft = services.recommendation_correct(
        actor=coordinator, recommendation=v1, reason="Posologie."
    )
    services.recommendation_save(
        actor=coordinator,
        case=signed_case,
        recommendation=draft,
        values=decided_values(alternatives="Texte de la version deux en rédaction."),
    )
    _signed_url, copy_url = _urls(signed_case)
    text = _pdf_text(client_for(alice).get(copy_url).content)
    assert "Desmopressine si réponse au test." in text
    assert "version deux" not in text
    assert v1.pdf_sha256[:16] in text


def test_a_draft_has_no_copy(
    signed_case: CaseRequest, coordinator: User, alice: User, client_for: ClientFor
) -> None:
    v1 = signed_case.recommendations.get(version=1)
    draft = services.recommendation_correct(
        actor=coordinator, recommendation=v1, reason="Posologie."
    )
    url = f"/rcp/demandes/{signed_case.public_id}/avis/{draft.public_id}/copie-dossier.pdf"
    assert client_for(alice).get(url).status_code == 404
    with pytest.raises(ValidationError):
        services.recommendation_record_copy(
            actor=alice, recommendation=draft, identity=_identity_of(signed_case)
        )


def _identity_of(case: CaseRequest) -> Identity:
    identity = identity_of(case.patient)
    assert identity is not None
    return identity


# --- File names -------------------------------------------------------------------------


def test_avis_file_names_carry_date_pseudonym_and_version() -> None:
    day = dt.date(2026, 12, 22)
    assert avis_filename(day, "MHE-7K3Q-9D2P", 2) == "avis-RCP_2026-12-22_MHE-7K3Q-9D2P_v2.pdf"
    assert (
        avis_filename(day, "MHE-7K3Q-9D2P", 2, "copie-dossier")
        == "avis-RCP_2026-12-22_MHE-7K3Q-9D2P_v2_copie-dossier.pdf"
    )
    # Whatever reaches it, the name stays ASCII and quote-free for Content-Disposition.
    assert avis_filename(day, 'é"/x y', 1) == "avis-RCP_2026-12-22_x-y_v1.pdf"


def test_both_downloads_are_named_by_meeting_date_pseudonym_and_version(
    signed_case: CaseRequest, alice: User, client_for: ClientFor
) -> None:
    """The avis was named « avis-rcp-<pseudonym>-v1.pdf », without its date."""
    signed_url, copy_url = _urls(signed_case)
    day = timezone.localtime(signed_case.recommendations.get().meeting.starts_at)
    stem = f"avis-RCP_{day:%Y-%m-%d}_{signed_case.patient.pseudonym}_v1"
    client = client_for(alice)
    assert client.get(signed_url)["Content-Disposition"] == f'attachment; filename="{stem}.pdf"'
    assert (
        client.get(copy_url)["Content-Disposition"]
        == f'attachment; filename="{stem}_copie-dossier.pdf"'
    )


def test_the_emailed_avis_has_the_same_name(
    signed_case: CaseRequest,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    signed = signed_case.recommendations.get()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.recommendation_delivered(signed, ["alice@hopital.test"])
    day = timezone.localtime(signed.meeting.starts_at)
    name = f"avis-RCP_{day:%Y-%m-%d}_{signed_case.patient.pseudonym}_v1.pdf"
    assert [a[0] for m in mailoutbox for a in m.attachments] == [name]


# --- DPC programme on certificates ------------------------------------------------------


def _closed_with_attendance(
    meeting: Meeting, case: CaseRequest, coordinator: User, biologist: User
) -> None:
    """The biologist is there from +1 to +3 and from +4 to the close at +75; the case is
    discussed from +10 to +20; the coordinator from +1 to the close."""
    start = meeting.starts_at
    services.meeting_open(actor=coordinator, meeting=meeting, at=start)
    check_in(meeting, coordinator, biologist, at=start + dt.timedelta(minutes=1))
    there = Participant.objects.get(meeting=meeting, user=biologist)
    services.attendance_check_out(
        actor=coordinator, participant=there, at=start + dt.timedelta(minutes=3)
    )
    services.attendance_check_in(
        actor=coordinator, participant=there, at=start + dt.timedelta(minutes=4)
    )
    item = case.agenda_items.get()
    services.agenda_item_discussion_open(
        actor=coordinator, agenda_item=item, at=start + dt.timedelta(minutes=10)
    )
    services.recommendation_save(
        actor=coordinator,
        case=case,
        values={"discussion_summary": "Discuté.", "therapeutic_proposal": "Acide tranexamique."},
        at=start + dt.timedelta(minutes=15),
    )
    item.refresh_from_db()
    services.agenda_item_discussion_close(
        actor=coordinator, agenda_item=item, at=start + dt.timedelta(minutes=20)
    )
    services.meeting_close(actor=coordinator, meeting=meeting, at=start + dt.timedelta(minutes=75))


@pytest.fixture
def closed_meeting(
    meeting: Meeting, coordinator: User, biologist: User, alice: User, patient_a: Patient
) -> Meeting:
    """Alice presents her case but is never checked in: she was absent."""
    case = make_case(meeting.series, alice, patient_a)
    services.case_accept(actor=coordinator, case=case, meeting=meeting)
    _closed_with_attendance(meeting, case, coordinator, biologist)
    meeting.refresh_from_db()
    return meeting


def test_the_series_form_records_the_dpc_programme(
    series: MeetingSeries, coordinator: User, client_for: ClientFor
) -> None:
    url = f"/rcp/series/{series.public_id}/modifier/"
    client = client_for(coordinator)
    form = client.get(url).content.decode()
    assert 'name="dpc_programme_reference"' in form
    values = {
        "name": series.name,
        "required_specialties": series.required_specialties,
        "minimum_specialties": 3,
        "default_start_time": "16:00",
        "default_duration_minutes": 90,
        "default_slot_minutes": 10,
        "dpc_programme_reference": " 1234 2600 012 ",
        "dpc_organisation": "Société française d'hématologie",
    }
    client.post(url, values)
    series.refresh_from_db()
    assert series.dpc_programme_reference == "1234 2600 012"
    assert series.dpc_organisation == "Société française d'hématologie"


def test_an_organisation_without_programme_reference_is_refused_naming_the_field(
    series: MeetingSeries, coordinator: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.series_update(
            actor=coordinator, series=series, dpc_organisation="Organisme sans programme"
        )
    assert "dpc_programme_reference" in refused.value.message_dict
    assert (
        "Référence du programme de DPC" in refused.value.message_dict["dpc_programme_reference"][0]
    )
    series.refresh_from_db()
    assert series.dpc_organisation == ""


def test_every_certificate_of_the_series_prints_its_dpc_programme(
    closed_meeting: Meeting, coordinator: User, biologist: User, client_for: ClientFor
) -> None:
    participant = Participant.objects.get(meeting=closed_meeting, user=biologist)
    url = f"/rcp/reunions/{closed_meeting.public_id}/participants/{participant.public_id}/"
    before = _pdf_text(client_for(biologist).get(url + "attestation.pdf").content)
    assert "Programme de développement professionnel continu" not in before
    services.series_update(
        actor=coordinator,
        series=closed_meeting.series,
        dpc_programme_reference="1234 2600 012",
        dpc_organisation="Société française d'hématologie",
    )
    text = _pdf_text(client_for(biologist).get(url + "attestation.pdf").content)
    assert "Programme de développement professionnel continu (DPC) n° 1234 2600 012" in text
    assert "Société française d'hématologie" in text


# --- One archive of a meeting's certificates --------------------------------------------


def test_the_coordinator_downloads_every_present_participants_certificate_at_once(
    closed_meeting: Meeting, coordinator: User, biologist: User, client_for: ClientFor
) -> None:
    response = client_for(coordinator).get(
        f"/rcp/reunions/{closed_meeting.public_id}/attestations.zip"
    )
    assert response.status_code == 200
    day = timezone.localtime(closed_meeting.starts_at)
    assert response["Content-Disposition"] == (
        f'attachment; filename="attestations-rcp-{day:%Y-%m-%d}-pathologies-plaquettaires.zip"'
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    stem = f"attestation-rcp-{day:%Y-%m-%d}-pathologies-plaquettaires"
    # Alice, registered as presenter but absent, has no certificate.
    assert sorted(archive.namelist()) == [
        f"{stem}-bernard-sophie.pdf",
        f"{stem}-girard-prenom.pdf",
    ]
    text = _pdf_text(archive.read(f"{stem}-girard-prenom.pdf"))
    assert "Girard" in text
    assert (
        AuditEvent.objects.filter(action="print", object_id=str(closed_meeting.public_id)).count()
        == 1
    )
    assert not AuditEvent.objects.filter(action="print", object_type="meetings.participant")


def test_the_archive_is_the_coordinators_and_exists_after_the_session(
    meeting: Meeting,
    closed_meeting: Meeting,
    biologist: User,
    charlie: User,
    coordinator: User,
    client_for: ClientFor,
) -> None:
    url = f"/rcp/reunions/{closed_meeting.public_id}/attestations.zip"
    assert client_for(biologist).get(url).status_code == 404
    assert client_for(charlie).get(url).status_code == 404
    assert AuditEvent.objects.filter(actor=biologist, action="access_denied").exists()
    later = make_meeting(closed_meeting.series)
    response = client_for(coordinator).get(f"/rcp/reunions/{later.public_id}/attestations.zip")
    assert response.status_code == 302


def test_the_closed_meeting_page_offers_the_archive_to_the_coordinator(
    closed_meeting: Meeting, coordinator: User, client_for: ClientFor
) -> None:
    html = client_for(coordinator).get(f"/rcp/reunions/{closed_meeting.public_id}/").content
    assert f"/rcp/reunions/{closed_meeting.public_id}/attestations.zip" in html.decode()


# --- « Mes réunions » --------------------------------------------------------------------


def test_a_participant_sees_their_past_meetings_intervals_cases_and_certificate(
    closed_meeting: Meeting, biologist: User, client_for: ClientFor
) -> None:
    participant = Participant.objects.get(meeting=closed_meeting, user=biologist)
    html = client_for(biologist).get("/rcp/mes-reunions/").content.decode()
    start = timezone.localtime(closed_meeting.starts_at)

    def at(minutes: int) -> str:
        return f"{start + dt.timedelta(minutes=minutes):%H:%M}"

    assert f"{at(1)}–{at(3)}, {at(4)}–{at(75)}" in html
    assert '<td data-testid="credited">1</td>' in html
    certificate = (
        f"/rcp/reunions/{closed_meeting.public_id}/participants/{participant.public_id}/"
        "attestation.pdf"
    )
    assert certificate in html
    assert "/rcp/mes-reunions/" in client_for(biologist).get("/rcp/").content.decode()


def test_an_absent_participant_sees_the_meeting_without_certificate(
    closed_meeting: Meeting, alice: User, client_for: ClientFor
) -> None:
    html = client_for(alice).get("/rcp/mes-reunions/").content.decode()
    assert "absent(e)" in html
    assert "attestation.pdf" not in html


def test_nobody_sees_anothers_meetings(
    closed_meeting: Meeting, charlie: User, client_for: ClientFor
) -> None:
    html = client_for(charlie).get("/rcp/mes-reunions/").content.decode()
    assert str(closed_meeting.public_id) not in html
    assert "Aucune réunion passée." in html


def test_the_invited_external_expert_sees_their_past_meeting(
    series: MeetingSeries, coordinator: User, client_for: ClientFor
) -> None:
    """The limited account of a physician from outside the network, checked in at a meeting."""
    meeting = make_meeting(series, starts_at=session_start_today())
    invitation, _token = services.external_physician_invite(
        actor=coordinator,
        series=series,
        email="ext@chu-reunion.test",
        first_name="Minh",
        last_name="Nguyen",
        specialty="paediatric_haematology",
        meeting=meeting,
    )
    services.meeting_open(actor=coordinator, meeting=meeting, at=meeting.starts_at)
    check_in(meeting, invitation.user, at=meeting.starts_at + dt.timedelta(minutes=2))
    services.meeting_close(
        actor=coordinator, meeting=meeting, at=meeting.starts_at + dt.timedelta(minutes=30)
    )
    services.invitation_accept(
        invitation=invitation, password="Plaquettes-2026!", confirm="Plaquettes-2026!"
    )
    TOTP.activate(invitation.user, TOTP_SECRET)
    client = client_for(invitation.user)
    html = client.get("/rcp/mes-reunions/").content.decode()
    assert html.count('data-testid="past-meeting"') == 1
    participant = Participant.objects.get(meeting=meeting, user=invitation.user)
    url = f"/rcp/reunions/{meeting.public_id}/participants/{participant.public_id}/attestation.pdf"
    assert url in html
    assert client.get(url).content.startswith(b"%PDF-")


def test_the_page_query_count_does_not_grow_with_meetings(
    series: MeetingSeries, coordinator: User, biologist: User, client_for: ClientFor
) -> None:
    client = client_for(biologist)

    def past_meeting(days_ago: int) -> None:
        start = timezone.now() - dt.timedelta(days=days_ago)
        meeting = make_meeting(series, starts_at=start)
        services.meeting_open(actor=SYSTEM, meeting=meeting, at=start)
        check_in(meeting, biologist, at=start + dt.timedelta(minutes=1))
        services.meeting_close(actor=SYSTEM, meeting=meeting, at=start + dt.timedelta(minutes=30))

    past_meeting(0)
    client.get("/rcp/mes-reunions/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/rcp/mes-reunions/").status_code == 200
    for days in range(1, 5):
        past_meeting(days)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/rcp/mes-reunions/").content.decode()
    assert html.count('data-testid="past-meeting"') == 5
    assert len(many) == len(few)
