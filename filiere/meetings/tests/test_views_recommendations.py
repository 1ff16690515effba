"""Recommendation pages: drafting in session, signing under quorum, the kept PDF, corrections,
re-presentation, and the patient record's panel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.meetings import services
from filiere.meetings.models import CaseRequest, Meeting, MeetingSeries
from filiere.patients.models import Patient
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


@pytest.fixture
def in_session(meeting: Meeting, coordinator: User, alice: User, patient_a: Patient) -> CaseRequest:
    case = make_case(meeting.series, alice, patient_a)
    services.case_accept(actor=coordinator, case=case, meeting=meeting)
    services.meeting_open(actor=coordinator, meeting=meeting, at=meeting.starts_at)
    return case


def test_the_draft_is_written_then_signing_without_quorum_is_refused_on_the_page(
    in_session: CaseRequest, coordinator: User, client_for: ClientFor
) -> None:
    client = client_for(coordinator)
    url = f"/rcp/demandes/{in_session.public_id}/avis/"
    assert 'data-testid="recommendation-form"' in client.get(url).content.decode()
    client.post(url, decided_values())
    in_session.refresh_from_db()
    assert in_session.status == "discussed"
    response = client.post(f"{url}signer/", decided_values(step="confirm"))
    html = response.content.decode()
    assert "Quorum non atteint" in html
    assert in_session.recommendations.get().status == "draft"


def test_signing_with_quorum_gives_the_pdf_to_the_requester_and_the_record(
    in_session: CaseRequest,
    meeting: Meeting,
    coordinator: User,
    biologist: User,
    geneticist: User,
    alice: User,
    charlie: User,
    client_for: ClientFor,
) -> None:
    register(meeting, geneticist)
    check_in(meeting, coordinator, biologist, geneticist)
    client = client_for(coordinator)
    url = f"/rcp/demandes/{in_session.public_id}/avis/"
    client.post(url, decided_values())
    client.post(f"{url}signer/", decided_values(step="confirm"))
    signed = in_session.recommendations.get()
    assert signed.status == "signed"
    assert signed.quorum_met
    pdf_url = f"/rcp/demandes/{in_session.public_id}/avis/{signed.public_id}.pdf"
    response = client_for(alice).get(pdf_url)
    assert response.content == bytes(signed.pdf or b"")
    assert AuditEvent.objects.filter(
        action="view", actor=alice, object_id=str(signed.public_id)
    ).exists()
    assert client_for(charlie).get(pdf_url).status_code == 404
    # Filed in the patient's record: the patient page shows it to the patient's clinicians.
    html = client_for(alice).get(f"/patients/{in_session.patient.public_id}/").content.decode()
    assert 'data-testid="rcp-panel"' in html
    assert pdf_url in html


def _pdf_text(content: bytes) -> str:
    import pypdfium2 as pdfium

    pages = pdfium.PdfDocument(content)
    return " ".join(" ".join(p.get_textpage().get_text_range().split()) for p in pages)


def test_signing_keeps_the_text_typed_but_not_saved_in_the_signed_pdf(
    in_session: CaseRequest,
    meeting: Meeting,
    coordinator: User,
    biologist: User,
    geneticist: User,
    client_for: ClientFor,
) -> None:
    """Issue 12, defect 1: text typed in « Alternatives » without « Enregistrer le brouillon »
    was lost when « Signer l'avis » was clicked. Signing saves what is on screen, shows it as it
    will appear, and signs it on confirmation."""
    register(meeting, geneticist)
    check_in(meeting, coordinator, biologist, geneticist)
    client = client_for(coordinator)
    url = f"/rcp/demandes/{in_session.public_id}/avis/"
    client.post(url, decided_values())  # the draft as last saved, without alternatives
    on_screen = decided_values(alternatives="Desmopressine si réponse au test.")
    preview = client.post(f"{url}signer/", on_screen | {"step": "preview"}).content.decode()
    assert 'data-testid="sign-preview"' in preview
    assert "Desmopressine si réponse au test." in preview
    assert 'data-testid="recommendation-form"' not in preview  # one form on screen at a time
    draft = in_session.recommendations.get()
    assert draft.status == "draft"
    assert draft.alternatives == "Desmopressine si réponse au test."  # nothing typed is lost
    client.post(f"{url}signer/", on_screen | {"step": "confirm"})
    signed = in_session.recommendations.get()
    assert signed.status == "signed"
    assert signed.alternatives == "Desmopressine si réponse au test."
    assert "Desmopressine si réponse au test." in _pdf_text(bytes(signed.pdf or b""))


def test_a_refused_signature_gives_back_the_typed_text_and_changes_nothing(
    in_session: CaseRequest, coordinator: User, client_for: ClientFor
) -> None:
    """Issue 12, defect 1: when the signature is refused (quorum missing, no override reason),
    the text typed comes back in the form with the reason beside the field."""
    client = client_for(coordinator)
    url = f"/rcp/demandes/{in_session.public_id}/avis/"
    client.post(url, decided_values())
    typed = decided_values(alternatives="Transfusion plaquettaire HLA compatible.")
    html = client.post(f"{url}signer/", typed | {"step": "confirm"}).content.decode()
    assert 'data-testid="recommendation-form"' in html
    assert "Transfusion plaquettaire HLA compatible." in html
    assert "motif de dérogation" in html
    draft = in_session.recommendations.get()
    assert draft.status == "draft"
    assert draft.alternatives == ""  # the refused signature wrote nothing
    assert AuditEvent.objects.filter(action="refused", object_id=str(in_session.public_id)).exists()


def test_a_signature_not_posted_from_the_form_writes_nothing(
    in_session: CaseRequest, coordinator: User, client_for: ClientFor
) -> None:
    url = f"/rcp/demandes/{in_session.public_id}/avis/signer/"
    client_for(coordinator).post(url, {})  # not from the form: nothing is written
    assert not in_session.recommendations.exists()


def test_posting_changes_to_a_signed_recommendation_is_refused_and_recorded(
    in_session: CaseRequest, meeting: Meeting, coordinator: User, client_for: ClientFor
) -> None:
    check_in(meeting, coordinator)
    draft = services.recommendation_save(
        actor=coordinator, case=in_session, values=decided_values()
    )
    services.recommendation_sign(actor=coordinator, recommendation=draft, override_reason="x")
    services.meeting_close(actor=coordinator, meeting=meeting)
    response = client_for(coordinator).post(
        f"/rcp/demandes/{in_session.public_id}/avis/",
        decided_values(therapeutic_proposal="Autre proposition"),
    )
    assert "ne se modifie plus" in response.content.decode()
    draft.refresh_from_db()
    assert draft.therapeutic_proposal != "Autre proposition"
    assert AuditEvent.objects.filter(action="refused", object_id=str(in_session.public_id)).exists()


def test_a_correction_starts_a_new_version_from_the_page(
    in_session: CaseRequest, meeting: Meeting, coordinator: User, client_for: ClientFor
) -> None:
    check_in(meeting, coordinator)
    draft = services.recommendation_save(
        actor=coordinator, case=in_session, values=decided_values()
    )
    services.recommendation_sign(actor=coordinator, recommendation=draft, override_reason="x")
    client = client_for(coordinator)
    client.post(f"/rcp/demandes/{in_session.public_id}/avis/corriger/", {"reason": "Posologie."})
    assert list(in_session.recommendations.values_list("version", "status")) == [
        (2, "draft"),
        (1, "signed"),
    ]


def test_after_an_override_the_next_meeting_writes_version_two_with_quorum(
    series: MeetingSeries,
    coordinator: User,
    biologist: User,
    geneticist: User,
    alice: User,
    patient_a: Patient,
    client_for: ClientFor,
) -> None:
    earlier = make_meeting(series, starts_at=session_start_today() - dt.timedelta(days=30))
    case = make_case(series, alice, patient_a)
    services.case_accept(actor=coordinator, case=case, meeting=earlier)
    start = earlier.starts_at
    services.meeting_open(actor=coordinator, meeting=earlier, at=start)
    check_in(earlier, coordinator, at=start)
    draft = services.recommendation_save(
        actor=coordinator, case=case, values=decided_values(), at=start
    )
    services.recommendation_sign(
        actor=coordinator,
        recommendation=draft,
        override_reason="Geste urgent.",
        at=start + dt.timedelta(minutes=5),
    )
    services.meeting_close(actor=coordinator, meeting=earlier, at=start + dt.timedelta(hours=1))
    following = make_meeting(series, starts_at=session_start_today())  # today's meeting
    register(following, geneticist)
    services.meeting_open(actor=coordinator, meeting=following, at=following.starts_at)
    check_in(following, coordinator, biologist, geneticist)
    client = client_for(coordinator)
    url = f"/rcp/demandes/{case.public_id}/avis/"
    assert 'data-testid="recommendation-form"' in client.get(url).content.decode()
    client.post(url, decided_values(discussion_summary="Revu avec le généticien."))
    client.post(f"{url}signer/", decided_values(discussion_summary="Revu.", step="confirm"))
    latest = case.recommendations.order_by("-version").first()
    assert latest is not None
    assert (latest.version, latest.status, latest.quorum_met) == (2, "signed", True)
    assert latest.meeting == following
    assert latest.supersedes == draft
    assert latest.discussion_summary == "Revu."


def test_the_recommendation_page_is_for_the_staff(
    in_session: CaseRequest, alice: User, client_for: ClientFor
) -> None:
    assert client_for(alice).get(f"/rcp/demandes/{in_session.public_id}/avis/").status_code == 404


def test_each_discussion_is_a_national_dataset_activity_of_the_requesting_centre(
    in_session: CaseRequest, meeting: Meeting, coordinator: User
) -> None:
    from filiere.meetings.selectors import national_activities

    assert national_activities(in_session.patient_id) == []
    services.recommendation_save(actor=coordinator, case=in_session, values=decided_values())
    (activity,) = national_activities(in_session.patient_id)
    assert activity.context == "ORG-199"
    assert activity.objective == "ORG-046"  # a therapeutic question: setting up care
    assert activity.centre_id == in_session.requester_centre_id
    assert activity.date == meeting.starts_at.astimezone(activity_zone()).date()


def activity_zone() -> dt.tzinfo:
    from django.utils import timezone

    return timezone.get_current_timezone()
